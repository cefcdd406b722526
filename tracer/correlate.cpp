#include "tracer/correlate.h"

#include <algorithm>
#include <cstring>

namespace netlab::tracer {
namespace {

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 31;
  return h;
}

inline uint32_t ipv4_of(const uint8_t* a) {
  return (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | uint32_t{a[3]};
}

bool is_echo_request(const PacketRecord& r) {
  return r.has(kFlagIcmp) && ((r.proto == 1 && r.icmp_type == 8) || (r.proto == 58 && r.icmp_type == 128));
}
bool is_echo_reply(const PacketRecord& r) {
  return r.has(kFlagIcmp) && ((r.proto == 1 && r.icmp_type == 0) || (r.proto == 58 && r.icmp_type == 129));
}

struct KeyRef {
  uint64_t key;
  uint64_t t;
  uint32_t idx;
};

/// Builds the paths of one correlation; holds the scratch buffers reused per packet.
class Builder {
 public:
  Builder(const CaptureSet& set, const HopGraph& graph, Correlation* out)
      : set_(set), graph_(graph), out_(out) {}

  void add_instance(std::vector<uint32_t>& inst) {
    const auto& recs = set_.records;
    // Where it entered: the earliest sighting; on a tie, an end of a path.
    size_t src = 0;
    for (size_t i = 1; i < inst.size(); ++i) {
      const auto& a = recs[inst[i]];
      const auto& b = recs[inst[src]];
      if (a.t_ns < b.t_ns || (a.t_ns == b.t_ns && is_end(a.device) && !is_end(b.device))) src = i;
    }
    const size_t src_node = recs[inst[src]].device;
    std::sort(inst.begin(), inst.end(), [&](uint32_t x, uint32_t y) {
      uint16_t dx = graph_.dist(src_node, recs[x].device), dy = graph_.dist(src_node, recs[y].device);
      if (dx != dy) return dx < dy;
      if (recs[x].t_ns != recs[y].t_ns) return recs[x].t_ns < recs[y].t_ns;
      return x < y;
    });
    PacketPath path;
    path.first_hop = static_cast<uint32_t>(out_->hops.size());
    for (size_t i = 0; i < inst.size(); ++i) {
      const auto& rec = recs[inst[i]];
      PathHop hop;
      hop.record = inst[i];
      hop.node = rec.device;
      hop.role = graph_.node(rec.device).role;
      hop.dir = rec.dir;
      if (i > 0) {
        const auto& prev = recs[inst[i - 1]];
        hop.prev_record = inst[i - 1];
        uint16_t ch = diff_records(prev, rec);
        int pt = -1;
        if (graph_.dist(prev.device, rec.device) != HopGraph::kFar) pt = graph_.point_between(prev.device, rec.device);
        if (pt >= 0) {
          PathHop point;
          point.record = inst[i];
          point.prev_record = inst[i - 1];
          point.node = static_cast<uint16_t>(pt);
          point.role = (ch & kChangeRewrite) ? HopRole::nat : HopRole::route;
          point.changes = ch;
          out_->hops.push_back(point);
        } else {
          hop.changes = ch;
        }
      }
      out_->hops.push_back(hop);
    }
    path.hop_count = static_cast<uint32_t>(out_->hops.size()) - path.first_hop;
    infer_directions(path);
    const auto& first = recs[inst.front()];
    path.leg = leg_of(first, graph_.node(first.device).role);
    find_drop(inst, &path);
    out_->paths.push_back(path);
  }

 private:
  bool is_end(uint16_t node) const {
    HopRole r = graph_.node(node).role;
    // A VM's tap (or macvtap) is its end of the path as the host sees it: the
    // frame it sends carries one timestamp at the tap and on the bridge.
    return model::is_path_end(r) || r == HopRole::tap || r == HopRole::macvtap;
  }

  void infer_directions(const PacketPath& path) {
    PathHop* hops = out_->hops.data() + path.first_hop;
    size_t n = path.hop_count;
    size_t center = n;
    for (size_t i = 0; i < n; ++i) {
      HopRole r = hops[i].role;
      if (model::is_switch(r) || model::is_point(r)) { center = i; break; }
    }
    if (center == n && n > 0 && model::on_guest_side(hops[0].role)) {
      // No bridge or point was seen (e.g. an OVS userspace datapath, whose bridge port sees
      // nothing it switches): the receiver's side starts where the path stops moving away
      // from the guest, i.e. where it crossed over to another NIC's path.
      for (size_t i = 1; i < n; ++i) {
        if (graph_.node(hops[i].node).depth <= graph_.node(hops[i - 1].node).depth) {
          center = i;
          break;
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      PathHop& h = hops[i];
      HopRole r = h.role;
      bool point = graph_.node(h.node).point;
      if (point) continue;
      if (model::is_switch(r)) {
        bool point_after = i + 1 < n && graph_.node(hops[i + 1].node).point;
        bool point_before = i > 0 && graph_.node(hops[i - 1].node).point;
        if (!point_after && !point_before && i > 0 && i + 1 < n) h.bridged_through = true;
        if (h.dir != Direction::unknown) continue;
        if (point_after) h.dir = Direction::in;
        else if (point_before) h.dir = Direction::out;
        else if (n > 1 && i + 1 == n) h.dir = Direction::in;  // went into the bridge, seen nowhere after
        else if (n > 1 && i == 0) h.dir = Direction::out;     // sent by the bridge device itself
        continue;
      }
      if (h.dir != Direction::unknown) continue;
      bool sender_side = i < center;
      bool end = model::is_path_end(r);
      bool port = model::is_guest_link(r) || r == HopRole::uplink;
      if (!end && !port) continue;
      if (sender_side) h.dir = end ? Direction::out : Direction::in;
      else h.dir = end ? Direction::in : Direction::out;
    }
  }

  static Leg leg_of(const PacketRecord& r, HopRole source_role) {
    if (is_echo_request(r)) return Leg::request;
    if (is_echo_reply(r)) return Leg::reply;
    // NDP: a router or neighbour solicitation asks, an advertisement answers.
    if (r.has(kFlagIcmp) && r.proto == 58 && (r.icmp_type == 133 || r.icmp_type == 135)) return Leg::request;
    if (r.has(kFlagIcmp)) return Leg::reply;  // errors answer something
    if (r.l3 == L3::kArp) return r.arp_op == 2 ? Leg::reply : Leg::request;
    if (r.has(kFlagDhcp)) return r.dhcp_op == 2 ? Leg::reply : Leg::request;
    if (r.has(kFlagDns)) return r.dns_qr ? Leg::reply : Leg::request;
    if (r.has(kFlagTcp)) {
      if ((r.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn) return Leg::request;
      if ((r.tcp_flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck)) return Leg::reply;
    }
    if (r.has(kFlagTcp) || r.has(kFlagUdp)) {  // the server is the side with the lower port
      if (r.sport < r.dport) return Leg::reply;
      if (r.sport > r.dport) return Leg::request;
    }
    return model::on_guest_side(source_role) || source_role == HopRole::unknown ? Leg::request : Leg::reply;
  }

  /// Where the packet should have arrived, as a node; -1 when that cannot be told.
  int expected_end(const std::vector<uint32_t>& inst) const {
    const auto& recs = set_.records;
    const auto& first = recs[inst.front()];
    const auto& last = recs[inst.back()];
    if (first.l3 == L3::kArp) {
      if (first.arp_op != 1) return -1;
      return graph_.guest_nic_of(ipv4_of(first.dst));
    }
    if (first.l3 == L3::kIpv6) return expected_end6(first, last);
    if (first.l3 != L3::kIpv4) return -1;
    uint32_t dst = ipv4_of(last.dst);
    if (dst >= 0xE0000000u) return -1;  // multicast, broadcast
    int guest = graph_.guest_nic_of(dst);
    if (guest >= 0) return guest;
    if (graph_.in_guest_subnet(dst)) return -1;  // the gateway or another local host
    if (!model::on_guest_side(graph_.node(first.device).role)) return -1;
    return graph_.outer_end(first.device);
  }

  /// expected_end for IPv6: a guest NIC's address (hop map `address6`), else
  /// for a packet a guest sent to a global address outside every guest
  /// prefix, the outermost captured device. A neighbour solicitation is
  /// multicast: where it should arrive is not told (its advertisement is).
  int expected_end6(const PacketRecord& first, const PacketRecord& last) const {
    const uint8_t* dst = last.dst;
    if (dst[0] == 0xff || (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80)) return -1;  // multicast, link-local
    int guest = graph_.guest_nic_of6(dst);
    if (guest >= 0) return guest;
    if (graph_.in_guest_subnet6(dst)) return -1;
    if (!model::on_guest_side(graph_.node(first.device).role)) return -1;
    return graph_.outer_end(first.device);
  }

  void find_drop(const std::vector<uint32_t>& inst, PacketPath* path) const {
    int end = expected_end(inst);
    if (end < 0 || !graph_.node(static_cast<size_t>(end)).captured) return;
    for (uint32_t i : inst) {
      if (set_.records[i].device == end) return;
    }
    path->dropped = true;
    path->drop_after_record = inst.back();
  }

  const CaptureSet& set_;
  const HopGraph& graph_;
  Correlation* out_;
};

}  // namespace

uint16_t diff_records(const PacketRecord& a, const PacketRecord& b) {
  uint16_t ch = 0;
  if (a.l3 == b.l3 && (a.l3 == L3::kIpv4 || a.l3 == L3::kIpv6)) {
    size_t len = a.l3 == L3::kIpv4 ? 4 : 16;
    if (std::memcmp(a.src, b.src, len) != 0) ch |= kChangeSrcIp;
    if (std::memcmp(a.dst, b.dst, len) != 0) ch |= kChangeDstIp;
    if (a.ttl != b.ttl) ch |= kChangeTtl;
    if ((a.has(kFlagTcp) || a.has(kFlagUdp)) && a.proto == b.proto) {
      if (a.sport != b.sport) ch |= kChangeSport;
      if (a.dport != b.dport) ch |= kChangeDport;
    }
    if (a.has(kFlagIcmp) && b.has(kFlagIcmp) && a.icmp_id != b.icmp_id) ch |= kChangeIcmpId;
    if (a.has(kFlagIcmpError) && b.has(kFlagIcmpError) &&
        (std::memcmp(a.inner_src, b.inner_src, len) != 0 || std::memcmp(a.inner_dst, b.inner_dst, len) != 0 ||
         a.inner_sport != b.inner_sport || a.inner_dport != b.inner_dport))
      ch |= kChangeInner;
  }
  if (a.has(kFlagHasL2) && b.has(kFlagHasL2)) {
    if (std::memcmp(a.l2_src, b.l2_src, 6) != 0) ch |= kChangeSrcMac;
    if (!a.has(kFlagNoL2Dst) && !b.has(kFlagNoL2Dst) && std::memcmp(a.l2_dst, b.l2_dst, 6) != 0) ch |= kChangeDstMac;
  }
  if (a.has(kFlagVlan) != b.has(kFlagVlan) || a.vlan != b.vlan) ch |= kChangeVlan;
  return ch;
}

uint64_t packet_identity(const PacketRecord& r, bool use_ip_id) {
  uint64_t h = mix(0x6e65746c6162ULL, static_cast<uint64_t>(r.l3));
  switch (r.l3) {
    case L3::kArp:
      h = mix(h, r.arp_op);
      h = mix(h, ipv4_of(r.src));
      h = mix(h, ipv4_of(r.dst));
      h = mix(h, r.payload_hash);
      return h;
    case L3::kIpv4:
    case L3::kIpv6:
      break;
    default:
      h = mix(h, r.ethertype);
      h = mix(h, r.payload_hash);
      return h;
  }
  h = mix(h, r.proto);
  h = mix(h, r.payload_hash);
  h = mix(h, r.l4_payload_len);
  if (use_ip_id && r.l3 == L3::kIpv4) h = mix(h, r.ip_id);
  if (r.has(kFlagFragment)) return mix(h, r.ip_id);
  if (r.has(kFlagTcp)) {
    h = mix(h, r.tcp_seq);
    h = mix(h, r.tcp_ack);
    h = mix(h, r.tcp_flags);
  } else if (r.has(kFlagIcmp)) {
    h = mix(h, (uint64_t{r.icmp_type} << 8) | r.icmp_code);
    h = mix(h, r.icmp_seq);
    // An error: the packet it answers, by what NAT keeps of its embedded header.
    if (r.has(kFlagIcmpError)) h = mix(h, (uint64_t{r.inner_proto} << 32) | r.inner_ip_id);
  }
  return h;
}

Correlation correlate(const CaptureSet& set, const HopGraph& graph, const CorrelateOptions& options) {
  Correlation out;
  const auto& recs = set.records;
  const size_t n = recs.size();
  std::vector<KeyRef> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i)
    keys.push_back({packet_identity(recs[i], options.use_ip_id), recs[i].t_ns, static_cast<uint32_t>(i)});
  std::sort(keys.begin(), keys.end(), [](const KeyRef& a, const KeyRef& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.t != b.t) return a.t < b.t;
    return a.idx < b.idx;
  });
  out.hops.reserve(n + n / 2);
  out.paths.reserve(n / 2 + 1);
  Builder builder(set, graph, &out);
  std::vector<uint32_t> inst;
  inst.reserve(64);
  std::vector<uint32_t> seen(set.devices.size(), 0);  // generation stamp per device
  uint32_t generation = 0;
  uint64_t inst_start = 0;
  auto flush = [&] {
    if (!inst.empty()) builder.add_instance(inst);
    inst.clear();
    ++generation;
  };
  for (size_t i = 0; i < n; ++i) {
    const KeyRef& k = keys[i];
    bool same_key = i > 0 && keys[i - 1].key == k.key;
    uint16_t dev = recs[k.idx].device;
    // A new packet starts with a new identity, when a device sees the identity
    // again (a retransmission), or when the sightings are too far apart.
    if (!same_key || seen[dev] == generation + 1 || k.t - inst_start > options.max_spread_ns) flush();
    if (inst.empty()) inst_start = k.t;
    seen[dev] = generation + 1;
    inst.push_back(k.idx);
  }
  flush();
  // Paths in the order their packets first appeared.
  std::vector<uint64_t> order(out.paths.size());
  for (size_t i = 0; i < out.paths.size(); ++i) {
    uint64_t t = UINT64_MAX;
    const auto& p = out.paths[i];
    for (uint32_t h = 0; h < p.hop_count; ++h) t = std::min(t, recs[out.hops[p.first_hop + h].record].t_ns);
    order[i] = t;
  }
  std::vector<uint32_t> idx(out.paths.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<uint32_t>(i);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return order[a] < order[b]; });
  std::vector<PacketPath> sorted;
  sorted.reserve(idx.size());
  for (uint32_t i : idx) sorted.push_back(out.paths[i]);
  out.paths = std::move(sorted);
  return out;
}

}  // namespace netlab::tracer
