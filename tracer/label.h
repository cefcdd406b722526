#pragma once
// Turning compact correlation results into TracedPackets with readable
// summaries and change descriptions (strings are made here, not per record).
#include <string>
#include <vector>

#include "tracer/capture_set.h"
#include "tracer/correlate.h"
#include "tracer/hop_graph.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// "192.168.100.11" / IPv6 text of the source or destination of an IP or ARP record.
std::string format_ip(const PacketRecord& rec, bool source);
/// "02:00:00:00:01:11".
std::string format_mac(const uint8_t* mac);
/// One line about the packet, e.g. "icmp echo-request 192.168.100.11 → 203.0.113.1 id 10342 seq 0".
std::string summarize(const PacketRecord& rec);
/// What changed from a to b for the bits in `changes`, e.g.
/// "src 192.168.100.11 → 203.0.113.2, TTL 64 → 63, src MAC 02:.. → 02:..".
std::string describe_changes(const PacketRecord& a, const PacketRecord& b, uint16_t changes);

/// The TracedPackets of a correlation, in its order.
std::vector<TracedPacket> label(const Correlation& corr, const CaptureSet& set, const HopGraph& graph);

/// Convenience: build the graph, correlate and label in one call.
std::vector<TracedPacket> trace_capture_set(const CaptureSet& set, const CorrelateOptions& options = {});

}  // namespace netlab::tracer
