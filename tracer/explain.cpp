// Drop causes and explanations (see explain.h). The pure part comes first,
// gather_facts (which reads the system) after it.
#include "tracer/explain.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"
#include "netlab/host/process.h"
#include "netlab/host/sysctl.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/state/paths.h"

namespace netlab::tracer {
namespace {

/// When `what` (a request) ended on a switch hop still tagged: the sentence
/// that says so. The host's own port on a lab switch is untagged, so a tagged
/// frame reaches it and goes no further. "" when it arrived untagged.
std::string tagged_at_untagged_host_port(const std::string& what, const TracedPacket& request) {
  if (request.hops.empty()) return "";
  const Hop& last = request.hops.back();
  if (!model::is_switch(last.role) || last.vlan < 0) return "";
  const std::string vlan = std::to_string(last.vlan);
  return what + " reached " + last.netns + "/" + last.device + " tagged with VLAN " + vlan +
         ", but the host's own port on that switch is untagged (no VLAN " + vlan +
         " interface on the host), so the host drops it: a VLAN guest reaches only its own VLAN";
}

/// The VLAN sentence for an ARP request of the trace that ended tagged at the host's port, or "".
std::string arp_tagged_at_host_port(const std::vector<TracedPacket>& packets) {
  for (const auto& p : packets)
    if (p.leg == model::Leg::request && p.summary.rfind("arp", 0) == 0)
      if (auto sentence = tagged_at_untagged_host_port("the ARP request", p); !sentence.empty()) return sentence;
  return "";
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : "; ") + i;
  return s;
}

bool is_reply_event(const ExplainInput& in, const TraceEvent& e) { return e.src == in.dst; }

bool is_request_event(const ExplainInput& in, const TraceEvent& e) {
  if (is_reply_event(in, e)) return false;
  return (in.src.value != 0 && e.src == in.src) || e.dst == in.dst;
}

/// Events that say nothing about the lab's rules: our own trace chain, and
/// "continue" rule events without a handle (the end of a chain without a verdict).
bool own_chain(const ExplainInput& in, const TraceEvent& e) {
  if (e.type == "rule" && e.handle == 0) return true;
  return e.chain == "trace_pre" && e.table == model::nft_table_name(in.lab);
}

std::string verdict_cause(const TraceEvent& e) {
  std::string what = e.type == "policy" ? "policy " + e.verdict
                                        : "rule `" + (e.rule.empty() ? "handle " + std::to_string(e.handle) : e.rule) +
                                              "`" + " → " + e.verdict;
  return "nft " + e.family + " " + e.table + " " + e.chain + ": " + what;
}

/// The first drop verdict among the events of one direction.
std::string drop_verdict(const ExplainInput& in, bool reply) {
  for (const auto& e : in.events) {
    if (own_chain(in, e) || e.verdict != "drop") continue;
    if (reply ? is_reply_event(in, e) : is_request_event(in, e)) return verdict_cause(e);
  }
  return {};
}

std::string system_cause(const ExplainInput& in) {
  const PathFacts& f = in.facts;
  if (!f.host_forwarding) return "forwarding off: net.ipv4.ip_forward=0 in " + f.host_netns;
  if (!f.links_down.empty()) return "bridge port down: " + join(f.links_down);
  if (!f.host_has_route) return "no route to " + in.dst.str() + " in " + f.host_netns;
  if (!f.neighbours_failed.empty()) return "no ARP reply: " + join(f.neighbours_failed);
  if (!f.mtu_mismatch.empty()) return "MTU mismatch: " + join(f.mtu_mismatch);
  return {};
}

/// Index of the route/nat hop of a packet, or of its last hop; -1 when it has none.
int anchor_hop(const TracedPacket& p) {
  for (size_t i = 0; i < p.hops.size(); ++i) {
    if (model::is_point(p.hops[i].role)) return static_cast<int>(i);
  }
  return p.hops.empty() ? -1 : static_cast<int>(p.hops.size()) - 1;
}

bool ct_matches_probe(const ExplainInput& in, const CtEntry& e) {
  if (in.spec.proto == ProbeProto::kIcmp) return in.probe.echo_id == 0 || e.original.sport == in.probe.echo_id;
  return in.probe.sport == 0 || e.original.sport == in.probe.sport;
}

std::string last_device(const TracedPacket& p) {
  for (auto it = p.hops.rbegin(); it != p.hops.rend(); ++it) {
    if (!it->device.empty()) return it->netns + "/" + it->device;
  }
  return {};
}

}  // namespace

namespace {

/// Phase 1 of explain: gives the i-th traced request (reply) the nft events of
/// the i-th request (reply) id and, at its nat point, the probe's conntrack
/// entries; marks a reply lost after its last device and names the causes of
/// drops. Reports whether any request and any reply was traced.
void annotate_traced(const ExplainInput& in, std::vector<TracedPacket>* packets, bool* any_request, bool* any_reply) {
  std::vector<uint32_t> req_ids, rep_ids;
  std::map<uint32_t, std::vector<const TraceEvent*>> by_id;
  for (const auto& e : in.events) {
    if (own_chain(in, e)) continue;
    bool reply = is_reply_event(in, e);
    if (!reply && !is_request_event(in, e)) continue;
    auto& ids = reply ? rep_ids : req_ids;
    if (by_id.find(e.id) == by_id.end()) ids.push_back(e.id);
    by_id[e.id].push_back(&e);
  }
  size_t nreq = 0, nrep = 0;
  bool ct_done_req = false, ct_done_rep = false;
  for (auto& p : *packets) {
    if (p.summary.rfind("arp", 0) == 0) continue;  // rules and causes are about the probe's IP packets
    bool reply = p.leg == model::Leg::reply;
    (reply ? *any_reply : *any_request) = true;
    auto& ids = reply ? rep_ids : req_ids;
    size_t& n = reply ? nrep : nreq;
    int a = anchor_hop(p);
    if (a >= 0 && n < ids.size()) {
      for (const TraceEvent* e : by_id[ids[n]]) p.hops[static_cast<size_t>(a)].rules.push_back(to_rule_hit(*e));
    }
    ++n;
    if (a >= 0 && p.hops[static_cast<size_t>(a)].role == HopRole::nat && !(reply ? ct_done_rep : ct_done_req)) {
      for (const auto& ct : in.conntrack) {
        if (ct_matches_probe(in, ct)) p.hops[static_cast<size_t>(a)].conntrack.push_back(format_entry(ct));
      }
      (reply ? ct_done_rep : ct_done_req) = true;
    }
    // A reply the probe never got, though it was seen: lost after its last device, unless that is the guest's end.
    if (reply && !p.dropped && !p.hops.empty() && in.probe.answered == 0 && in.probe.refused == 0 &&
        p.hops.back().role != HopRole::guest_nic && p.hops.back().role != HopRole::tap) {
      p.dropped = true;
      p.drop_after = last_device(p);
    }
    if (p.dropped && p.drop_cause.empty()) {
      std::string v = drop_verdict(in, reply);
      p.drop_cause = v.empty() ? system_cause(in) : v;
      if (p.drop_cause.empty() && reply) p.drop_cause = "the reply went no further than " + p.drop_after;
    }
  }
}

/// Phase 2, when nothing left the guest (the kernel refused the probe, or the
/// guest NIC never passed it on): one packet dropped at the guest's NIC, with
/// the first cause the facts show.
TracedPacket unsent_probe(const ExplainInput& in, const std::vector<TracedPacket>& packets) {
  const PathFacts& f = in.facts;
  TracedPacket p;
  p.summary = probe_proto_text(in.spec) + " probe " + (in.src.value ? in.src.str() : std::string("?")) + " → " +
              in.dst.str() + " (not seen on any device)";
  Hop h;
  h.index = 1;
  h.netns = f.guest_netns;
  h.device = f.guest_device;
  h.role = HopRole::guest_nic;
  h.direction = Direction::out;
  p.hops.push_back(h);
  p.dropped = true;
  p.drop_after = f.guest_netns + "/" + f.guest_device;
  if (!f.guest_has_address) {
    p.drop_cause = "DHCP lease missing: " + f.guest_netns + "/" + f.guest_device + " has no IPv4 address";
    if (!f.dnsmasq_running) p.drop_cause += " and the network's dnsmasq is not running";
  } else if (!f.guest_has_route) {
    p.drop_cause = "no route to " + in.dst.str() + " in " + f.guest_netns;
  } else if (!f.links_down.empty()) {
    p.drop_cause = "bridge port down: " + join(f.links_down);
  } else if (!f.neighbours_failed.empty()) {
    p.drop_cause = "no ARP reply: " + join(f.neighbours_failed);
    if (auto vlan = arp_tagged_at_host_port(packets); !vlan.empty()) p.drop_cause += "; " + vlan;
  } else {
    std::string v = drop_verdict(in, false);
    p.drop_cause = !v.empty() ? v : !in.probe.error.empty() ? "the guest could not send: " + in.probe.error
                                                            : system_cause(in);
  }
  return p;
}

/// Phase 3, when a request arrived but no reply was seen nor received: the
/// missing reply as a dropped packet after the last request's last device.
TracedPacket missing_reply(const ExplainInput& in, const TracedPacket& req) {
  const PathFacts& f = in.facts;
  TracedPacket miss;
  miss.leg = model::Leg::reply;
  miss.summary = "no reply from " + in.dst.str();
  miss.dropped = true;
  miss.drop_after = last_device(req);
  bool rewritten = false;
  for (const auto& h : req.hops) rewritten = rewritten || (h.role == HopRole::nat && (h.changes & kChangeSrcIp));
  std::string v = drop_verdict(in, true);
  const std::string vlan = tagged_at_untagged_host_port("the request", req);
  if (!vlan.empty()) {
    miss.drop_cause = vlan;
  } else if (!v.empty()) {
    miss.drop_cause = v;
  } else if (model::masquerades(in.nic.mode) && (!f.nat_rule_present || !rewritten)) {
    miss.drop_cause = "masquerade missing: the request left with source " + in.src.str() +
                      " unchanged (no masquerade rule for network " + in.nic.network + " in table inet " +
                      model::nft_table_name(in.lab) + "), so " + in.dst.str() + " cannot answer it";
  } else {
    miss.drop_cause = "no reply from " + in.dst.str() + (in.probe.error.empty() ? "" : ": " + in.probe.error);
  }
  return miss;
}

}  // namespace

void explain(const ExplainInput& in, std::vector<TracedPacket>* packets) {
  bool any_request = false, any_reply = false;
  annotate_traced(in, packets, &any_request, &any_reply);
  if (!any_request) {
    TracedPacket unsent = unsent_probe(in, *packets);
    packets->push_back(std::move(unsent));
    return;
  }
  const TracedPacket* req = nullptr;  // the last request that arrived
  for (const auto& p : *packets)
    if (p.leg == model::Leg::request && !p.dropped) req = &p;
  if (req != nullptr && !any_reply && in.probe.answered == 0 && in.probe.refused == 0) {
    TracedPacket miss = missing_reply(in, *req);
    packets->push_back(std::move(miss));
  }
}

// ---- facts from the system ----

namespace {

std::vector<std::string> failed_neighbours(const std::string& netns, std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  Status st = host::in_netns(netns, [&] {
    nl_sock* sock = nl_socket_alloc();
    if (sock == nullptr) return;
    nl_cache* cache = nullptr;
    nl_cache* links = nullptr;
    if (nl_connect(sock, NETLINK_ROUTE) == 0 && rtnl_neigh_alloc_cache(sock, &cache) == 0) {
      rtnl_link_alloc_cache(sock, AF_UNSPEC, &links);
      for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
        auto* n = reinterpret_cast<rtnl_neigh*>(o);
        int state = rtnl_neigh_get_state(n);
        if ((state & (NUD_FAILED | NUD_INCOMPLETE)) == 0) continue;
        nl_addr* dst = rtnl_neigh_get_dst(n);
        if (dst == nullptr || nl_addr_get_family(dst) != AF_INET) continue;
        char addr[64], dev[32] = "?", st_text[64];
        nl_addr2str(dst, addr, sizeof addr);
        if (links != nullptr) rtnl_link_i2name(links, rtnl_neigh_get_ifindex(n), dev, sizeof dev);
        rtnl_neigh_state2str(state, st_text, sizeof st_text);
        out.push_back(netns + ": " + addr + " on " + dev + " " + st_text);
      }
    }
    if (links != nullptr) nl_cache_free(links);
    if (cache != nullptr) nl_cache_free(cache);
    nl_socket_free(sock);
  });
  if (!st) warnings->push_back(st.error().message);
  return out;
}

bool has_route(const std::vector<host::RouteInfo>& routes, model::Ipv4 dst) {
  for (const auto& r : routes) {
    if (!r.dest || r.dest->contains(dst)) return true;
  }
  return false;
}

}  // namespace

PathFacts gather_facts(const std::string& lab, const model::NicPath& nic, model::Ipv4 dst,
                       std::vector<std::string>* warnings) {
  PathFacts f;
  std::vector<model::Hop> devices;
  for (const auto& h : nic.hops) {
    if (h.role == HopRole::guest_nic) {
      f.guest_netns = h.netns;
      f.guest_device = h.device;
    }
    if (model::is_point(h.role) || h.role == HopRole::veth || h.role == HopRole::tap) {
      if (f.host_netns.empty() || model::is_point(h.role)) f.host_netns = h.netns;
    }
    if (!h.device.empty()) devices.push_back(h);
  }
  // The guest: address, route, and neighbours it could not resolve.
  if (!f.guest_netns.empty()) {
    for (auto& n : failed_neighbours(f.guest_netns, warnings)) f.neighbours_failed.push_back(std::move(n));
    auto nl = host::Netlink::open(f.guest_netns);
    if (nl) {
      auto addrs = nl->list_addresses(f.guest_device);
      if (addrs) f.guest_has_address = !addrs->empty();
      auto routes = nl->list_routes();
      if (routes) f.guest_has_route = has_route(*routes, dst);
    } else {
      warnings->push_back(nl.error().message);
    }
  }
  // The host: forwarding, routes, neighbours, links and MTUs of the path.
  bool routed = model::forwards(nic.mode);
  if (!f.host_netns.empty() && routed) {
    auto fwd = host::get_sysctl(f.host_netns, "net.ipv4.ip_forward");
    if (fwd) f.host_forwarding = *fwd != "0";
    else warnings->push_back(fwd.error().message);
    auto nl = host::Netlink::open(f.host_netns);
    if (nl) {
      auto routes = nl->list_routes();
      if (routes) f.host_has_route = has_route(*routes, dst);
    }
    for (auto& n : failed_neighbours(f.host_netns, warnings)) f.neighbours_failed.push_back(std::move(n));
  }
  int first_mtu = 0;
  std::string first_where;
  std::map<std::string, std::vector<host::LinkInfo>> links_by_ns;
  for (const auto& d : devices) {
    if (links_by_ns.find(d.netns) == links_by_ns.end()) {
      auto nl = host::Netlink::open(d.netns);
      if (!nl) {
        warnings->push_back(nl.error().message);
        links_by_ns[d.netns] = {};
        continue;
      }
      auto links = nl->list_links();
      links_by_ns[d.netns] = links ? *links : std::vector<host::LinkInfo>{};
    }
    for (const auto& l : links_by_ns[d.netns]) {
      if (l.name != d.device) continue;
      std::string where = d.netns + "/" + d.device;
      // Administratively down anywhere, or without carrier on the guest's side (a veth whose peer is down).
      // (A tap has no carrier while no VM holds it: not a fault of the path, doctor reports it on its own.)
      bool guest_side = d.role == HopRole::guest_nic || d.role == HopRole::veth || d.role == HopRole::macvtap;
      bool lower_down = l.oper_state == "down" || l.oper_state == "lowerlayerdown";
      if (!l.up || (lower_down && guest_side)) f.links_down.push_back(where + " is down");
      if (d.role == HopRole::uplink || d.role == HopRole::upstream) continue;
      if (first_mtu == 0) {
        first_mtu = l.mtu;
        first_where = where;
      } else if (l.mtu != first_mtu) {
        f.mtu_mismatch.push_back(first_where + " mtu " + std::to_string(first_mtu) + ", " + where + " mtu " +
                                 std::to_string(l.mtu));
      }
    }
  }
  // dnsmasq of the network (when the lab runs one: a pid file in the run dir).
  std::string pid_file = state::lab_dir(lab) + "/dnsmasq-" + nic.network + ".pid";
  std::ifstream pf(pid_file);
  if (pf) {
    long pid = 0;
    pf >> pid;
    f.dnsmasq_running = pid > 0 && host::alive(static_cast<pid_t>(pid));
  } else if (std::ifstream(state::lab_dir(lab) + "/dnsmasq-" + nic.network + ".conf")) {
    f.dnsmasq_running = false;
  }
  // The masquerade rule of the network in the lab's table.
  if (model::masquerades(nic.mode) && !f.host_netns.empty()) {
    auto index = ruleset_index(f.host_netns);
    if (index) {
      std::string table = model::nft_table_name(lab);
      std::string comment = "netlab:" + lab + ":" + nic.network;
      bool found = false;
      for (const auto& [key, rule] : *index) {
        if (std::get<1>(key) == table && rule.first.find("masquerade") != std::string::npos &&
            rule.second == comment)
          found = true;
      }
      f.nat_rule_present = found;
    } else {
      warnings->push_back(index.error().message);
    }
  }
  return f;
}

}  // namespace netlab::tracer
