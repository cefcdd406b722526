#pragma once
// JSON output of a trace, schema documented in docs/tracer.md
// ("schema": "netlab.trace", "version": 1). Keys are stable; new keys may be
// added in later versions, existing ones never change meaning.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tracer/traced_packet.h"

namespace netlab::tracer {

inline constexpr int kTraceJsonVersion = 1;

/// The document for `packets` (keys in the documented order); `lab` is the hop map's lab name.
nlohmann::ordered_json trace_to_json(const std::string& lab, const std::vector<TracedPacket>& packets);
/// One nftables rule or policy a packet met: {family, table, chain, handle, rule, comment, verdict}.
nlohmann::ordered_json rule_to_json(const RuleHit& rule);
/// The same, serialised with two-space indentation and a final newline.
std::string format_json(const std::string& lab, const std::vector<TracedPacket>& packets);

}  // namespace netlab::tracer
