// The live trace to an IPv6 destination (see live_trace.h, trace_live6): the
// phases of the IPv4 trace with IPv6 addresses — capture filter with icmp6,
// the trace chain's `ip6` matches, the probe over IPv6, and IPv6 facts for the
// explanation (IPv6 forwarding, IPv6 routes, NDP neighbours). No conntrack:
// a nat network routes its IPv6 unmasqueraded unless nat66, whose rewrite the
// captures show.

#include <algorithm>
#include <iterator>

#include "netlab/host/netlink.h"
#include "netlab/host/nft.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "tracer/label.h"
#include "tracer/live_trace.h"
#include "tracer/live_trace_parts.h"
#include "tracer/netem_facts.h"
#include "tracer/path_facts.h"
#include "tracer/vm_probe.h"

namespace netlab::tracer {

const model::NicPath* nic_with_address6(const model::HopMap& map, const model::Ipv6& ip) {
  for (const auto& nic : map.nics) {
    auto c = model::Cidr6::parse(nic.address6);
    if (c && c->address == ip) return &nic;
  }
  return nullptr;
}

std::string guest_with_address6(const model::HopMap& map, const model::Ipv6& ip) {
  const model::NicPath* nic = nic_with_address6(map, ip);
  return nic ? nic->guest : std::string();
}

const model::NicPath* sending_nic6(const model::HopMap& map, const std::string& guest, const model::Ipv6& dst) {
  const model::NicPath* first = nullptr;
  const model::NicPath* routed = nullptr;
  for (const auto& n : map.nics) {
    if (n.guest != guest) continue;
    if (!first) first = &n;
    auto cidr = model::Cidr6::parse(n.address6);
    if (cidr && cidr->contains(dst)) return &n;
    if (cidr && !routed && model::forwards(n.mode)) routed = &n;
  }
  return routed ? routed : first;
}

model::Ipv6 live_address6(const std::string& netns, const std::string& device, const std::string& preferred) {
  auto nl = host::Netlink::open(netns);
  if (!nl) return {};
  auto addrs = nl->ip_addresses(device);
  if (!addrs) return {};
  auto global = host::global_addresses6(*addrs);
  if (global.empty()) return {};
  if (auto want = model::Cidr6::parse(preferred))
    for (const auto& a : global)
      if (want->contains(a.address)) return a.address;
  return global.front().address;
}

namespace {

/// The VM's own IPv6 source, which netlab did not give it (it made it from the
/// router advertisement): the source of the probe's first request captured.
model::Ipv6 learned_source6(const CaptureSet& set, const std::vector<TracedPacket>& packets) {
  for (const auto& p : packets) {
    if (p.leg != model::Leg::request) continue;
    for (const auto& h : p.hops) {
      if (h.record < 0 || static_cast<size_t>(h.record) >= set.records.size()) continue;
      const PacketRecord& r = set.records[static_cast<size_t>(h.record)];
      if (r.l3 != L3::kIpv6 || (r.flags & kFlagIcmpError) != 0) break;
      model::Ipv6 src;
      std::copy(std::begin(r.src), std::end(r.src), src.bytes.begin());
      return src;
    }
  }
  return {};
}

}  // namespace

Result<LiveResult> trace_live6(const LiveRequest& req) {
  const model::Ipv6 dst = *req.dst6;
  if (nic_of(req.hopmap, req.guest) == nullptr) return Error{"lab " + req.lab + " has no guest named " + req.guest};
  const model::NicPath* nic =
      req.nic.empty() ? sending_nic6(req.hopmap, req.guest, dst) : nic_named(req.hopmap, req.guest, req.nic);
  if (nic == nullptr) return Error{"guest " + req.guest + " of lab " + req.lab + " has no NIC named " + req.nic};
  auto [guest_ns, guest_dev] = guest_end(*nic);
  LiveResult res;
  res.nic = *nic;
  res.dst6 = dst;
  // A kvm guest: the probe is its own ping or nc, run inside the VM as for
  // IPv4; its source is learned from the capture.
  const bool from_vm = guest_ns.empty();
  if (!from_vm) {
    res.src6 = live_address6(guest_ns, guest_dev, nic->address6);
  } else if (!req.vm || req.vm->state != "running") {
    return Error{"guest " + req.guest + " is a VM that is not running: an IPv6 probe is sent from inside it (netlab "
                 "up starts it again); trace what the VM sends with --passive", true};
  } else if (req.spec.proto == ProbeProto::kUdp) {
    return vm_probe_argv(req.spec, dst.str(), req.timeout_ms).error();
  }
  const std::string host_ns = point_netns(*nic);

  // 1. and 2. Captures on the path (and the peer guest's path when dst is a
  // guest's address); the nft trace with ip6 matches in the lab's inet table
  // (every table's rules the packets meet report).
  std::vector<std::string> matches;
  if (res.src6 != model::Ipv6{}) matches.push_back(probe_nft_match(req.spec, res.src6, dst, false));
  matches.push_back(probe_nft_match(req.spec, res.src6, dst, true));
  auto watch = watch_probe(req, host_ns, probe_bpf_filter(req.spec, dst), guest_with_address6(req.hopmap, dst),
                           matches, &res);
  if (!watch) return watch.error();
  LiveCapture* capture = &watch->capture;

  // 3. The probe from the guest's namespace, or inside the VM; the path's netem drop counters around it.
  std::vector<NetemHop> netem = read_netem_hops(*nic);
  capture->poll(0);
  const uint32_t nonce = probe_nonce();
  const uint64_t sent_ns = capture_clock_ns();
  auto probe = from_vm ? vm_send_probe(*req.vm, req.guest, req.spec, dst.str(), req.timeout_ms)
                       : send_probe(guest_ns, req.spec, dst, nonce, req.timeout_ms);
  if (!probe) return probe.error();
  res.probe = *probe;
  capture->drain(30, 300);
  reread_netem_drops(&netem);

  finish_rule_trace(req.lab, host_ns, &watch->listener, &watch->chain, &res);  // 4.

  // 5. Correlate, label, gather the IPv6 facts and explain.
  collect_capture(req.hopmap, capture, &res);
  if (from_vm) {
    learn_probe_ids(res.set, res.packets, &res.probe);
    res.src6 = learned_source6(res.set, res.packets);
  }
  res.facts = gather_facts6(req.lab, *nic, dst, res.src6, &res.warnings);
  if (const model::Hop* tap = model::find_hop(*nic, HopRole::tap); tap && res.facts.guest_netns.empty()) {
    res.facts.guest_netns = tap->netns;  // a kvm guest: the host sees its end of the path at its tap
    res.facts.guest_device = tap->device;
  }
  ExplainInput in;
  in.lab = req.lab;
  in.nic = *nic;
  in.dst6 = dst;
  in.src6 = res.src6;
  in.spec = req.spec;
  in.probe = res.probe;
  in.facts = res.facts;
  in.events = res.events;
  if (const model::NicPath* peer = nic_with_address6(req.hopmap, dst)) in.peer = *peer;
  explain(in, &res.packets);
  res.conversation = converse(res.packets, res.set, {.waited_ms = req.timeout_ms, .reject_rule = reject_rule(in)});
  // A probe run inside a VM has no send time of ours to measure from.
  annotate_netem(netem, from_vm ? 0 : sent_ns, &res.packets);
  return res;
}

}  // namespace netlab::tracer
