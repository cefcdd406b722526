// PathFacts from the system (see path_facts.h), read in phases: where the path
// is, the guest, the host, the links, the network's dnsmasq, the NAT rule.
#include "tracer/path_facts.h"

#include <netinet/in.h>

#include <filesystem>
#include <optional>

#include "netlab/host/dnsmasq.h"
#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/ovn.h"
#include "netlab/host/sysctl.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/state/paths.h"
#include "tracer/listening.h"
#include "tracer/neighbours.h"

namespace netlab::tracer {
using model::HopRole;
namespace {

bool has_route(const std::vector<host::RouteInfo>& routes, model::Ipv4 dst) {
  for (const auto& r : routes) {
    if (!r.dest || r.dest->contains(dst)) return true;
  }
  return false;
}

void append(std::vector<std::string>* to, std::vector<std::string> items) {
  for (auto& i : items) to->push_back(std::move(i));
}

/// The next hop in a namespace towards `dst`: the route's gateway, else dst itself (0 without a route).
model::Ipv4 next_hop(host::Netlink& nl, model::Ipv4 dst) {
  auto route = nl.route_to(dst);
  if (!route) return {};
  return route->gateway ? *route->gateway : dst;
}

/// The guest: address, route, and the neighbour it needed for dst but could not resolve.
void read_guest(model::Ipv4 dst, PathFacts* f, std::vector<std::string>* warnings) {
  auto nl = host::Netlink::open(f->guest_netns);
  if (!nl) {
    warnings->push_back(nl.error().message);
    return;
  }
  append(&f->neighbours_failed, on_path(failed_neighbours(f->guest_netns, warnings), {next_hop(*nl, dst)}));
  auto addrs = nl->list_addresses(f->guest_device);
  if (addrs) f->guest_has_address = !addrs->empty();
  auto routes = nl->list_routes();
  if (routes) f->guest_has_route = has_route(*routes, dst);
}

/// The routing host: forwarding (IPv6 too on a dual-stack network, whose
/// bridge holds a global IPv6 address), its route, and the neighbours it needed
/// but could not resolve: the next hop towards dst, and the guest's address
/// (`guest`, 0 when unknown) for the reply.
void read_host(model::Ipv4 dst, model::Ipv4 guest, const std::string& bridge, PathFacts* f,
               std::vector<std::string>* warnings) {
  auto fwd = host::get_sysctl(f->host_netns, "net.ipv4.ip_forward");
  if (fwd) f->host_forwarding = *fwd != "0";
  else warnings->push_back(fwd.error().message);
  auto nl = host::Netlink::open(f->host_netns);
  if (!nl) {
    warnings->push_back(nl.error().message);
    return;
  }
  auto routes = nl->list_routes();
  if (routes) f->host_has_route = has_route(*routes, dst);
  // A dual-stack network (its bridge holds a global IPv6 address) also needs IPv6 forwarding.
  if (nl && !bridge.empty())
    if (auto held = nl->ip_addresses(bridge)) f->network_ipv6 = !host::global_addresses6(*held).empty();
  if (f->network_ipv6) {
    auto fwd6 = host::get_sysctl(f->host_netns, "net.ipv6.conf.all.forwarding");
    if (fwd6) f->host_forwarding6 = *fwd6 != "0";
    else warnings->push_back(fwd6.error().message);
  }
  append(&f->neighbours_failed,
         on_path(failed_neighbours(f->host_netns, warnings), {next_hop(*nl, dst), next_hop(*nl, guest)}));
}

/// The links of every namespace that holds a device of the path.
std::map<std::string, std::vector<host::LinkInfo>> read_links(const std::vector<model::Hop>& devices,
                                                              std::vector<std::string>* warnings) {
  std::map<std::string, std::vector<host::LinkInfo>> links_by_ns;
  for (const auto& d : devices) {
    if (links_by_ns.count(d.netns)) continue;
    auto& links = links_by_ns[d.netns];
    auto nl = host::Netlink::open(d.netns);
    if (!nl) {
      warnings->push_back(nl.error().message);
      continue;
    }
    if (auto listed = nl->list_links()) links = std::move(*listed);
  }
  return links_by_ns;
}

/// Whether the network's dnsmasq runs, when the lab runs one (its conf or pid
/// file is in the run dir); `fallback` when the lab runs none.
bool dnsmasq_running(const std::string& lab, const std::string& network, bool fallback) {
  host::DnsmasqFiles files = host::dnsmasq_files(state::lab_dir(lab), network);
  std::error_code ec;
  if (std::filesystem::exists(files.pid, ec)) return host::pid_running_conf(files.pid, files.conf).has_value();
  if (std::filesystem::exists(files.conf, ec)) return false;
  return fallback;
}

/// The guest NIC's address: what its namespace holds now, else the hop map's; 0 when unknown.
model::Ipv4 guest_address(const model::NicPath& nic, const PathFacts& f) {
  if (!f.guest_netns.empty()) {
    auto nl = host::Netlink::open(f.guest_netns);
    auto addrs = nl ? nl->list_addresses(f.guest_device) : Result<std::vector<model::Cidr>>(Error{""});
    if (addrs && !addrs->empty()) return addrs->front().address;
  }
  auto cidr = model::Cidr::parse(nic.address);
  return cidr ? cidr->address : model::Ipv4{};
}

/// The next hop towards `dst` among a namespace's IPv6 routes of the main
/// table (longest prefix): the route's gateway, else dst itself (on link);
/// nullopt when no route covers dst.
std::optional<model::Ipv6> next_hop6(const std::vector<host::IpRoute>& routes, const model::Ipv6& dst) {
  int best = -1;
  std::optional<model::Ipv6> hop;
  for (const auto& r : routes) {
    if (r.family != AF_INET6 || r.table != 254 || r.dst_len <= best) continue;
    if (!r.dst.empty()) {
      auto net = model::Cidr6::parse(r.dst + "/" + std::to_string(r.dst_len));
      if (!net || !net->contains(dst)) continue;
    }
    auto gw = model::Ipv6::parse(r.gateway);
    if (!r.gateway.empty() && !gw) continue;
    best = r.dst_len;
    hop = gw ? *gw : dst;
  }
  return hop;
}

/// The guest, for an IPv6 probe: its global IPv6 address, its route to dst and
/// the neighbour (NDP) it needed for dst but could not resolve.
void read_guest6(const model::Ipv6& dst, PathFacts* f, std::vector<std::string>* warnings) {
  auto nl = host::Netlink::open(f->guest_netns);
  if (!nl) {
    warnings->push_back(nl.error().message);
    return;
  }
  if (auto addrs = nl->ip_addresses(f->guest_device)) f->guest_has_address = !host::global_addresses6(*addrs).empty();
  auto routes = nl->ip_routes();
  if (!routes) return;
  auto hop = next_hop6(*routes, dst);
  f->guest_has_route = hop.has_value();
  if (hop) append(&f->neighbours_failed, on_path6(failed_neighbours(f->guest_netns, warnings), {*hop}));
}

/// The routing host, for an IPv6 probe: IPv6 forwarding, its route to dst, and
/// the neighbours it needed but could not resolve (the next hop towards dst,
/// and the guest's address `guest` for the reply).
void read_host6(const model::Ipv6& dst, const model::Ipv6& guest, PathFacts* f, std::vector<std::string>* warnings) {
  auto fwd6 = host::get_sysctl(f->host_netns, "net.ipv6.conf.all.forwarding");
  if (fwd6) f->host_forwarding6 = *fwd6 != "0";
  else warnings->push_back(fwd6.error().message);
  auto nl = host::Netlink::open(f->host_netns);
  if (!nl) {
    warnings->push_back(nl.error().message);
    return;
  }
  auto routes = nl->ip_routes();
  if (!routes) return;
  auto hop = next_hop6(*routes, dst);
  f->host_has_route = hop.has_value();
  std::vector<model::Ipv6> hops{hop.value_or(model::Ipv6{})};
  if (guest != model::Ipv6{}) hops.push_back(next_hop6(*routes, guest).value_or(model::Ipv6{}));
  append(&f->neighbours_failed, on_path6(failed_neighbours(f->host_netns, warnings), hops));
}

}  // namespace

PathPlaces path_places(const model::NicPath& nic) {
  PathPlaces p;
  for (const auto& h : nic.hops) {
    if (h.role == HopRole::guest_nic) {
      p.guest_netns = h.netns;
      p.guest_device = h.device;
    }
    if (model::is_point(h.role) || h.role == HopRole::veth || h.role == HopRole::tap) {
      if (!p.host_found || model::is_point(h.role)) p.host_netns = h.netns;
      p.host_found = true;
    }
    if (!h.device.empty()) p.devices.push_back(h);
  }
  return p;
}

void link_findings(const std::vector<model::Hop>& devices,
                   const std::map<std::string, std::vector<host::LinkInfo>>& links_by_ns, PathFacts* f) {
  int first_mtu = 0;
  std::string first_where;
  for (const auto& d : devices) {
    // OVN's integration bridge switches inside the userspace datapath, never through its
    // (down) kernel device; a tunnel device carries the encapsulated packet at the underlay's MTU.
    if (d.role == HopRole::ovs && d.device == host::ovn_devices::kIntegrationBridge) continue;
    auto in_ns = links_by_ns.find(d.netns);
    if (in_ns == links_by_ns.end()) continue;
    for (const auto& l : in_ns->second) {
      if (l.name != d.device) continue;
      std::string where = device_label(d.netns, model::hop_label(d));  // "ns/web:eth0 (nl3f9a2c1b-0)"
      // Administratively down anywhere, or without carrier on the guest's side (a veth whose peer is down).
      // (A tap has no carrier while no VM holds it: not a fault of the path, doctor reports it on its own.)
      bool guest_side = d.role == HopRole::guest_nic || d.role == HopRole::veth || d.role == HopRole::macvtap;
      bool lower_down = l.oper_state == "down" || l.oper_state == "lowerlayerdown";
      if (!l.up || (lower_down && guest_side)) f->links_down.push_back(where + " is down");
      if (d.role == HopRole::uplink || d.role == HopRole::upstream || model::is_tunnel(d.role)) continue;
      if (first_mtu == 0) {
        first_mtu = l.mtu;
        first_where = where;
      } else if (l.mtu != first_mtu) {
        f->mtu_mismatch.push_back(first_where + " mtu " + std::to_string(first_mtu) + ", " + where + " mtu " +
                                  std::to_string(l.mtu));
      }
    }
  }
}

bool has_masquerade_rule(const Ruleset& ruleset, const std::string& lab, const std::string& network) {
  const std::string table = model::nft_table_name(lab);
  const std::string comment = "netlab:" + lab + ":" + network;
  for (const RulesetRule& r : ruleset.rules)
    if (r.table == table && r.comment == comment && r.text.find("masquerade") != std::string::npos) return true;
  return false;
}

bool has_dnat_rule(const Ruleset& ruleset, const std::string& lab, const std::string& proto, uint16_t port) {
  const std::string table = model::nft_table_name(lab);
  const std::string match = proto + " dport " + std::to_string(port) + " ";
  for (const RulesetRule& r : ruleset.rules)
    if (r.table == table && r.text.find("dnat") != std::string::npos && r.text.find(match) != std::string::npos)
      return true;
  return false;
}

void gather_inbound_facts(const std::string& lab, const std::string& host_netns, const model::NicPath& nic,
                          const ProbeSpec& spec, const Inbound& inbound, PathFacts* f,
                          std::vector<std::string>* warnings) {
  const bool udp = spec.proto == ProbeProto::kUdp;
  auto ruleset = list_ruleset(host_netns);
  if (ruleset) f->dnat_rule_present = has_dnat_rule(*ruleset, lab, udp ? "udp" : "tcp", spec.port);
  else warnings->push_back(ruleset.error().message);
  if (inbound.guest.empty()) return;
  PathPlaces places = path_places(nic);
  if (places.guest_netns.empty()) return;  // a VM: its sockets are its own
  f->guest_listening = listening_ports(places.guest_netns, udp ? model::L4Proto::udp : model::L4Proto::tcp, warnings);
  f->guest_listening_read = true;
}

namespace {

/// The facts of either family: where the path is, its links, the network's
/// dnsmasq, and (nat mode) its masquerade rule.
PathFacts common_facts(const std::string& lab, const model::NicPath& nic, std::vector<std::string>* warnings) {
  PathPlaces places = path_places(nic);
  PathFacts f;
  f.guest_netns = places.guest_netns;
  f.guest_device = places.guest_device;
  f.host_netns = places.host_netns;
  f.host_found = places.host_found;
  link_findings(places.devices, read_links(places.devices, warnings), &f);
  f.dnsmasq_running = dnsmasq_running(lab, nic.network, f.dnsmasq_running);
  // The hop map also carries a DHCP NIC's address (read when `up` ended): what
  // the network's dnsmasq knows of its MAC tells a lease from a static address.
  if (auto mac = model::Mac::parse(nic.mac))
    f.nic_dhcp = host::leased_or_reserved(state::lab_dir(lab), nic.network, *mac).has_value();
  if (model::masquerades(nic.mode) && f.host_found) {
    auto ruleset = list_ruleset(f.host_netns);
    if (ruleset) f.nat_rule_present = has_masquerade_rule(*ruleset, lab, nic.network);
    else warnings->push_back(ruleset.error().message);
  }
  return f;
}

}  // namespace

PathFacts gather_facts(const std::string& lab, const model::NicPath& nic, model::Ipv4 dst,
                       std::vector<std::string>* warnings) {
  PathFacts f = common_facts(lab, nic, warnings);
  if (!f.guest_netns.empty()) read_guest(dst, &f, warnings);
  bool routed = model::forwards(nic.mode);
  const model::Hop* sw = model::switch_hop(nic);
  if (f.host_found && routed) read_host(dst, guest_address(nic, f), sw ? sw->device : std::string(), &f, warnings);
  return f;
}

PathFacts gather_facts6(const std::string& lab, const model::NicPath& nic, const model::Ipv6& dst,
                        const model::Ipv6& src, std::vector<std::string>* warnings) {
  PathFacts f = common_facts(lab, nic, warnings);
  f.ipv6 = true;
  f.network_ipv6 = true;
  if (!f.guest_netns.empty()) read_guest6(dst, &f, warnings);
  if (f.host_found && model::forwards(nic.mode)) read_host6(dst, src, &f, warnings);
  return f;
}

}  // namespace netlab::tracer
