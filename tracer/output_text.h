#pragma once
// Text output of a trace: per packet a numbered hop table (time offset in µs
// from the packet's first hop, device, namespace, direction, role, what
// changed), and a compact hop list without times used by tests and docs.
#include <string>
#include <vector>

#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// The hop tables of all packets, for a terminal.
std::string format_text(const std::vector<TracedPacket>& packets);

/// The stable projection (no times): per packet "packet N <kind> <summary>",
/// then "  <i> <role> <netns>/<device|-> <direction>[  <change>]" per hop and a
/// "  dropped after <netns>/<device>" line when dropped.
std::string format_hop_list(const std::vector<TracedPacket>& packets);

}  // namespace netlab::tracer
