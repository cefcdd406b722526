// The live trace (see live_trace.h).
#include "tracer/live_trace.h"

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <random>

#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/netlink.h"
#include "netlab/host/nft.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/state/paths.h"
#include "tracer/label.h"
#include "tracer/live_trace_parts.h"
#include "tracer/netem_facts.h"
#include "tracer/nft_trace_socket.h"
#include "tracer/path_facts.h"
#include "tracer/tunnel.h"

namespace netlab::tracer {
namespace {

/// Holds SIGINT, SIGTERM and SIGHUP of the calling thread (and of the helper
/// threads it starts) while alive: a ^C during a trace is delivered only after
/// the trace chain was removed from the lab's table. A trace is bounded
/// (count x timeout plus a fraction of a second), so the hold is too.
class SignalHold {
 public:
  SignalHold() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SignalHold() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalHold(const SignalHold&) = delete;
  SignalHold& operator=(const SignalHold&) = delete;

 private:
  sigset_t old_;
};

uint8_t ip_proto(const ProbeSpec& spec) {
  switch (spec.proto) {
    case ProbeProto::kIcmp: return IPPROTO_ICMP;
    case ProbeProto::kTcp: return IPPROTO_TCP;
    case ProbeProto::kUdp: return IPPROTO_UDP;
  }
  return 0;
}

}  // namespace

uint32_t probe_nonce() {
  uint32_t nonce = std::random_device{}() & 0xffff;
  return nonce == 0 ? 1 : nonce;
}

uint64_t capture_clock_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000ull + static_cast<uint64_t>(now.tv_nsec);
}

std::string point_netns(const model::NicPath& nic) {
  for (const auto& h : nic.hops) {
    if (model::is_point(h.role)) return h.netns;
  }
  for (const auto& h : nic.hops) {
    if (h.role == HopRole::veth || h.role == HopRole::tap || h.role == HopRole::bridge) return h.netns;
  }
  return {};
}

Result<model::Cidr> vm_nic_address(const std::string& lab, const model::NicPath& nic) {
  if (auto cidr = model::Cidr::parse(nic.address)) return *cidr;
  const model::Hop* sw = model::switch_hop(nic);
  auto mac = model::Mac::parse(nic.mac);
  if (mac && sw && !sw->device.empty()) {
    if (auto ip = host::leased_or_reserved(state::lab_dir(lab), nic.network, *mac)) {
      // The subnet is the bridge's (the host's address on the network).
      auto nl = host::Netlink::open(sw->netns);
      auto addrs = nl ? nl->list_addresses(sw->device) : Result<std::vector<model::Cidr>>(Error{""});
      int prefix = addrs && !addrs->empty() ? addrs->front().prefix : 32;
      return model::Cidr{*ip, prefix};
    }
  }
  return Error{"guest " + nic.guest + "'s address is not known (no lease or reservation for " + nic.mac + ")"};
}

Result<InjectTarget> inject_target(const LiveRequest& req, const model::NicPath& nic) {
  InjectTarget t;
  const model::Hop* sw = model::switch_hop(nic);
  const std::string bridge = sw ? sw->device : "";
  const model::Hop* tap = model::find_hop(nic, HopRole::tap);
  if (!tap) {
    if (const model::Hop* macvtap = model::find_hop(nic, HopRole::macvtap))
      return Error{"guest " + req.guest + "'s NIC is macvtap " + macvtap->device + " on the uplink: netlab cannot "
                   "write a probe into it in the VM's place; trace what the VM sends with --passive"};
    return Error{"guest " + req.guest + " has neither a namespace nor a tap to send a probe from"};
  }
  t.netns = tap->netns;
  t.tap = tap->device;
  auto cidr = vm_nic_address(req.lab, nic);
  auto mac = model::Mac::parse(nic.mac);
  if (!cidr || !mac) {
    return Error{"guest " + req.guest + " runs no commands and its address is not known (no lease in the hop map): "
                 "cannot craft a probe for it"};
  }
  t.guest_ip = cidr->address;
  t.guest_mac = *mac;
  // The next hop: the peer guest on the same subnet, else the bridge (the host is the gateway).
  const model::NicPath* peer_nic = nic_with_address(req.hopmap, req.dst);
  if (cidr->contains(req.dst) && peer_nic != nullptr && model::Mac::parse(peer_nic->mac)) {
    t.next_hop = *model::Mac::parse(peer_nic->mac);
    return t;
  }
  if (model::traits(nic.mode).on_lan) return Error{"injecting for a guest on a bridged network needs the LAN gateway's MAC: not supported"};
  auto nl = host::Netlink::open(t.netns);
  if (!nl) return nl.error();
  auto link = nl->find_link(bridge);
  if (!link || !link->has_value() || !model::Mac::parse((*link)->mac)) {
    return Error{"cannot read the MAC of bridge " + bridge + " in " + t.netns};
  }
  t.next_hop = *model::Mac::parse((*link)->mac);
  return t;
}

const model::NicPath* nic_of(const model::HopMap& map, const std::string& guest) {
  for (const auto& nic : map.nics) {
    if (nic.guest == guest) return &nic;
  }
  return nullptr;
}

const model::NicPath* nic_named(const model::HopMap& map, const std::string& guest, const std::string& nic) {
  for (const auto& n : map.nics) {
    if (n.guest == guest && n.nic == nic) return &n;
  }
  return nullptr;
}

std::pair<std::string, std::string> guest_end(const model::NicPath& nic) {
  const model::Hop* end = model::find_hop(nic, HopRole::guest_nic);
  return end ? std::pair{end->netns, end->device} : std::pair<std::string, std::string>{};
}

const model::NicPath* sending_nic(const model::HopMap& map, const std::string& guest, model::Ipv4 dst) {
  const model::NicPath* first = nic_of(map, guest);
  if (first == nullptr) return nullptr;
  auto [netns, device] = guest_end(*first);
  if (!netns.empty()) {  // a light guest: ask its kernel
    auto nl = host::Netlink::open(netns);
    auto route = nl ? nl->route_to(dst) : Result<host::RouteInfo>(nl.error());
    if (!route) return first;  // no route at all: the first NIC's path explains that
    for (const auto& n : map.nics) {
      if (n.guest != guest) continue;
      auto [ns, dev] = guest_end(n);
      if (ns == netns && dev == route->dev) return &n;
    }
    return first;
  }
  const model::NicPath* routed = nullptr;
  for (const auto& n : map.nics) {
    if (n.guest != guest) continue;
    auto cidr = model::Cidr::parse(n.address);
    if (cidr && cidr->contains(dst)) return &n;
    if (!routed && model::forwards(n.mode)) routed = &n;
  }
  return routed ? routed : first;
}

const model::NicPath* nic_with_address(const model::HopMap& map, model::Ipv4 ip) {
  for (const auto& nic : map.nics) {
    auto c = model::Cidr::parse(nic.address);
    if (c && c->address == ip) return &nic;
  }
  return nullptr;
}

std::string guest_with_address(const model::HopMap& map, model::Ipv4 ip) {
  const model::NicPath* nic = nic_with_address(map, ip);
  return nic ? nic->guest : std::string();
}

model::Ipv4 live_address(const std::string& netns, const std::string& device) {
  auto nl = host::Netlink::open(netns);
  if (!nl) return {};
  auto addrs = nl->list_addresses(device);
  if (!addrs || addrs->empty()) return {};
  return addrs->front().address;
}

Result<ProbeWatch> watch_probe(const LiveRequest& req, const std::string& host_ns, const std::string& filter,
                               const std::string& peer_guest, const std::vector<std::string>& matches, LiveResult* res) {
  // 1. Captures on the path (and the peer guest's path when the destination is a guest).
  LiveOptions lo;
  lo.filter = filter;
  lo.keep_frames = req.keep_frames;
  auto capture = LiveCapture::open(targets_for(req.hopmap, req.guest, peer_guest), lo);
  if (!capture) return capture.error();
  ProbeWatch watch{std::move(*capture), std::nullopt, std::nullopt};
  // 2. nft trace: the listener first, then the chain.
  bool lab_table = false;
  if (!host_ns.empty()) {
    auto nft = host::Nft::open(host_ns);
    lab_table = nft && nft->has_table("inet", model::nft_table_name(req.lab));
  }
  if (!lab_table) return watch;
  auto l = NftTraceListener::open(host_ns);
  if (l) watch.listener.emplace(std::move(*l));
  else res->warnings.push_back(l.error().message);
  auto c = TraceChain::add(host_ns, req.lab, matches);
  if (c) watch.chain.emplace(std::move(*c));
  else res->warnings.push_back(c.error().message);
  return watch;
}

void collect_capture(const model::HopMap& hopmap, LiveCapture* capture, LiveResult* res) {
  res->stats = capture->stats();
  for (const auto& s : capture->skipped()) res->warnings.push_back(s);
  for (size_t i = 0; i < res->stats.size(); ++i) {
    if (res->stats[i].dropped > 0) {
      res->warnings.push_back("libpcap dropped " + std::to_string(res->stats[i].dropped) + " frames on " +
                              capture->targets()[i].netns + "/" + capture->targets()[i].device);
    }
  }
  res->set = capture->take(hopmap);
  res->packets = trace_capture_set(res->set);
}

void finish_rule_trace(const std::string& lab, const std::string& host_ns, std::optional<NftTraceListener>* listener,
                       std::optional<TraceChain>* chain, LiveResult* res) {
  if (*listener) {
    res->events = (*listener)->read();
    propagate_headers(&res->events);
    drop_own_chain_events(lab, &res->events);
  }
  if (*chain) {
    Status st = (*chain)->remove();
    if (!st) res->warnings.push_back("removing the trace chain: " + st.error().message);
  }
  if (*listener && (*listener)->lost()) res->warnings.push_back("some nft trace events were lost (socket buffer full)");
  if (!res->events.empty()) {
    auto index = ruleset_index(host_ns);
    if (index) annotate_rules(*index, &res->events);
  }
}

namespace {

/// Phase 5: conntrack entries of the probe in the host namespace.
void probe_conntrack(const LiveRequest& req, const std::string& host_ns, LiveResult* res) {
  if (host_ns.empty() || res->src.value == 0) return;
  CtFilter f;
  f.proto = ip_proto(req.spec);
  f.src = res->src;
  f.dst = req.dst;
  f.dport = req.spec.port;
  auto ct = conntrack_entries(host_ns, f);
  if (ct) res->conntrack = *ct;
  else res->warnings.push_back(ct.error().message);
}

}  // namespace

void learn_probe_ids(const CaptureSet& set, const std::vector<TracedPacket>& packets, ProbeOutcome* probe) {
  if (probe->echo_id != 0 || probe->sport != 0) return;
  for (const auto& p : packets) {
    if (p.leg != model::Leg::request) continue;
    for (const auto& h : p.hops) {
      if (h.record < 0 || static_cast<size_t>(h.record) >= set.records.size()) continue;
      const PacketRecord& r = set.records[static_cast<size_t>(h.record)];
      if ((r.flags & kFlagIcmp) != 0 && (r.flags & kFlagIcmpError) == 0) {
        probe->echo_id = r.icmp_id;
        return;
      }
      if ((r.flags & (kFlagTcp | kFlagUdp)) != 0) {
        probe->sport = r.sport;
        return;
      }
      break;  // not the probe's kind (ARP): the next packet
    }
  }
}

namespace {

/// Phase 6: correlate the captures, label the packets, gather the path's facts and explain.
void correlate_and_explain(const LiveRequest& req, const model::NicPath& nic, LiveCapture* capture, LiveResult* res) {
  collect_capture(req.hopmap, capture, res);
  learn_probe_ids(res->set, res->packets, &res->probe);
  res->facts = gather_facts(req.lab, nic, req.dst, &res->warnings);
  if (const model::Hop* tap = model::find_hop(nic, HopRole::tap); tap && res->facts.guest_netns.empty()) {
    res->facts.guest_netns = tap->netns;  // a kvm guest: the host sees its end of the path at its tap
    res->facts.guest_device = tap->device;
  }
  ExplainInput in;
  in.lab = req.lab;
  in.nic = nic;
  in.src = res->src;
  in.dst = req.dst;
  in.spec = req.spec;
  in.probe = res->probe;
  in.facts = res->facts;
  in.events = res->events;
  in.conntrack = res->conntrack;
  if (const model::NicPath* peer = nic_with_address(req.hopmap, req.dst)) in.peer = *peer;
  explain(in, &res->packets);
  res->conversation = converse(res->packets, res->set, {.waited_ms = req.timeout_ms, .reject_rule = reject_rule(in)});
}

/// Phase 7: OVN's logical view of the probe (ovn_logical.h), with the destination
/// MAC the guest really used (its first request as captured on its NIC).
void add_ovn_logical_view(const LiveRequest& req, const model::NicPath& nic, LiveResult* res) {
  std::string eth_dst;
  for (const auto& p : res->packets) {
    if (p.leg != Leg::request || p.hops.empty() || p.hops.front().record < 0) continue;
    const PacketRecord& r = res->set.records[static_cast<size_t>(p.hops.front().record)];
    if (p.hops.front().role == HopRole::guest_nic && r.l3 == L3::kIpv4 && r.has(kFlagHasL2) && !r.has(kFlagNoL2Dst)) {
      eth_dst = format_mac(r.l2_dst);
      break;
    }
  }
  res->logical = ovn_logical_view(req.lab, req.hopmap, nic, res->src, req.dst, req.spec, eth_dst, &res->warnings);
  if (res->logical) apply_logical_causes(*res->logical, &res->packets);
}

}  // namespace

namespace {

/// The NIC an inbound trace explains: the forward's guest's, else the first on a masquerading network.
const model::NicPath* inbound_nic(const model::HopMap& map, const Inbound& inbound) {
  if (!inbound.guest.empty()) return nic_named(map, inbound.guest, inbound.nic);
  for (const auto& n : map.nics)
    if (model::masquerades(n.mode)) return &n;
  return nullptr;
}

/// Whether SIGINT, SIGTERM or SIGHUP waits (SignalHold holds them): a ^C ends
/// a waiting inbound trace early; it then finishes, its chain removed, before
/// the signal is delivered.
bool stop_signal_pending() {
  sigset_t pending;
  if (sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGHUP) == 1;
}

/// Reads `capture` until `end`, or until `done` (asked after every read of at
/// most 100 ms; empty = never) says so: the wait of every passive trace.
void capture_until(LiveCapture* capture, std::chrono::steady_clock::time_point end, const std::function<bool()>& done) {
  while (!(done && done())) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    capture->poll(static_cast<int>(std::min<long long>(left, 100)));
  }
}

model::Ipv4 record_ipv4(const uint8_t* a) {
  return model::Ipv4{(uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | uint32_t{a[3]}};
}

/// The first record of target `target` from `skip` on that is a request to
/// dst and the published port; nullptr when none came yet (*skip then moves past what was looked at).
const PacketRecord* inbound_request(const LiveCapture& capture, size_t target, model::Ipv4 dst, uint8_t proto,
                                    uint16_t port, size_t* skip) {
  const auto& recs = capture.records(target);
  for (; *skip < recs.size(); ++*skip) {
    const PacketRecord& r = recs[*skip];
    if (r.l3 == L3::kIpv4 && r.proto == proto && r.dport == port && record_ipv4(r.dst) == dst) return &r;
  }
  return nullptr;
}

/// Whether target `target` has carried anything to `client` (the answer to its request, an error, a reset).
bool answered_to(const LiveCapture& capture, size_t target, model::Ipv4 client) {
  for (const auto& r : capture.records(target))
    if (r.l3 == L3::kIpv4 && record_ipv4(r.dst) == client) return true;
  return false;
}

/// Keeps the records of `set` that carry `client` as their source or
/// destination: a waiting trace's filter cannot name the client it has not
/// seen yet, so other clients' packets are left out afterwards.
void keep_client(CaptureSet* set, model::Ipv4 client) {
  std::erase_if(set->records, [&](const PacketRecord& r) {
    return r.l3 != L3::kIpv4 || (record_ipv4(r.src) != client && record_ipv4(r.dst) != client);
  });
}

/// Waits for the next request from outside to req.dst and the published port
/// (LiveRequest::wait_inbound), then for its answer; fills res->src and
/// res->probe.sport from what came, or leaves res->src 0 when nothing came.
void wait_for_inbound(const LiveRequest& req, const model::NicPath& nic, LiveCapture* capture, LiveResult* res) {
  const model::Hop* uplink = model::find_hop(nic, HopRole::uplink);
  size_t target = 0;
  for (size_t i = 0; i < capture->targets().size(); ++i)
    if (uplink && capture->targets()[i].netns == uplink->netns && capture->targets()[i].device == uplink->device) target = i;
  size_t skip = 0;
  const PacketRecord* first = nullptr;
  capture_until(capture, std::chrono::steady_clock::now() + std::chrono::milliseconds(req.timeout_ms), [&] {
    first = inbound_request(*capture, target, req.dst, ip_proto(req.spec), req.spec.port, &skip);
    return first != nullptr || stop_signal_pending();
  });
  if (first == nullptr) return;
  res->src = record_ipv4(first->src);
  res->probe.sport = first->sport;
  const model::Ipv4 client = res->src;
  capture_until(capture, std::chrono::steady_clock::now() + std::chrono::milliseconds(kInboundAnswerMs),
                [&] { return answered_to(*capture, target, client) || stop_signal_pending(); });
  capture->drain(300, 3000);  // the rest of the exchange: ACK, data and its answer, FIN
}

/// A trace from upstream to a port published on the uplink's address
/// (LiveRequest::inbound): a probe sent from the sandbox's upstream namespace,
/// or (wait_inbound) the next request from outside, seen as it comes.
Result<LiveResult> trace_inbound(const LiveRequest& req) {
  const Inbound& ib = *req.inbound;
  const model::NicPath* nic = inbound_nic(req.hopmap, ib);
  if (nic == nullptr) return Error{"lab " + req.lab + " has no nat network, so nothing is published on its uplink"};
  const model::Hop* up = model::find_hop(*nic, HopRole::upstream);
  if (!req.wait_inbound && (up == nullptr || up->netns.empty()))
    return Error{"lab " + req.lab + " has no upstream namespace to send from (only a sandbox has one): "
                 "wait for a request from outside instead (--passive)"};
  LiveResult res;
  res.nic = *nic;
  res.passive = req.wait_inbound;
  if (!req.wait_inbound) {
    // The probe's source: upstream's address on the uplink's subnet (the kernel picks it for dst).
    if (auto nl = host::Netlink::open(up->netns)) {
      if (auto addrs = nl->list_addresses(up->device))
        for (const auto& a : *addrs)
          if (a.contains(req.dst)) res.src = a.address;
    }
    if (res.src.value == 0) res.src = live_address(up->netns, up->device);
  }
  const std::string host_ns = point_netns(*nic);

  LiveOptions lo;
  const std::string l4 = req.spec.proto == ProbeProto::kUdp ? "udp" : "tcp";
  const std::string port = std::to_string(req.spec.port), to_port = std::to_string(ib.to_port);
  if (req.wait_inbound) {
    // The client is not known yet: the request to the published port and its
    // answer on the uplink, the forwarded request and its answer on the guest's side.
    lo.filter = "(dst host " + req.dst.str() + " and " + l4 + " dst port " + port + ") or (src host " +
                req.dst.str() + " and " + l4 + " src port " + port + ")" +
                (ib.guest.empty() ? "" : " or (host " + ib.guest_ip.str() + " and " + l4 + " port " + to_port + ")") +
                " or icmp";
  } else {
    // Every packet of the exchange has the upstream address on one side; DNAT changes the other.
    lo.filter = "host " + res.src.str() + " and (" + l4 + " port " + port + (ib.to_port ? " or " + l4 + " port " + to_port : "") +
                " or icmp)";
  }
  lo.keep_frames = req.keep_frames;
  auto capture = LiveCapture::open(targets_for(req.hopmap, nic->guest, ""), lo);
  if (!capture) return capture.error();

  // The rule trace and conntrack in the host namespace: "" with wait_inbound is
  // a real host, the namespace netlab runs in.
  const bool host_known = !host_ns.empty() || req.wait_inbound;
  std::optional<NftTraceListener> listener;
  std::optional<TraceChain> chain;
  if (host_known) {
    auto l = NftTraceListener::open(host_ns);
    if (l) listener.emplace(std::move(*l));
    else res.warnings.push_back(l.error().message);
    std::vector<std::string> matches{req.wait_inbound ? "ip daddr " + req.dst.str() + " " + l4 + " dport " + port
                                                      : probe_nft_match(req.spec, res.src, req.dst, false)};
    if (!ib.guest.empty())
      matches.push_back("ip saddr " + ib.guest_ip.str() + (req.wait_inbound ? "" : " ip daddr " + res.src.str()) + " " +
                        l4 + " sport " + to_port);
    auto c = TraceChain::add(host_ns, req.lab, matches);
    if (c) chain.emplace(std::move(*c));
    else res.warnings.push_back(c.error().message);
  }

  capture->poll(0);
  if (req.wait_inbound) {
    if (req.on_capturing) req.on_capturing(capture->targets().size());
    wait_for_inbound(req, *nic, &*capture, &res);
  } else {
    auto probe = send_probe(up->netns, req.spec, req.dst, probe_nonce(), req.timeout_ms);
    if (!probe) return probe.error();
    res.probe = *probe;
    capture->drain(30, 300);
  }

  finish_rule_trace(req.lab, host_ns, &listener, &chain, &res);
  if (res.src.value == 0) {  // waited, and nothing came
    res.stats = capture->stats();
    res.set = capture->take(req.hopmap);
    res.set.records.clear();
    res.events.clear();
    res.conversation.outcome = "no request to " + req.dst.str() + " " + l4 + "/" + port + " came within " +
                               fmt::format("{:g}", req.timeout_ms / 1000.0) + " s";
    return res;
  }
  if (host_known) {
    CtFilter f{ip_proto(req.spec), res.src, req.dst, req.spec.port};
    auto ct = conntrack_entries(host_ns, f);
    if (ct) res.conntrack = *ct;
    else res.warnings.push_back(ct.error().message);
  }
  res.stats = capture->stats();
  res.set = capture->take(req.hopmap);
  if (req.wait_inbound) keep_client(&res.set, res.src);
  res.packets = trace_capture_set(res.set);
  res.facts = gather_facts(req.lab, *nic, res.src, &res.warnings);
  gather_inbound_facts(req.lab, host_ns, *nic, req.spec, ib, &res.facts, &res.warnings);
  ExplainInput in;
  in.lab = req.lab;
  in.nic = *nic;
  in.src = res.src;
  in.dst = req.dst;
  in.spec = req.spec;
  in.probe = res.probe;
  in.facts = res.facts;
  in.events = res.events;
  in.conntrack = res.conntrack;
  in.inbound = ib;
  explain(in, &res.packets);
  const int waited_ms = req.wait_inbound ? kInboundAnswerMs : req.timeout_ms;
  res.conversation = converse(res.packets, res.set, {.waited_ms = waited_ms, .reject_rule = reject_rule(in)});
  res.conversation.outcome = inbound_outcome(in, res.packets, res.conversation);
  return res;
}

}  // namespace

bool inbound_waits(const model::HopMap& map, const Inbound& inbound, bool passive_asked) {
  if (passive_asked) return true;
  const model::NicPath* nic = inbound_nic(map, inbound);
  const model::Hop* up = nic ? model::find_hop(*nic, HopRole::upstream) : nullptr;
  return up == nullptr || up->netns.empty();
}

Result<LiveResult> trace_live(const LiveRequest& req) {
  SignalHold hold;  // declared first: released last, after the trace chain is gone
  if (req.inbound) return trace_inbound(req);
  if (req.dst6) return trace_live6(req);
  if (nic_of(req.hopmap, req.guest) == nullptr) return Error{"lab " + req.lab + " has no guest named " + req.guest};
  const model::NicPath* nic =
      req.nic.empty() ? sending_nic(req.hopmap, req.guest, req.dst) : nic_named(req.hopmap, req.guest, req.nic);
  if (nic == nullptr) return Error{"guest " + req.guest + " of lab " + req.lab + " has no NIC named " + req.nic};
  LiveResult res;
  res.nic = *nic;
  auto [guest_ns, guest_dev] = guest_end(*nic);
  std::optional<InjectTarget> inject;  // a kvm guest without a running VM: frames go in through its tap
  bool from_vm = false;                // a kvm guest whose VM runs: the probe is a command inside it
  const std::string host_ns = point_netns(*nic);
  if (!guest_ns.empty()) {
    res.src = live_address(guest_ns, guest_dev);
  } else if (req.vm && req.vm->state == "running") {
    if (req.spec.proto == ProbeProto::kUdp) return vm_probe_argv(req.spec, req.dst.str(), req.timeout_ms).error();
    from_vm = true;
    if (auto cidr = vm_nic_address(req.lab, *nic)) res.src = cidr->address;  // else 0: the VM has no lease
  } else {
    auto made = inject_target(req, *nic);
    if (!made) return made.error();
    inject = *made;
    res.src = inject->guest_ip;
  }

  // 1. and 2. Captures on the path, and the nft trace.
  std::string filter = probe_bpf_filter(req.spec, req.dst);
  if (has_tunnel_hops(req.hopmap)) filter = tunnel_bpf_filter(filter, req.dst);  // the probe inside tunnels too
  std::vector<std::string> matches;
  if (res.src.value != 0) matches.push_back(probe_nft_match(req.spec, res.src, req.dst, false));
  matches.push_back(probe_nft_match(req.spec, res.src, req.dst, true));
  auto watch = watch_probe(req, host_ns, filter, guest_with_address(req.hopmap, req.dst), matches, &res);
  if (!watch) return watch.error();
  LiveCapture* capture = &watch->capture;

  // 3. The probe, from inside the guest; the path's netem drop counters around it.
  std::vector<NetemHop> netem = read_netem_hops(*nic);
  capture->poll(0);
  const uint32_t nonce = probe_nonce();
  const uint64_t sent_ns = capture_clock_ns();
  auto probe = from_vm  ? vm_send_probe(*req.vm, req.guest, req.spec, req.dst.str(), req.timeout_ms)
               : inject ? inject_probe(*inject, req.spec, req.dst, nonce, req.timeout_ms)
                        : send_probe(guest_ns, req.spec, req.dst, nonce, req.timeout_ms);
  if (!probe) return probe.error();
  res.probe = *probe;
  capture->drain(30, 300);
  reread_netem_drops(&netem);

  finish_rule_trace(req.lab, host_ns, &watch->listener, &watch->chain, &res);  // 4.
  probe_conntrack(req, host_ns, &res);                                           // 5.
  correlate_and_explain(req, *nic, capture, &res);                              // 6.
  // A probe written into a tap or run inside a VM has no send time of ours to measure from.
  annotate_netem(netem, inject || from_vm ? 0 : sent_ns, &res.packets);
  add_ovn_logical_view(req, *nic, &res);  // 7. an OVN lab: the logical view beside the physical hops
  return res;
}

Result<LiveResult> trace_passive(const PassiveRequest& req) {
  std::vector<CaptureTarget> targets;
  for (const auto& nic : req.hopmap.nics) {
    for (const auto& t : targets_for(req.hopmap, nic.guest, "")) {
      if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
    }
  }
  if (targets.empty()) return Error{"the hop map of " + req.lab + " lists no device"};
  LiveOptions lo;
  lo.filter = req.filter;
  lo.keep_frames = req.keep_frames;
  lo.immediate = false;  // real traffic can be heavy, and nothing waits on a single frame here
  auto capture = LiveCapture::open(targets, lo);
  if (!capture) return capture.error();
  if (req.on_capturing) req.on_capturing(targets.size());
  capture_until(&*capture, std::chrono::steady_clock::now() + std::chrono::milliseconds(req.duration_ms), {});
  capture->drain(10, 100);
  LiveResult res;
  res.stats = capture->stats();
  res.set = capture->take(req.hopmap);
  res.packets = trace_capture_set(res.set);
  return res;
}

}  // namespace netlab::tracer
