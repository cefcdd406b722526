// Netem on a traced path (see netem_facts.h).
#include "tracer/netem_facts.h"

#include <fmt/format.h>

#include <map>

#include "netlab/host/netlink.h"
#include "netlab/model/names.h"

namespace netlab::tracer {
namespace {

/// Root qdiscs of `netns`, by device.
std::map<std::string, host::QdiscInfo> roots(const std::string& netns) {
  std::map<std::string, host::QdiscInfo> out;
  auto nl = host::Netlink::open(netns);
  if (!nl) return out;
  auto list = nl->root_qdiscs();
  if (!list) return out;
  for (auto& q : *list) out[q.device] = std::move(q);
  return out;
}

const NetemHop* hop_on(const std::vector<NetemHop>& hops, const Hop& h) {
  for (const auto& n : hops)
    if (n.netns == h.netns && n.device == h.device) return &n;
  return nullptr;
}

std::string place(const NetemHop& n) {
  return n.friendly + " (" + (n.netns.empty() ? n.device : n.netns + "/" + n.device) + ", " +
         (n.guest_side ? "from the guest" : "toward the guest") + ")";
}

}  // namespace

std::vector<NetemHop> read_netem_hops(const model::NicPath& nic) {
  std::vector<NetemHop> out;
  std::map<std::string, std::map<std::string, host::QdiscInfo>> by_ns;
  for (const auto& h : nic.hops) {
    const bool guest_side = h.role == HopRole::guest_nic;
    if (h.device.empty() || !(guest_side || h.role == HopRole::veth || h.role == HopRole::tap)) continue;
    if (!by_ns.count(h.netns)) by_ns[h.netns] = roots(h.netns);
    auto it = by_ns[h.netns].find(h.device);
    if (it == by_ns[h.netns].end() || !it->second.netem) continue;
    NetemHop n;
    n.netns = h.netns;
    n.device = h.device;
    n.friendly = model::friendly_nic(nic.guest, nic.nic);
    n.guest_side = guest_side;
    n.impairment = *it->second.netem;
    n.drops_before = n.drops_after = it->second.drops;
    out.push_back(std::move(n));
  }
  return out;
}

void reread_netem_drops(std::vector<NetemHop>* hops) {
  std::map<std::string, std::map<std::string, host::QdiscInfo>> by_ns;
  for (auto& n : *hops) {
    if (!by_ns.count(n.netns)) by_ns[n.netns] = roots(n.netns);
    auto it = by_ns[n.netns].find(n.device);
    if (it != by_ns[n.netns].end()) n.drops_after = it->second.drops;
  }
}

void annotate_netem(const std::vector<NetemHop>& hops, uint64_t sent_ns, std::vector<TracedPacket>* packets) {
  if (hops.empty()) return;
  bool first_request = true;
  for (auto& p : *packets) {
    uint64_t previous = 0;
    for (size_t i = 0; i < p.hops.size(); ++i) {
      Hop& h = p.hops[i];
      if (h.record < 0) continue;
      const NetemHop* n = hop_on(hops, h);
      // A packet is captured on a device after its qdisc let it go: the time
      // since the hop before (or since it was sent) is the time netem held it.
      uint64_t since = previous;
      if (n && i == 0 && n->guest_side && p.leg == model::Leg::request && first_request) since = sent_ns;
      if (n) {
        std::string note = "netem " + model::describe(n->impairment) + " on " + place(*n);
        if (since != 0 && h.t_ns >= since)
          note += fmt::format(": held {:.1f} ms", static_cast<double>(h.t_ns - since) / 1e6);
        h.notes.push_back(std::move(note));
      }
      previous = h.t_ns;
    }
    if (p.leg == model::Leg::request) first_request = false;
    if (!p.dropped) continue;
    // The side that drops this leg's packets: the request is sent by the guest's
    // NIC, the reply by the host side toward the guest.
    const bool guest_side = p.leg == model::Leg::request;
    for (const auto& n : hops) {
      if (n.guest_side != guest_side || n.drops_after == n.drops_before || n.impairment.loss == 0) continue;
      p.drop_cause = "dropped by the netem loss on " + n.friendly + " (" + model::describe(n.impairment) + " on " +
                     (n.netns.empty() ? n.device : n.netns + "/" + n.device) + ": its drop counter went from " +
                     std::to_string(n.drops_before) + " to " + std::to_string(n.drops_after) + " during the probe)";
      break;
    }
  }
}

}  // namespace netlab::tracer
