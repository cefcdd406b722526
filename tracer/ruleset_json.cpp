// The ruleset from libnftables JSON (see ruleset_json.h).
#include "tracer/ruleset_json.h"

#include <nlohmann/json.hpp>

#include "netlab/host/nft.h"
#include "tracer/nft_rule_text.h"

namespace netlab::tracer {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<Ruleset> parse_ruleset_json(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("nftables") || !doc["nftables"].is_array())
    return Error{"nft: unexpected JSON from 'list ruleset'"};
  Ruleset out;
  for (const json& item : doc["nftables"]) {
    if (!item.is_object()) continue;
    if (auto c = item.find("chain"); c != item.end() && c->is_object()) {
      out.chains.push_back({string_at(*c, "family"), string_at(*c, "table"), string_at(*c, "name"),
                            string_at(*c, "hook"), string_at(*c, "policy")});
    } else if (auto r = item.find("rule"); r != item.end() && r->is_object()) {
      RulesetRule rule{string_at(*r, "family"), string_at(*r, "table"), string_at(*r, "chain"), 0, "",
                       string_at(*r, "comment")};
      if (auto h = r->find("handle"); h != r->end() && h->is_number_unsigned()) rule.handle = h->get<uint64_t>();
      if (auto e = r->find("expr"); e != r->end()) rule.text = nft_rule_text(*e);
      out.rules.push_back(std::move(rule));
    }
  }
  return out;
}

Result<Ruleset> list_ruleset(const std::string& netns) {
  auto nft = host::Nft::open(netns);
  if (!nft) return nft.error();
  auto text = nft->list_ruleset_json();
  if (!text) return text.error();
  return parse_ruleset_json(*text);
}

}  // namespace netlab::tracer
