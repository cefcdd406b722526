// The live trace to an IPv6 destination (see live_trace.h, trace_live6): the
// phases of the IPv4 trace with IPv6 addresses — capture filter with icmp6,
// the trace chain's `ip6` matches, the probe over IPv6, and IPv6 facts for the
// explanation (IPv6 forwarding, IPv6 routes, NDP neighbours). No conntrack:
// a nat network routes its IPv6 unmasqueraded unless nat66, whose rewrite the
// captures show.

#include "netlab/host/netlink.h"
#include "netlab/host/nft.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "tracer/label.h"
#include "tracer/live_trace.h"
#include "tracer/live_trace_parts.h"
#include "tracer/netem_facts.h"
#include "tracer/path_facts.h"

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

/// The trace chain selecting the probe's IPv6 packets (request from the
/// guest's address when it has one, replies from dst) and its listener, in the
/// lab's table of `host_ns`; nothing for a lab without its own table.
void start_rule_trace6(const LiveRequest& req, const std::string& host_ns, std::optional<NftTraceListener>* listener,
                       std::optional<TraceChain>* chain, LiveResult* res) {
  if (host_ns.empty()) return;
  auto nft = host::Nft::open(host_ns);
  if (!nft || !nft->has_table("inet", model::nft_table_name(req.lab))) return;
  auto l = NftTraceListener::open(host_ns);
  if (l) listener->emplace(std::move(*l));
  else res->warnings.push_back(l.error().message);
  std::vector<std::string> matches;
  if (res->src6 != model::Ipv6{}) matches.push_back(probe_nft_match(req.spec, res->src6, *req.dst6, false));
  matches.push_back(probe_nft_match(req.spec, res->src6, *req.dst6, true));
  auto c = TraceChain::add(host_ns, req.lab, matches);
  if (c) chain->emplace(std::move(*c));
  else res->warnings.push_back(c.error().message);
}

}  // namespace

Result<LiveResult> trace_live6(const LiveRequest& req) {
  const model::Ipv6 dst = *req.dst6;
  if (nic_of(req.hopmap, req.guest) == nullptr) return Error{"lab " + req.lab + " has no guest named " + req.guest};
  const model::NicPath* nic =
      req.nic.empty() ? sending_nic6(req.hopmap, req.guest, dst) : nic_named(req.hopmap, req.guest, req.nic);
  if (nic == nullptr) return Error{"guest " + req.guest + " of lab " + req.lab + " has no NIC named " + req.nic};
  auto [guest_ns, guest_dev] = guest_end(*nic);
  if (guest_ns.empty())
    return Error{"guest " + req.guest + " is a VM: IPv6 traces are sent from light guests only; trace what the VM "
                 "sends with --passive", true};
  LiveResult res;
  res.nic = *nic;
  res.dst6 = dst;
  res.src6 = live_address6(guest_ns, guest_dev, nic->address6);
  const std::string host_ns = point_netns(*nic);

  // 1. Captures on the path (and the peer guest's path when dst is a guest's address).
  LiveOptions lo;
  lo.filter = probe_bpf_filter(req.spec, dst);
  lo.keep_frames = req.keep_frames;
  auto capture = LiveCapture::open(targets_for(req.hopmap, req.guest, guest_with_address6(req.hopmap, dst)), lo);
  if (!capture) return capture.error();

  // 2. nft trace (ip6 matches in the lab's inet table; every table's rules the packets meet report).
  std::optional<NftTraceListener> listener;
  std::optional<TraceChain> chain;
  start_rule_trace6(req, host_ns, &listener, &chain, &res);

  // 3. The probe from the guest's namespace; the path's netem drop counters around it.
  std::vector<NetemHop> netem = read_netem_hops(*nic);
  capture->poll(0);
  const uint32_t nonce = probe_nonce();
  const uint64_t sent_ns = capture_clock_ns();
  auto probe = send_probe(guest_ns, req.spec, dst, nonce, req.timeout_ms);
  if (!probe) return probe.error();
  res.probe = *probe;
  capture->drain(30, 300);
  reread_netem_drops(&netem);

  finish_rule_trace(req.lab, host_ns, &listener, &chain, &res);  // 4.

  // 5. Correlate, label, gather the IPv6 facts and explain.
  res.stats = capture->stats();
  for (const auto& s : capture->skipped()) res.warnings.push_back(s);
  for (size_t i = 0; i < res.stats.size(); ++i) {
    if (res.stats[i].dropped > 0)
      res.warnings.push_back("libpcap dropped " + std::to_string(res.stats[i].dropped) + " frames on " +
                             capture->targets()[i].netns + "/" + capture->targets()[i].device);
  }
  res.set = capture->take(req.hopmap);
  res.packets = trace_capture_set(res.set);
  res.facts = gather_facts6(req.lab, *nic, dst, res.src6, &res.warnings);
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
  annotate_netem(netem, sent_ns, &res.packets);
  return res;
}

}  // namespace netlab::tracer
