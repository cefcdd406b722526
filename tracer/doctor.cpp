// Doctor checks (see doctor.h).
#include "tracer/doctor.h"

#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <sstream>
#include <variant>

#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"
#include "netlab/model/mode_traits.h"
#include "tracer/path_facts.h"
#include "tracer/ruleset_json.h"
#include "netlab/model/names.h"

namespace netlab::tracer {
namespace {

void add(DoctorReport* r, const std::string& name, Check::Level level, const std::string& detail) {
  r->checks.push_back({name, level, detail});
}

}  // namespace

const char* level_name(Check::Level level) {
  switch (level) {
    case Check::Level::kOk: return "ok";
    case Check::Level::kWarning: return "warning";
    case Check::Level::kProblem: return "PROBLEM";
  }
  return "?";
}

std::vector<std::string> forward_drop_chains(const Ruleset& ruleset, const std::string& own_table) {
  std::vector<std::string> out;
  for (const RulesetChain& c : ruleset.chains)
    if (c.table != own_table && c.hook == "forward" && c.policy == "drop")
      out.push_back(c.family + " " + c.table + " " + c.name);
  return out;
}

/// The host's default gateway (lowest metric), read in the namespace of the
/// NIC's uplink hop: on a real host the first outside address; 0 when none.
model::Ipv4 host_gateway(const model::NicPath& nic) {
  const model::Hop* uplink = model::find_hop(nic, model::HopRole::uplink);
  if (!uplink) return {};
  auto nl = host::Netlink::open(uplink->netns);
  if (!nl) return {};
  auto routes = nl->list_routes();
  if (!routes) return {};
  const host::RouteInfo* best = nullptr;
  for (const auto& r : *routes)
    if (!r.dest && r.gateway && (!best || r.metric < best->metric)) best = &r;
  return best ? *best->gateway : model::Ipv4{};
}

model::Ipv4 doctor_target(const model::NicPath& nic, bool sandbox) {
  static const model::Ipv4 kInternet = *model::Ipv4::parse("198.51.100.1");
  const bool routed = model::forwards(nic.mode);
  // Outside the lab: the simulated internet, or the real host's default gateway.
  const model::Ipv4 outside = !routed ? model::Ipv4{} : sandbox ? kInternet : host_gateway(nic);
  auto [netns, device] = guest_end(nic);
  if (netns.empty()) return outside;  // kvm: no routing table to ask
  auto nl = host::Netlink::open(netns);
  if (!nl) return {};
  // The outside address, when this NIC is the one the guest reaches it by.
  if (outside.value != 0) {
    auto route = nl->route_to(outside);
    if (route && route->dev == device) return outside;
  }
  // Else this NIC's default gateway, else the host's own address on its network.
  if (auto routes = nl->list_routes()) {
    for (const auto& r : *routes)
      if (!r.dest && r.gateway && r.dev == device) return *r.gateway;
  }
  if (const model::Hop* sw = model::switch_hop(nic)) {
    auto host = host::Netlink::open(sw->netns);
    auto addresses = host ? host->list_addresses(sw->device) : Result<std::vector<model::Cidr>>(Error{""});
    if (addresses && !addresses->empty()) return addresses->front().address;
  }
  return {};
}

namespace {

using L = Check::Level;

/// A VM's own checks: its domain runs, its tap is up (the VM holds it) and a
/// port of the network's bridge, it has a lease. False when no probe can be
/// sent from inside it (the domain is not running): the caller then injects.
bool check_vm(const std::string& lab, const model::NicPath& nic, const VmAccess& vm, model::Ipv4* target,
              DoctorReport* r) {
  const bool running = vm.state == "running";
  add(r, "domain", running ? L::kOk : L::kProblem,
      "domain " + vm.domain + " is " + (vm.state.empty() ? "unknown" : vm.state) +
          (running ? "" : " (netlab up starts it again)"));
  if (const model::Hop* tap = model::find_hop(nic, model::HopRole::tap)) {
    const model::Hop* sw = model::switch_hop(nic);
    auto nl = host::Netlink::open(tap->netns);
    auto link = nl ? nl->find_link(tap->device) : Result<std::optional<host::LinkInfo>>(nl.error());
    const std::string where = device_label(tap->netns, tap->device);
    if (!link || !link->has_value()) {
      add(r, "tap", L::kProblem, "tap " + where + " is missing");
    } else if (!(*link)->up || (*link)->oper_state == "down" || (*link)->oper_state == "lowerlayerdown") {
      add(r, "tap", L::kProblem, "tap " + where + " is down" + ((*link)->up ? " (no carrier: no VM holds it)" : ""));
    } else if (sw && sw->role == model::HopRole::bridge && (*link)->master != sw->device) {
      add(r, "tap", L::kProblem, "tap " + where + " is not a port of bridge " + sw->device +
                                     ((*link)->master.empty() ? "" : " (its master is " + (*link)->master + ")"));
    } else {
      add(r, "tap", L::kOk, "tap " + where + " is up" +
                                (sw && sw->role == model::HopRole::bridge ? " and a port of bridge " + sw->device : ""));
    }
  }
  auto cidr = vm_nic_address(lab, nic);
  if (cidr) add(r, "lease", L::kOk, nic.guest + " (kvm) has " + cidr->address.str() + " (lease or reservation)");
  else add(r, "lease", L::kProblem, "DHCP lease missing: " + cidr.error().message);
  if (!running) *target = {};
  return running;
}

/// Whether the guest has an address: a kvm guest's from the hop map, lease or
/// reservation (and whether a VM holds its tap), a light guest's as it is set
/// now. A kvm guest without one cannot be probed: *target is cleared.
bool check_address(const std::string& lab, const model::HopMap& map, const model::NicPath& nic, const PathFacts& f,
                   model::Ipv4* target, DoctorReport* r) {
  const std::string& guest = nic.guest;
  // The hop map carries a static address and a DHCP NIC's current one alike; a
  // NIC the network's dnsmasq has a lease or reservation for is a DHCP NIC.
  const bool fixed = !nic.address.empty() && !f.nic_dhcp;
  if (!f.guest_netns.empty()) {
    model::Ipv4 addr = live_address(f.guest_netns, f.guest_device);
    const std::string where = device_label(f.guest_netns, f.guest_device);
    if (fixed) {
      if (addr.value != 0) add(r, "address", L::kOk, where + " has its static address " + addr.str());
      else add(r, "address", L::kProblem, "static address missing: " + where + " has no IPv4 address (the lab gives it " +
                                              nic.address + ")");
    } else if (addr.value != 0) {
      add(r, "lease", L::kOk, where + " has " + addr.str() + " (DHCP lease)");
    } else {
      add(r, "lease", L::kProblem, "DHCP lease missing: " + f.guest_netns + "/" + f.guest_device +
                                       " has no IPv4 address" +
                                       (f.dnsmasq_running ? "" : " and the network's dnsmasq is not running"));
    }
    return addr.value != 0;
  }
  // A kvm guest whose VM netlab does not run: its address from the hop map, lease or reservation; its tap.
  LiveRequest probe_req;
  probe_req.lab = lab;
  probe_req.hopmap = map;
  probe_req.guest = guest;
  probe_req.dst = *target;
  auto t = inject_target(probe_req, nic);
  if (!t) {
    add(r, "lease", L::kWarning, t.error().message);
    *target = {};  // no probe can be made for it
    return false;
  }
  if (fixed) add(r, "address", L::kOk, guest + " (kvm) has its static address " + t->guest_ip.str());
  else add(r, "lease", L::kOk, guest + " (kvm) has " + t->guest_ip.str() + " (its lease or reservation)");
  auto nl = host::Netlink::open(t->netns);
  auto link = nl ? nl->find_link(t->tap) : Result<std::optional<host::LinkInfo>>(Error{""});
  if (link && link->has_value() && (*link)->oper_state != "up")
    add(r, "vm", L::kWarning, "no VM holds tap " + t->netns + "/" + t->tap +
                                  " (no carrier): the probe is injected on the tap in its place");
  return true;
}

/// Forwarding on a forwarding network, the masquerade rule on a masquerading one.
void check_forwarding(const std::string& lab, const model::NicPath& nic, const PathFacts& f, DoctorReport* r) {
  if (model::forwards(nic.mode)) {
    add(r, "forwarding", f.host_forwarding ? L::kOk : L::kProblem,
        f.host_forwarding ? "net.ipv4.ip_forward=1 in " + netns_label(f.host_netns)
                          : "forwarding off: net.ipv4.ip_forward=0 in " + netns_label(f.host_netns));
    if (f.network_ipv6)
      add(r, "forwarding6", f.host_forwarding6 ? L::kOk : L::kProblem,
          f.host_forwarding6
              ? "net.ipv6.conf.all.forwarding=1 in " + netns_label(f.host_netns)
              : "IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in " + netns_label(f.host_netns) +
                    " (network " + nic.network + " is dual-stack)");
  }
  if (model::masquerades(nic.mode)) {
    add(r, "nat-rule", f.nat_rule_present ? L::kOk : L::kProblem,
        f.nat_rule_present ? "masquerade rule of network " + nic.network + " present in table inet " +
                                 model::nft_table_name(lab)
                           : "masquerade missing: no masquerade rule of network " + nic.network + " in table inet " +
                                 model::nft_table_name(lab));
  }
}

/// Subnet overlap: a route in the host namespace into the guests' subnet that does not go to the lab's bridge.
void check_subnet(const model::NicPath& nic, const PathFacts& f, DoctorReport* r) {
  auto cidr = model::Cidr::parse(nic.address);
  const model::Hop* sw = model::switch_hop(nic);
  const std::string bridge = sw ? sw->device : "";
  if (!cidr || !model::forwards(nic.mode) || !f.host_found) return;
  auto nl = host::Netlink::open(f.host_netns);
  bool overlap = false;
  if (nl) {
    auto routes = nl->list_routes();
    if (routes) {
      for (const auto& rt : *routes) {
        if (rt.dest && rt.dest->prefix > 0 && rt.dest->overlaps(cidr->block()) && rt.dev != bridge) {
          overlap = true;
          add(r, "subnet", L::kProblem, "subnet overlap: route " + rt.dest->str() + " via " + rt.dev + " in " +
                                             netns_label(f.host_netns) + " overlaps the guests' " + cidr->block().str());
        }
      }
    }
  }
  if (!overlap) add(r, "subnet", L::kOk, cidr->block().str() + " overlaps no other route of " + netns_label(f.host_netns));
}

/// A traced echo and the cause of its failure ("" when it was answered).
struct TracedEcho {
  LiveResult trace;
  std::string cause;
};

/// An icmp echo from the guest's NIC to `target` (IPv4, or IPv6: an icmp6
/// echo), traced: one for both families, so their checks read alike. Check
/// `check` says whether it was answered (sent from inside the VM when `vm` is
/// given).
Result<TracedEcho> trace_echo(const std::string& lab, const model::HopMap& map, const model::NicPath& nic,
                              const std::variant<model::Ipv4, model::Ipv6>& target, const std::string& check,
                              const VmAccess* vm, DoctorReport* r) {
  LiveRequest req;
  req.lab = lab;
  req.hopmap = map;
  req.guest = nic.guest;
  req.nic = nic.nic;
  const auto* v6 = std::get_if<model::Ipv6>(&target);
  if (v6) req.dst6 = *v6;
  else req.dst = std::get<model::Ipv4>(target);
  req.keep_frames = false;
  req.timeout_ms = 1000;
  if (vm) req.vm = *vm;
  const std::string to = v6 ? v6->str() : std::get<model::Ipv4>(target).str();
  const std::string echo = std::string(v6 ? "icmp6" : "icmp") + " echo to " + to;
  auto res = trace_live(req);
  if (!res) return res.error();
  TracedEcho out{std::move(*res), ""};
  for (const auto& p : out.trace.packets) {
    if (p.dropped && out.cause.empty())
      out.cause = p.drop_cause.empty() ? "dropped after " + p.drop_after : p.drop_cause;
  }
  // An OVN gateway chassis that is down explains a probe to the outside that got no answer.
  const std::string gateway_down = out.trace.logical ? out.trace.logical->gateway_down : "";
  if (!gateway_down.empty()) add(r, "ovn-gateway", L::kProblem, gateway_down);
  if (out.trace.probe.answered == 0 && out.cause.empty()) out.cause = gateway_down;
  if (out.trace.probe.answered > 0 && out.cause.empty()) {
    add(r, check, L::kOk, echo + " answered" + (vm ? " (sent from inside the VM)" : ""));
  } else {
    if (out.cause.empty()) out.cause = "no answer from " + to;
    add(r, check, L::kProblem, echo + " failed: " + out.cause);
  }
  return out;
}

/// Traces an icmp echo from the guest to `target` into r->trace; returns the
/// cause of its failure ("" when it was answered).
Result<std::string> probe(const std::string& lab, const model::HopMap& map, const model::NicPath& nic,
                          model::Ipv4 target, const VmAccess* vm, DoctorReport* r) {
  auto echo = trace_echo(lab, map, nic, target, "probe", vm, r);
  if (!echo) return echo.error();
  r->probed = true;
  r->target = target;
  r->trace = std::move(echo->trace);
  return echo->cause;
}

/// A light guest's IPv6 side on a dual-stack network (its NIC has an `address6`
/// in the hop map, or the network's bridge holds a global IPv6 address): its
/// global IPv6 address, on a nat or route network its IPv6 default route (from
/// the router advertisement, or the static one), and in the sandbox an ICMPv6
/// echo traced to the upstream's 2001:db8:100::1 ("probe6").
Status check_ipv6(const std::string& lab, const model::HopMap& map, const model::NicPath& nic, const PathFacts& f,
                  DoctorReport* r) {
  if (f.guest_netns.empty() || (nic.address6.empty() && !f.network_ipv6)) return {};
  const std::string where = device_label(f.guest_netns, f.guest_device);
  model::Ipv6 addr = live_address6(f.guest_netns, f.guest_device, nic.address6);
  if (addr == model::Ipv6{}) {
    add(r, "address6", L::kProblem, "IPv6 address missing: " + where + " has no global IPv6 address");
    return {};
  }
  add(r, "address6", L::kOk, where + " has " + addr.str());
  if (!model::forwards(nic.mode)) return {};
  auto nl = host::Netlink::open(f.guest_netns);
  auto routes = nl ? nl->ip_routes() : Result<std::vector<host::IpRoute>>(nl.error());
  const host::IpRoute* def = nullptr;
  if (routes)
    for (const auto& rt : *routes)
      if (rt.family == AF_INET6 && rt.table == 254 && rt.dst.empty() && !rt.gateway.empty()) def = &rt;
  if (def == nullptr) {
    add(r, "route6", L::kProblem, "no IPv6 default route in " + f.guest_netns + " (no router advertisement reached " +
                                      where + ")");
    return {};
  }
  add(r, "route6", L::kOk, "IPv6 default route via " + def->gateway + " dev " + def->dev +
                               (def->protocol == RTPROT_RA ? " (router advertisement)" : ""));
  const model::Hop* up = model::find_hop(nic, model::HopRole::upstream);
  if (up == nullptr || up->netns.empty()) return {};  // only the sandbox's upstream holds a known IPv6 server
  static const model::Ipv6 kServer6 = *model::Ipv6::parse("2001:db8:100::1");
  auto echo = trace_echo(lab, map, nic, kServer6, "probe6", nullptr, r);
  if (!echo) return echo.error();
  return {};
}

/// The verdict: the probe's cause first, else the first static problem.
void give_verdict(const std::string& who, model::Ipv4 target, const std::string& cause, DoctorReport* r) {
  for (const auto& c : r->checks) {
    if (c.level == L::kProblem) r->healthy = false;
  }
  if (r->healthy) {
    r->verdict = who + ": healthy" + (r->probed ? ", reaches " + target.str() : std::string(""));
    return;
  }
  std::string first = cause;
  if (first.empty()) {
    for (const auto& c : r->checks) {
      if (c.level == L::kProblem) {
        first = c.detail;
        break;
      }
    }
  }
  bool reached = r->probed && cause.empty();
  r->verdict = who + ": PROBLEM: " + (r->probed && !reached ? "cannot reach " + target.str() + ": " : std::string("")) +
               first;
}

}  // namespace

Result<DoctorReport> doctor_nic(const std::string& lab, const model::HopMap& map, const model::NicPath& nic,
                                model::Ipv4 target, const VmAccess* vm) {
  const std::string& guest = nic.guest;
  size_t guest_nics = 0;
  for (const auto& n : map.nics) guest_nics += n.guest == guest ? 1 : 0;
  // The verdict names the NIC only when the guest has more than one.
  const std::string who = guest_nics > 1 ? guest + " " + nic.nic : guest;
  DoctorReport r;
  r.guest = guest;
  r.nic = nic.nic;
  std::vector<std::string> warnings;
  PathFacts f = gather_facts(lab, nic, target, &warnings);
  const bool in_vm = vm != nullptr && f.guest_netns.empty();
  bool has_address = in_vm ? check_vm(lab, nic, *vm, &target, &r) : check_address(lab, map, nic, f, &target, &r);
  if (!f.dnsmasq_running && has_address)
    add(&r, "dnsmasq", L::kWarning, "the dnsmasq of network " + nic.network + " is not running (leases will not renew)");
  check_forwarding(lab, nic, f, &r);
  std::vector<std::string> drops;  // other tables' forward chains with policy drop
  if (f.host_found) {
    auto ruleset = list_ruleset(f.host_netns);
    if (ruleset) {
      // Every base chain on the forward hook sees each packet and a drop in any
      // one is final: netlab's own accept cannot override it, and netlab does
      // not change other tables. Named here so the verdict can point at it.
      drops = forward_drop_chains(*ruleset, model::nft_table_name(lab));
      for (const auto& c : drops)
        add(&r, "forward-policy", L::kWarning,
            "chain " + c + " has policy drop on the forward hook (as Docker sets it): it drops forwarded guest "
            "traffic unless a rule there accepts it (netlab does not change other tables; see docs/real-host.md)");
      if (drops.empty()) add(&r, "forward-policy", L::kOk, "no other table drops forwarded traffic by policy");
    } else {
      warnings.push_back(ruleset.error().message);
    }
  }
  if (f.links_down.empty()) add(&r, "links", L::kOk, "every device of the path is up");
  else for (const auto& l : f.links_down) add(&r, "links", L::kProblem, "bridge port down: " + l);
  if (f.mtu_mismatch.empty()) add(&r, "mtu", L::kOk, "one MTU along the path");
  else for (const auto& m : f.mtu_mismatch) add(&r, "mtu", L::kProblem, "MTU mismatch: " + m);
  check_subnet(nic, f, &r);
  for (const auto& w : warnings) add(&r, "facts", L::kWarning, w);
  std::string cause;
  if (target.value != 0) {
    auto probed = probe(lab, map, nic, target, in_vm ? vm : nullptr, &r);
    if (!probed) return probed.error();
    cause = *probed;
    // A routed probe that failed with a foreign drop policy on the forward hook: that chain is the suspect.
    if (!cause.empty() && model::forwards(nic.mode) && !drops.empty()) {
      for (auto& c : r.checks)
        if (c.name == "forward-policy") c.level = L::kProblem;
      if (cause.find(drops.front()) == std::string::npos)
        cause += " (chain " + drops.front() + " drops forwarded traffic by policy)";
    }
  }
  if (Status v6 = check_ipv6(lab, map, nic, f, &r); !v6) return v6.error();
  give_verdict(who, target, cause, &r);
  return r;
}

}  // namespace netlab::tracer
