#include "tracer/tunnel.h"

#include <fmt/format.h>

#include <cstring>

namespace netlab::tracer {
namespace {

constexpr uint16_t kProtoEthernet = 0x6558;  // Transparent Ethernet Bridging
constexpr uint16_t kProtoIpv4 = 0x0800;
constexpr uint16_t kProtoIpv6 = 0x86dd;
constexpr uint16_t kOvnOptionClass = 0x0102;
constexpr uint8_t kOvnOptionType = 0x80;

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t be24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[2]}; }
inline uint32_t be32(const uint8_t* p) { return (be24(p) << 8) | uint32_t{p[3]}; }

struct Outer {
  TunnelKind kind = TunnelKind::none;
  uint32_t vni = 0;
  bool has_ovn = false;
  uint32_t ovn = 0;
  uint32_t header = 0;  // bytes before the inner frame
  uint32_t dlt = kLinkEthernet;
};

/// Geneve (RFC 8926): ver(2) optlen(6) | O C rsvd | protocol(16) | VNI(24) rsvd(8) | options.
bool parse_geneve(const uint8_t* p, uint32_t n, Outer* o) {
  if (n < 8 || (p[0] >> 6) != 0) return false;
  const uint32_t opt_len = static_cast<uint32_t>(p[0] & 0x3f) * 4;
  if (8 + opt_len > n) return false;
  const uint16_t proto = be16(p + 2);
  if (proto == kProtoEthernet) o->dlt = kLinkEthernet;
  else if (proto == kProtoIpv4 || proto == kProtoIpv6) o->dlt = kLinkRaw;
  else return false;
  o->kind = TunnelKind::geneve;
  o->vni = be24(p + 4);
  for (uint32_t off = 8; off + 4 <= 8 + opt_len;) {  // class(16) type(8) rsvd(3) len(5, 4-byte words)
    const uint32_t data_len = static_cast<uint32_t>(p[off + 3] & 0x1f) * 4;
    if (off + 4 + data_len > 8 + opt_len) return false;
    if (be16(p + off) == kOvnOptionClass && p[off + 2] == kOvnOptionType && data_len >= 4) {
      o->has_ovn = true;
      o->ovn = be32(p + off + 4);
    }
    off += 4 + data_len;
  }
  o->header = 8 + opt_len;
  return true;
}

/// VXLAN (RFC 7348): flags (I = 0x08) | rsvd(24) | VNI(24) | rsvd(8), then an Ethernet frame.
bool parse_vxlan(const uint8_t* p, uint32_t n, Outer* o) {
  if (n < 8 || (p[0] & 0x08) == 0) return false;
  o->kind = TunnelKind::vxlan;
  o->vni = be24(p + 4);
  o->header = 8;
  return true;
}

std::string ip4(const uint8_t* a) { return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]); }

}  // namespace

bool decode_tunnel(const uint8_t* udp, uint32_t n, PacketRecord* rec) {
  if (rec->tunnel != 0 || rec->l3 != L3::kIpv4 || rec->has(kFlagFragment)) return false;
  Outer o;
  const bool ok = rec->dport == kGenevePort ? parse_geneve(udp, n, &o) : parse_vxlan(udp, n, &o);
  if (!ok || o.header >= n) return false;
  PacketRecord inner;
  inner.tunnel = static_cast<uint8_t>(o.kind);  // set first: a tunnel inside this one is not opened again
  decode_frame(o.dlt, udp + o.header, n - o.header, n - o.header, &inner);
  inner.t_ns = rec->t_ns;
  inner.frame = rec->frame;
  inner.device = rec->device;
  inner.dir = rec->dir;
  inner.caplen = rec->caplen;
  inner.frame_len = rec->frame_len;
  inner.tunnel = static_cast<uint8_t>(o.kind);
  inner.tunnel_vni = o.vni;
  inner.tunnel_has_ovn = o.has_ovn ? 1 : 0;
  inner.tunnel_ovn = o.ovn;
  inner.tunnel_sport = rec->sport;
  std::memcpy(inner.tunnel_src, rec->src, 4);
  std::memcpy(inner.tunnel_dst, rec->dst, 4);
  *rec = inner;
  return true;
}

std::string describe_tunnel(const PacketRecord& rec) {
  if (rec.tunnel == 0) return "";
  std::string s = fmt::format("{} {} \u2192 {} VNI {}", rec.tunnel == static_cast<uint8_t>(TunnelKind::geneve) ? "Geneve" : "VXLAN",
                              ip4(rec.tunnel_src), ip4(rec.tunnel_dst), rec.tunnel_vni);
  if (rec.tunnel_has_ovn)
    s += fmt::format(", OVN ports {} \u2192 {}", (rec.tunnel_ovn >> 16) & 0x7fff, rec.tunnel_ovn & 0xffff);
  return s;
}

void label_tunnel_hops(const std::vector<PacketRecord>& recs, TracedPacket* packet) {
  const Hop* before = nullptr;  // the device hop before this one
  for (Hop& h : packet->hops) {
    if (h.record < 0) continue;  // a point
    if (model::is_tunnel(h.role)) {
      const bool out = before == nullptr || before->netns == h.netns;
      h.role = out ? HopRole::tunnel_out : HopRole::tunnel_in;
      if (h.direction == Direction::unknown) h.direction = out ? Direction::out : Direction::in;
      const std::string outer = describe_tunnel(recs[static_cast<size_t>(h.record)]);
      if (!outer.empty()) h.change = h.change.empty() ? outer : outer + ", " + h.change;
    }
    before = &h;
  }
}

bool has_tunnel_hops(const model::HopMap& map) {
  for (const auto& nic : map.nics)
    for (const auto& hop : nic.hops)
      if (model::is_tunnel(hop.role)) return true;
  return false;
}

std::string tunnel_bpf_filter(const std::string& inner, model::Ipv4 host) {
  const std::string hex = fmt::format("0x{:08x}", host.value);
  // udp[42:4] and udp[46:4]: the inner IPv4 source and destination after the UDP (8),
  // VXLAN (8) and inner Ethernet (14) headers.
  return "(" + inner + ") or (udp dst port " + std::to_string(kVxlanPort) + " and (udp[42:4] = " + hex +
         " or udp[46:4] = " + hex + ")) or (geneve and (" + inner + "))";
}

}  // namespace netlab::tracer
