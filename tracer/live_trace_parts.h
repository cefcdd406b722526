#pragma once
// Parts of a live trace shared by the IPv4 path (live_trace.cpp) and the IPv6
// one (live_trace6.cpp); not an API of the tracer library.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "tracer/capture_live.h"
#include "tracer/live_trace.h"
#include "tracer/nft_trace_socket.h"

namespace netlab::tracer {

/// A probe's nonce: random, 16 bits, never 0 (it is the ICMP echo id and the payload's tag).
uint32_t probe_nonce();

/// Now on the capture's clock (CLOCK_REALTIME), in ns: when a probe was sent.
uint64_t capture_clock_ns();

/// The host namespace of a NIC's path: its route/nat point's, else its first veth/tap/bridge's.
std::string point_netns(const model::NicPath& nic);

/// Phases 1 and 2 of a trace, the same for both families: the captures on the
/// path of `req.guest` (and of `peer_guest`, the destination's guest, when
/// not ""), with `filter`; then, in the lab's table of `host_ns`, the nft
/// trace listener and the chain selecting the probe's packets by `matches` (a
/// lab without a table of its own, bridge mode, has no rules to trace). A
/// listener or chain that cannot be had is a warning in `res`; captures that
/// cannot be opened are the Error.
struct ProbeWatch {
  LiveCapture capture;
  std::optional<NftTraceListener> listener;
  std::optional<TraceChain> chain;
};
Result<ProbeWatch> watch_probe(const LiveRequest& req, const std::string& host_ns, const std::string& filter,
                               const std::string& peer_guest, const std::vector<std::string>& matches, LiveResult* res);

/// The first step of phase 5: the capture's statistics and warnings (devices
/// skipped, frames libpcap dropped) into `res`, and what it captured moved
/// into res->set and traced into res->packets.
void collect_capture(const model::HopMap& hopmap, LiveCapture* capture, LiveResult* res);

/// A probe run inside a VM (its own ping or nc) reports no echo id or source
/// port of ours: take them from the first request seen, so that only the
/// probe's own conntrack entries are cited, not an earlier ping's.
void learn_probe_ids(const CaptureSet& set, const std::vector<TracedPacket>& packets, ProbeOutcome* probe);

/// Phase 4 of a trace: the rule trace's events (headers propagated, the
/// tracer's own chain left out, rules annotated), then the trace chain is
/// removed (on an early return before this, its destructor removes it).
void finish_rule_trace(const std::string& lab, const std::string& host_ns, std::optional<NftTraceListener>* listener,
                       std::optional<TraceChain>* chain, LiveResult* res);

}  // namespace netlab::tracer
