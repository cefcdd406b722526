#pragma once
// Walking `nft list ruleset` text: which table and chain each line stands in.
// Shared by the rule index of the nft trace and doctor's FORWARD-policy check.
#include <functional>
#include <string>

namespace netlab::tracer {

/// A line inside a chain of `nft list ruleset` output, trimmed, with its place.
struct RulesetLine {
  std::string family, table, chain;
  std::string text;
};

/// Calls `visit` for every line inside a chain body (its hook/policy line and
/// its rules), not for the table/chain headers or closing braces.
void for_each_chain_line(const std::string& ruleset_text, const std::function<void(const RulesetLine&)>& visit);

}  // namespace netlab::tracer
