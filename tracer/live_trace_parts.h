#pragma once
// Parts of a live trace shared by the IPv4 path (live_trace.cpp) and the IPv6
// one (live_trace6.cpp); not an API of the tracer library.
#include <cstdint>
#include <optional>
#include <string>

#include "netlab/model/hopmap.h"
#include "tracer/live_trace.h"
#include "tracer/nft_trace_socket.h"

namespace netlab::tracer {

/// A probe's nonce: random, 16 bits, never 0 (it is the ICMP echo id and the payload's tag).
uint32_t probe_nonce();

/// Now on the capture's clock (CLOCK_REALTIME), in ns: when a probe was sent.
uint64_t capture_clock_ns();

/// The host namespace of a NIC's path: its route/nat point's, else its first veth/tap/bridge's.
std::string point_netns(const model::NicPath& nic);

/// Phase 4 of a trace: the rule trace's events (headers propagated, the
/// tracer's own chain left out, rules annotated), then the trace chain is
/// removed (on an early return before this, its destructor removes it).
void finish_rule_trace(const std::string& lab, const std::string& host_ns, std::optional<NftTraceListener>* listener,
                       std::optional<TraceChain>* chain, LiveResult* res);

}  // namespace netlab::tracer
