#include "tracer/output_json.h"

namespace netlab::tracer {

nlohmann::ordered_json trace_to_json(const std::string& lab, const std::vector<TracedPacket>& packets) {
  nlohmann::ordered_json doc;
  doc["schema"] = "netlab.trace";
  doc["version"] = kTraceJsonVersion;
  doc["lab"] = lab;
  auto& list = doc["packets"] = nlohmann::ordered_json::array();
  for (size_t p = 0; p < packets.size(); ++p) {
    const TracedPacket& tp = packets[p];
    nlohmann::ordered_json jp;
    jp["index"] = p + 1;
    jp["kind"] = model::to_string(tp.leg);
    jp["summary"] = tp.summary;
    jp["dropped"] = tp.dropped;
    jp["drop_after"] = tp.drop_after;
    jp["drop_cause"] = tp.drop_cause;
    auto& hops = jp["hops"] = nlohmann::ordered_json::array();
    uint64_t t0 = tp.hops.empty() ? 0 : tp.hops.front().t_ns;
    for (const auto& h : tp.hops) {
      nlohmann::ordered_json jh;
      jh["index"] = h.index;
      jh["t_ns"] = h.t_ns;
      jh["t_offset_ns"] = h.t_ns - t0;
      jh["netns"] = h.netns;
      jh["device"] = h.device;
      if (!h.friendly.empty()) jh["friendly"] = h.friendly;
      jh["role"] = model::to_string(h.role);
      jh["direction"] = model::to_string(h.direction);
      jh["change"] = h.change;
      if (h.vlan >= 0) jh["vlan"] = h.vlan;
      if (!h.conntrack.empty()) jh["conntrack"] = h.conntrack;
      if (!h.rules.empty()) {
        auto& rules = jh["rules"] = nlohmann::ordered_json::array();
        for (const auto& r : h.rules) rules.push_back(rule_to_json(r));
      }
      hops.push_back(std::move(jh));
    }
    list.push_back(std::move(jp));
  }
  return doc;
}

nlohmann::ordered_json rule_to_json(const RuleHit& r) {
  nlohmann::ordered_json j;
  j["family"] = r.family;
  j["table"] = r.table;
  j["chain"] = r.chain;
  j["handle"] = r.handle;
  j["rule"] = r.rule;
  j["comment"] = r.comment;
  j["verdict"] = r.verdict;
  return j;
}

std::string format_json(const std::string& lab, const std::vector<TracedPacket>& packets) {
  return trace_to_json(lab, packets).dump(2) + "\n";
}

}  // namespace netlab::tracer
