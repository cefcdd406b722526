// OVN's logical view of a probe (see ovn_logical.h).
#include "tracer/ovn_logical.h"

#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "netlab/host/ovn.h"
#include "netlab/host/ovn_nb.h"
#include "netlab/host/process.h"
#include "netlab/model/names.h"
#include "netlab/state/paths.h"

namespace netlab::tracer {
namespace {


std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

/// `key="value"` out of a pipeline header's argument list; "" when absent.
std::string header_value(const std::string& args, const std::string& key) {
  const std::string k = key + "=\"";
  size_t at = args.find(k);
  if (at == std::string::npos) return "";
  at += k.size();
  size_t end = args.find('"', at);
  return end == std::string::npos ? "" : args.substr(at, end - at);
}

bool is_drop(const std::string& action) {
  return action == "drop;" || action.rfind("/* drop", 0) == 0 || action.find("no match") != std::string::npos ||
         action.rfind("/* Dropped", 0) == 0 || action.find("implicit drop") != std::string::npos;
}

/// The stage's role for a reader: "" when it only passes the packet on.
std::string stage_kind(const std::string& name) {
  auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
  if (has("acl")) return "ACL";
  if (has("nat") || has("_lb")) return has("_lb") ? "load balancer" : "NAT";
  if (has("ip_routing") && !has("pre") && !has("ecmp")) return "routing";
  if (has("policy")) return "policy";
  if (has("port_sec")) return "port security";
  if (has("l2_lkup")) return "L2 lookup";
  if (has("arp_resolve")) return "next hop";
  if (has("gw_redirect")) return "gateway redirect";
  if (has("dhcp")) return "DHCP";
  if (has("admission")) return "admission";
  return "";
}

/// What a deciding stage did: its non-trivial actions, shortened.
std::string stage_effect(const LogicalStage& s) {
  std::string out;
  for (const auto& a : s.actions) {
    if (a == "next;" || a.rfind("reg", 0) == 0 || a.rfind("flags.", 0) == 0 || a.rfind("xxreg", 0) == 0 ||
        (a.rfind("/* ", 0) == 0 && !is_drop(a)))
      continue;
    out += (out.empty() ? "" : " ") + a;
  }
  return out;
}

}  // namespace

OvnLogicalView parse_ovn_trace(const std::string& text) {
  static const std::regex header(R"(^\s*(ingress|egress)\((.*)\)\s*$)");
  static const std::regex stage(R"(^\s*(\d+)\. (\w+) \([^)]*\): (.*), priority (\d+), uuid \w+\s*$)");
  static const std::regex no_match(R"(^\s*(\d+)\. (\w+): no match.*$)");
  OvnLogicalView view;
  std::istringstream in(text);
  std::string line;
  LogicalPipeline* pipe = nullptr;
  LogicalStage* st = nullptr;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') {
      if (view.microflow.empty()) view.microflow = trim(line.substr(1));
      continue;
    }
    if (std::regex_match(line, m, header)) {
      view.pipelines.push_back({m[1], header_value(m[2], "dp"), header_value(m[2], "inport"),
                                header_value(m[2], "outport"), {}});
      pipe = &view.pipelines.back();
      st = nullptr;
      continue;
    }
    if (pipe == nullptr) continue;
    if (std::regex_match(line, m, stage)) {
      pipe->stages.push_back({std::stoi(m[1]), m[2], m[3], std::stoi(m[4]), {}});
      st = &pipe->stages.back();
      continue;
    }
    if (std::regex_match(line, m, no_match)) {  // no flow matched: the table's implicit drop
      pipe->stages.push_back({std::stoi(m[1]), m[2], "", 0, {"no match (implicit drop)"}});
      st = &pipe->stages.back();
      if (view.drop_stage.empty()) view.drop_stage = st->name;
      continue;
    }
    const std::string t = trim(line);
    if (st == nullptr || t.empty() || t.find_first_not_of('-') == std::string::npos) continue;
    st->actions.push_back(t);
    if (is_drop(t) && view.drop_stage.empty()) view.drop_stage = st->name;
    if (t.rfind("/* output to ", 0) == 0 && view.verdict.empty()) view.verdict = t.substr(3, t.size() - 6);
  }
  if (!view.drop_stage.empty()) {
    for (const auto& p : view.pipelines)
      for (const auto& s : p.stages)
        if (s.name == view.drop_stage && view.verdict.rfind("dropped", 0) != 0)
          view.verdict = fmt::format("dropped in the {} pipeline of {} at {} ({}, match `{}`)", p.direction,
                                     p.datapath, s.name,
                                     stage_kind(s.name).empty() ? "stage " + std::to_string(s.table) : stage_kind(s.name),
                                     s.match);
  }
  if (view.verdict.empty() && !view.pipelines.empty()) view.verdict = "no output (the trace ends without one)";
  view.summary = summarize_pipelines(view.pipelines);
  return view;
}

std::vector<std::string> summarize_pipelines(const std::vector<LogicalPipeline>& pipelines) {
  std::vector<std::string> out;
  for (const auto& p : pipelines) {
    std::string line = fmt::format("{} {}", p.direction, p.datapath);
    if (!p.inport.empty()) line += " from " + p.inport;
    if (!p.outport.empty()) line += " to " + p.outport;
    std::string decided;
    for (const auto& s : p.stages) {
      const std::string kind = stage_kind(s.name);
      const std::string effect = stage_effect(s);
      const bool drop = !s.actions.empty() && is_drop(s.actions.back());
      if (kind.empty() && !drop) continue;
      if (effect.empty() && !drop && kind != "ACL" && kind != "port security") continue;
      std::string what = kind.empty() ? s.name : kind;
      if (kind == "ACL" || kind == "NAT" || kind == "routing" || drop)
        what += fmt::format(" ({} `{}`)", s.name, s.match.size() > 60 ? s.match.substr(0, 57) + "..." : s.match);
      if (!effect.empty()) what += ": " + effect;
      decided += (decided.empty() ? "" : "; ") + what;
    }
    out.push_back(line + (decided.empty() ? "" : ": " + decided) + " (" + std::to_string(p.stages.size()) + " stages)");
  }
  return out;
}

std::string probe_microflow(const std::string& inport, const std::string& eth_src, const std::string& eth_dst,
                            model::Ipv4 src, model::Ipv4 dst, const ProbeSpec& spec) {
  std::string f = fmt::format("inport == \"{}\" && eth.src == {} && eth.dst == {} && ip4.src == {} && ip4.dst == {} && "
                              "ip.ttl == 64",
                              inport, eth_src, eth_dst, src.str(), dst.str());
  switch (spec.proto) {
    case ProbeProto::kIcmp: return f + " && icmp4.type == 8 && icmp4.code == 0";
    case ProbeProto::kTcp: return f + fmt::format(" && tcp.src == 40000 && tcp.dst == {} && tcp.flags == 0x002", spec.port);
    case ProbeProto::kUdp: return f + fmt::format(" && udp.src == 40000 && udp.dst == {}", spec.port);
  }
  return f;
}

std::string ovn_sb_socket(const std::string& lab) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(state::lab_dir(lab), ec)) {
    const std::string sock = host::ovn_central_files(e.path().string() + "/ovn-central").sb_socket;
    if (std::filesystem::exists(sock, ec)) return sock;
  }
  return "";
}

namespace {

/// "" when the gateway chassis of `nic`'s network is up (its ovn-controller
/// runs; the sandbox keeps it under the lab's run directory, so a lab whose
/// hosts are elsewhere is not judged), else why it is down.
std::string gateway_chassis_down(const std::string& lab, const model::NicPath& nic, host::OvsdbClient& sb) {
  const std::string dir = state::lab_dir(lab) + "/" + nic.ovn_gateway;
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/ovn", ec)) return "";
  if (host::OvnController(dir).running()) return "";
  bool registered = false;
  if (auto chassis = host::ovn_chassis(sb))
    for (const auto& c : *chassis) registered |= c.name == nic.ovn_gateway;
  return fmt::format(
      "gateway chassis {} is down: its ovn-controller is not running{}, so no chassis carries packets between network "
      "{}'s logical router and the outside (netlab up starts it again)",
      nic.ovn_gateway,
      registered ? " (SB still lists the chassis, but nothing on it follows the logical flows)"
                 : " and SB lists no chassis of that name: no host has a tunnel to it",
      nic.network);
}

}  // namespace

std::optional<OvnLogicalView> ovn_logical_view(const std::string& lab, const model::HopMap& map,
                                               const model::NicPath& nic, model::Ipv4 src, model::Ipv4 dst,
                                               const ProbeSpec& spec, const std::string& eth_dst,
                                               std::vector<std::string>* warnings) {
  const std::string sb = ovn_sb_socket(lab);
  if (sb.empty()) return std::nullopt;
  auto client = host::OvsdbClient::connect(sb);
  if (!client) {
    warnings->push_back("OVN logical view: cannot reach the southbound database: " + client.error().message);
    return std::nullopt;
  }
  auto bindings = host::ovn_bindings(*client);
  if (!bindings) {
    warnings->push_back("OVN logical view: " + bindings.error().message);
    return std::nullopt;
  }
  // A hop map from before ovn_port was written: ports were named by their NICs then.
  auto port_of = [](const model::NicPath& n) { return n.ovn_port.empty() ? model::friendly_nic(n.guest, n.nic) : n.ovn_port; };
  const std::string inport = port_of(nic);
  auto binding = [&](const std::string& port) -> const host::OvnBindingInfo* {
    for (const auto& b : *bindings)
      if (b.logical_port == port) return &b;
    return nullptr;
  };
  if (binding(inport) == nullptr) return std::nullopt;  // not a logical port of this lab's OVN
  OvnLogicalView view;
  std::vector<std::pair<std::string, const model::NicPath*>> ports{{inport, &nic}};
  const model::NicPath* peer = nullptr;
  for (const auto& n : map.nics) {
    auto c = model::Cidr::parse(n.address);
    if (c && c->address == dst) peer = &n;
  }
  if (peer != nullptr) ports.emplace_back(port_of(*peer), peer);
  for (const auto& [port, path] : ports) {
    const host::OvnBindingInfo* b = binding(port);
    if (b == nullptr || !b->chassis.empty()) continue;
    std::string host_ns;
    for (const auto& h : path->hops)
      if (model::is_guest_link(h.role)) host_ns = h.netns;
    view.unbound.push_back(fmt::format(
        "port {} is not bound to any chassis: no ovn-controller claims it (its OVS port {} is not in br-int{}, or "
        "that host's ovn-controller is not running), so OVN delivers nothing to or from guest {}",
        model::with_friendly(port, model::friendly_nic(path->guest, path->nic)), path->hops.size() > 1 ? path->hops[1].device : port, host_ns.empty() ? "" : " of " + host_ns,
        path->guest));
  }
  if (peer == nullptr && !nic.ovn_gateway.empty()) view.gateway_down = gateway_chassis_down(lab, nic, *client);
  const std::string eth_src = nic.mac;
  std::string dmac = eth_dst;
  if (dmac.empty() && peer != nullptr) dmac = peer->mac;
  if (dmac.empty()) dmac = "ff:ff:ff:ff:ff:ff";
  const std::string flow = probe_microflow(inport, eth_src, dmac, src, dst, spec);
  auto run = host::run({"ovn-trace", "--db=unix:" + sb, "--detailed", flow}, {}, std::chrono::seconds(10));
  if (!run || run->exit_code != 0) {
    const std::string why = !run ? run.error().message : trim(run->err.substr(0, run->err.find('\n')));
    warnings->push_back("OVN logical view: ovn-trace failed: " + why);
    view.microflow = flow;
    return view;
  }
  OvnLogicalView parsed = parse_ovn_trace(run->out);
  parsed.unbound = std::move(view.unbound);
  parsed.gateway_down = std::move(view.gateway_down);
  parsed.microflow = flow;
  if (!parsed.unbound.empty() && parsed.drop_stage.empty())
    parsed.verdict += " (logically; but the port is unbound, so no chassis delivers it)";
  return parsed;
}

void apply_logical_causes(const OvnLogicalView& view, std::vector<TracedPacket>* packets) {
  const std::string& cause = view.unbound.empty() ? view.gateway_down : view.unbound.front();
  if (cause.empty()) return;
  for (auto& p : *packets)
    if (p.dropped) p.drop_cause = cause;
}

std::string format_logical_view(const OvnLogicalView& view) {
  std::string out = "logical view (ovn-trace " + view.microflow + "):\n";
  for (const auto& s : view.summary) out += "  " + s + "\n";
  if (!view.verdict.empty()) out += "  logical outcome: " + view.verdict + "\n";
  for (const auto& u : view.unbound) out += "  cause: " + u + "\n";
  if (!view.gateway_down.empty()) out += "  cause: " + view.gateway_down + "\n";
  return out;
}

}  // namespace netlab::tracer
