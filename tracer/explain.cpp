// Drop causes and explanations (see explain.h). Pure: the facts it reasons
// on are read from the system by gather_facts (path_facts.h).
#include "tracer/explain.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"

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

/// ARP or NDP (neighbour and router discovery): how a host finds the next hop,
/// not the probe itself, so rules and causes are not about them.
bool is_neighbour_discovery(const std::string& summary) {
  return summary.rfind("arp", 0) == 0 || summary.rfind("icmp6 neighbor-", 0) == 0 ||
         summary.rfind("icmp6 router-", 0) == 0;
}

/// The VLAN sentence for an ARP request of the trace that ended tagged at the host's port, or "".
std::string arp_tagged_at_host_port(const std::vector<TracedPacket>& packets) {
  for (const auto& p : packets)
    if (p.leg == model::Leg::request && is_neighbour_discovery(p.summary))
      if (auto sentence = tagged_at_untagged_host_port(p.summary.rfind("arp", 0) == 0 ? "the ARP request"
                                                                                     : "the neighbour solicitation", p); !sentence.empty()) return sentence;
  return "";
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : "; ") + i;
  return s;
}

/// A reply comes from the destination, or for an inbound trace from the forward's guest
/// (the trace chain sees it in prerouting, before its source is turned back into the uplink's).
bool is_reply_event(const ExplainInput& in, const TraceEvent& e) {
  if (in.dst6) return e.src6 == *in.dst6;
  if (in.inbound && !in.inbound->guest.empty() && e.src == in.inbound->guest_ip) return true;
  return e.src == in.dst;
}

bool is_request_event(const ExplainInput& in, const TraceEvent& e) {
  if (is_reply_event(in, e)) return false;
  if (in.dst6) return (in.src6 != model::Ipv6{} && e.src6 == in.src6) || e.dst6 == *in.dst6;
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

/// The neighbours the path needed and could not resolve: ARP for IPv4, NDP for IPv6.
std::string neighbour_failure(const PathFacts& f) {
  return (f.ipv6 ? "no neighbour advertisement: " : "no ARP reply: ") + join(f.neighbours_failed);
}

std::string system_cause(const ExplainInput& in) {
  const PathFacts& f = in.facts;
  if (std::string vlan = vlan_separation(in); !vlan.empty()) return vlan;
  if (f.ipv6 && !f.host_forwarding6)
    return "IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in " + netns_label(f.host_netns);
  if (!f.ipv6 && !f.host_forwarding) return "forwarding off: net.ipv4.ip_forward=0 in " + netns_label(f.host_netns);
  if (!f.links_down.empty()) return "bridge port down: " + join(f.links_down);
  if (!f.host_has_route) return "no route to " + dst_text(in) + " in " + netns_label(f.host_netns);
  if (!f.neighbours_failed.empty()) return neighbour_failure(f);
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
    if (!it->device.empty()) return device_label(it->netns, it->device);
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
    if (is_neighbour_discovery(p.summary)) continue;  // rules and causes are about the probe's IP packets
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
    if (reply && !in.inbound && !p.dropped && !p.hops.empty() && in.probe.answered == 0 && in.probe.refused == 0 &&
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
  p.summary = probe_proto_text(in.spec) + " probe " + src_text(in) + " → " + dst_text(in) + " (not seen on any device)";
  Hop h;
  h.index = 1;
  h.netns = f.guest_netns;
  h.device = f.guest_device;
  h.role = HopRole::guest_nic;
  h.direction = Direction::out;
  p.hops.push_back(h);
  p.dropped = true;
  p.drop_after = f.guest_netns + "/" + f.guest_device;
  if (!f.guest_has_address && f.ipv6) {
    p.drop_cause = "IPv6 address missing: " + f.guest_netns + "/" + f.guest_device + " has no global IPv6 address" +
                   (in.nic.address6.empty() ? "" : " (the lab gave it " + in.nic.address6 + ")");
  } else if (!f.guest_has_address && !in.nic.address.empty() && !f.nic_dhcp) {  // a static address (no lease nor reservation)
    p.drop_cause = "static address missing: " + f.guest_netns + "/" + f.guest_device + " has no IPv4 address (the lab gives it " +
                   in.nic.address + ")";
  } else if (!f.guest_has_address) {
    p.drop_cause = "DHCP lease missing: " + f.guest_netns + "/" + f.guest_device + " has no IPv4 address";
    if (!f.dnsmasq_running) p.drop_cause += " and the network's dnsmasq is not running";
  } else if (!f.guest_has_route) {
    p.drop_cause = "no route to " + dst_text(in) + " in " + f.guest_netns;
  } else if (!f.links_down.empty()) {
    p.drop_cause = "bridge port down: " + join(f.links_down);
  } else if (std::string apart = vlan_separation(in); !apart.empty()) {
    p.drop_cause = apart;
  } else if (!f.neighbours_failed.empty()) {
    p.drop_cause = neighbour_failure(f);
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
  miss.summary = "no reply from " + dst_text(in);
  miss.dropped = true;
  miss.drop_after = last_device(req);
  bool rewritten = false;
  for (const auto& h : req.hops) rewritten = rewritten || (h.role == HopRole::nat && (h.changes & kChangeSrcIp));
  std::string v = drop_verdict(in, true);
  std::string vlan = vlan_separation(in);
  if (vlan.empty()) vlan = tagged_at_untagged_host_port("the request", req);
  if (!vlan.empty()) {
    miss.drop_cause = vlan;
  } else if (!v.empty()) {
    miss.drop_cause = v;
  } else if (!in.dst6 && model::masquerades(in.nic.mode) && (!f.nat_rule_present || !rewritten)) {
    // (A nat network routes its IPv6 unmasqueraded unless nat66: an unchanged IPv6 source is no fault.)
    miss.drop_cause = "masquerade missing: the request left with source " + in.src.str() +
                      " unchanged (no masquerade rule for network " + in.nic.network + " in table inet " +
                      model::nft_table_name(in.lab) + "), so " + in.dst.str() + " cannot answer it";
  } else {
    miss.drop_cause = "no reply from " + dst_text(in) + (in.probe.error.empty() ? "" : ": " + in.probe.error);
  }
  return miss;
}

}  // namespace

namespace {

std::string port_text(const ExplainInput& in, uint16_t port) {
  return std::string(in.spec.proto == ProbeProto::kUdp ? "udp" : "tcp") + "/" + std::to_string(port);
}

bool reached_lab(const TracedPacket& p) {
  for (const auto& h : p.hops)
    if (model::is_switch(h.role) || model::on_guest_side(h.role)) return true;
  return false;
}

/// An inbound trace: the request from upstream either went in past the uplink
/// (DNATed to the guest) or stopped there, which is the drop and its cause.
void explain_inbound(const ExplainInput& in, std::vector<TracedPacket>* packets) {
  TracedPacket* req = nullptr;
  for (auto& p : *packets)
    if (p.leg == model::Leg::request && !is_neighbour_discovery(p.summary)) {
      req = &p;
      break;
    }
  if (req == nullptr || reached_lab(*req)) return;
  req->dropped = true;
  req->drop_after = last_device(*req);
  std::string v = drop_verdict(in, false);
  if (!v.empty()) req->drop_cause = v;
  else if (!in.facts.dnat_rule_present || in.inbound->guest.empty())
    req->drop_cause = "no DNAT rule matched " + port_text(in, in.spec.port) + " on the uplink";
  else if (std::string s = system_cause(in); !s.empty()) req->drop_cause = s;
  else req->drop_cause = "the request went no further than " + req->drop_after;
}

}  // namespace

std::string inbound_outcome(const ExplainInput& in, const std::vector<TracedPacket>& packets,
                            const Conversation& conversation) {
  if (!in.inbound) return conversation.outcome;
  for (const auto& p : packets) {
    if (p.leg != model::Leg::request || !p.dropped || p.drop_cause.empty()) continue;
    if (conversation.outcome.empty() || conversation.outcome.rfind("no ", 0) == 0) return p.drop_cause;
    return p.drop_cause + " (the host itself answered: " + conversation.outcome + ")";
  }
  const Inbound& ib = *in.inbound;
  if (!ib.guest.empty() && in.facts.guest_listening_read && conversation.outcome.rfind("refused", 0) == 0) {
    std::string s = ib.guest + " refused " + port_text(in, ib.to_port) + " (" + conversation.outcome +
                    "): nothing listens on " + port_text(in, ib.to_port) + " there";
    std::string others;
    for (uint16_t port : in.facts.guest_listening) others += (others.empty() ? "" : ", ") + port_text(in, port);
    s += others.empty() ? "; " + ib.guest + " listens on no " + port_text(in, 0).substr(0, 3) + " port"
                        : "; " + ib.guest + " listens on " + others + ", so the forward names the wrong port";
    return s;
  }
  return conversation.outcome;
}

std::string dst_text(const ExplainInput& in) { return in.dst6 ? in.dst6->str() : in.dst.str(); }

std::string src_text(const ExplainInput& in) {
  if (in.dst6) return in.src6 != model::Ipv6{} ? in.src6.str() : "?";
  return in.src.value ? in.src.str() : "?";
}

std::string vlan_separation(const ExplainInput& in) {
  if (!in.peer || in.peer->vlan == in.nic.vlan) return "";
  const model::Hop* mine = model::switch_hop(in.nic);
  const model::Hop* theirs = model::switch_hop(*in.peer);
  if (mine == nullptr || theirs == nullptr || mine->netns != theirs->netns || mine->device != theirs->device) return "";
  auto where = [](int vlan) { return vlan < 0 ? std::string("untagged") : "in VLAN " + std::to_string(vlan); };
  return dst_text(in) + " is " + in.peer->guest + " " + where(in.peer->vlan) + "; " + in.nic.guest + " is " +
         where(in.nic.vlan) + " on the same switch, which keeps them apart";
}

std::string reject_rule(const ExplainInput& in) {
  for (const auto& e : in.events) {
    if (own_chain(in, e) || e.verdict != "drop" || e.rule.find("reject") == std::string::npos) continue;
    if (is_request_event(in, e)) return "nft " + e.family + " " + e.table + " " + e.chain + ": rule `" + e.rule + "`";
  }
  return {};
}

void explain(const ExplainInput& in, std::vector<TracedPacket>* packets) {
  bool any_request = false, any_reply = false;
  annotate_traced(in, packets, &any_request, &any_reply);
  if (in.inbound) {
    explain_inbound(in, packets);
    return;
  }
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

}  // namespace netlab::tracer
