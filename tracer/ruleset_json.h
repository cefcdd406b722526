#pragma once
// A namespace's nftables ruleset as libnftables lists it in JSON (host::Nft::
// list_ruleset_json): its base chains and its rules with their handles, the
// rules as nft text (nft_rule_text). Shared by the rule index of the nft trace
// and doctor's FORWARD-policy check.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/result.h"

namespace netlab::tracer {

struct RulesetChain {
  std::string family, table, name;
  std::string hook;    // "forward", ... ("" for a regular chain)
  std::string policy;  // "accept", "drop" ("" for a regular chain)
};

struct RulesetRule {
  std::string family, table, chain;
  uint64_t handle = 0;
  std::string text;     // nft syntax without counter values and comment
  std::string comment;  // "" when the rule has none
};

struct Ruleset {
  std::vector<RulesetChain> chains;
  std::vector<RulesetRule> rules;
};

/// Parses the JSON of `nft -j list ruleset`; an Error when it is not that JSON.
Result<Ruleset> parse_ruleset_json(const std::string& json);
/// Lists and parses the ruleset of namespace `netns` (libnftables).
Result<Ruleset> list_ruleset(const std::string& netns);

}  // namespace netlab::tracer
