#pragma once
// A rule of libnftables' JSON output (its "expr" array, see libnftables-json(5))
// written back in nft's own syntax, as `nft list ruleset` prints it but without
// counter values: how the trace names the rule a packet met. Covers the
// statements and expressions nft prints for netlab's rules and the usual
// filter/NAT rules of other tables (iptables-nft, Docker); a statement it does
// not know is written as its JSON key and compact JSON value, never dropped.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace netlab::tracer {

/// The rule's statements as nft text, e.g. `iifname "lab-default" counter reject`.
std::string nft_rule_text(const nlohmann::json& expr);

}  // namespace netlab::tracer
