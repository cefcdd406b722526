// Live trace output (see output_live.h).
#include "tracer/output_live.h"

#include <fmt/format.h>

#include "tracer/output_json.h"

namespace netlab::tracer {
namespace {

/// The probe's addresses as text: an IPv6 trace's own, else the IPv4 ones ("" for no source).
std::string src_of(const LiveResult& res) {
  if (res.dst6) return res.src6 != model::Ipv6{} ? res.src6.str() : "";
  return res.src.value ? res.src.str() : "";
}
std::string dst_of(const LiveResult& res, model::Ipv4 dst) { return res.dst6 ? res.dst6->str() : dst.str(); }

}  // namespace

std::string format_live_header(const std::string& lab, const std::string& guest, model::Ipv4 dst,
                               const ProbeSpec& spec, const LiveResult& res) {
  std::string out = fmt::format("trace {}: {} {} \u2192 {} {}, ", lab, guest,
                                !src_of(res).empty() ? src_of(res) : std::string(res.passive ? "(none came)" : "(no address)"),
                                dst_of(res, dst), probe_proto_text(spec));
  if (res.passive) out += "seen passively (netlab sent nothing)";  // the request came from outside
  else out += fmt::format("{} sent, {} answered", res.probe.sent, res.probe.answered);
  if (res.probe.refused > 0) out += fmt::format(", {} refused", res.probe.refused);
  if (!res.probe.error.empty() && res.probe.answered == 0) out += " (" + res.probe.error + ")";
  out += "\n";
  if (!res.conversation.flow.empty()) {
    std::string flow;
    for (const auto& step : res.conversation.flow) flow += (flow.empty() ? "" : " \u2192 ") + step;
    out += "flow: " + flow + "\n";
  }
  if (!res.conversation.outcome.empty()) out += "outcome: " + res.conversation.outcome + "\n";
  for (const auto& w : res.warnings) out += "warning: " + w + "\n";
  return out + "\n";
}

nlohmann::ordered_json live_to_json(const std::string& lab, const std::string& guest, model::Ipv4 dst,
                                    const ProbeSpec& spec, const LiveResult& res) {
  nlohmann::ordered_json doc = trace_to_json(lab, res.packets);
  nlohmann::ordered_json probe;
  probe["guest"] = guest;
  probe["src"] = src_of(res);
  probe["dst"] = dst_of(res, dst);
  probe["proto"] = probe_proto_text(spec);
  probe["sent"] = res.probe.sent;
  probe["answered"] = res.probe.answered;
  probe["refused"] = res.probe.refused;
  probe["error"] = res.probe.error;
  probe["payload"] = spec.payload;
  probe["answer_bytes"] = res.probe.answer_bytes;
  probe["passive"] = res.passive;
  doc["probe"] = probe;
  doc["conversation"] = {{"flow", res.conversation.flow}, {"outcome", res.conversation.outcome}};
  auto& ct = doc["conntrack"] = nlohmann::ordered_json::array();
  for (const auto& e : res.conntrack) {
    nlohmann::ordered_json j;
    j["original"] = format_tuple(e.proto, e.original);
    j["reply"] = format_tuple(e.proto, e.reply);
    j["status"] = format_status(e);
    j["text"] = format_entry(e);
    ct.push_back(std::move(j));
  }
  auto& rt = doc["rule_trace"] = nlohmann::ordered_json::array();
  for (const auto& e : res.events) {
    // The event as it came (not to_rule_hit's reading of it): handle and rule raw.
    nlohmann::ordered_json j{{"id", e.id}, {"type", e.type}};
    j.update(rule_to_json({e.family, e.table, e.chain, e.handle, e.rule, e.comment, e.verdict}));
    rt.push_back(std::move(j));
  }
  auto& cap = doc["capture"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < res.stats.size() && i < res.set.devices.size(); ++i) {
    nlohmann::ordered_json j;
    j["netns"] = res.set.devices[i].netns;
    j["device"] = res.set.devices[i].name;
    j["frames"] = res.stats[i].decoded;
    j["pcap_received"] = res.stats[i].received;
    j["pcap_dropped"] = res.stats[i].dropped;
    cap.push_back(std::move(j));
  }
  doc["warnings"] = res.warnings;
  if (res.logical) {  // an OVN lab: ovn-trace's view (docs/tracer.md "Labs across hosts")
    nlohmann::ordered_json lv;
    lv["microflow"] = res.logical->microflow;
    lv["verdict"] = res.logical->verdict;
    lv["drop_stage"] = res.logical->drop_stage;
    lv["unbound"] = res.logical->unbound;
    lv["gateway_down"] = res.logical->gateway_down;
    lv["summary"] = res.logical->summary;
    auto& pipes = lv["pipelines"] = nlohmann::ordered_json::array();
    for (const auto& p : res.logical->pipelines) {
      nlohmann::ordered_json j{{"direction", p.direction}, {"datapath", p.datapath}, {"inport", p.inport},
                               {"outport", p.outport}};
      auto& stages = j["stages"] = nlohmann::ordered_json::array();
      for (const auto& s : p.stages)
        stages.push_back({{"table", s.table}, {"stage", s.name}, {"match", s.match}, {"priority", s.priority},
                          {"actions", s.actions}});
      pipes.push_back(std::move(j));
    }
    doc["logical"] = std::move(lv);
  }
  return doc;
}

}  // namespace netlab::tracer
