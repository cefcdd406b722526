#pragma once
// Output of a live trace: the offline text/JSON of the packets plus what only
// a live trace knows (the probe, conntrack entries, the nft rule trace,
// capture counters, warnings). JSON keys are documented in docs/tracer.md.
#include <nlohmann/json.hpp>

#include <string>

#include "tracer/live_trace.h"

namespace netlab::tracer {

/// "trace nat: g1 192.168.122.10 → 198.51.100.1 icmp, 1 sent, 1 answered" and the warnings.
/// For an IPv6 trace (res.dst6 set) `dst` is unused: res.src6 → res.dst6 are shown.
std::string format_live_header(const std::string& lab, const std::string& guest, model::Ipv4 dst,
                               const ProbeSpec& spec, const LiveResult& res);
/// trace_to_json(...) with "probe", "conntrack", "rule_trace", "capture" and "warnings" added.
nlohmann::ordered_json live_to_json(const std::string& lab, const std::string& guest, model::Ipv4 dst,
                                    const ProbeSpec& spec, const LiveResult& res);

}  // namespace netlab::tracer
