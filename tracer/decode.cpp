#include "tracer/decode.h"

#include <cstring>

#include "tracer/tunnel.h"

namespace netlab::tracer {
namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint16_t kEthVlan = 0x8100;
constexpr uint16_t kEthQinQ = 0x88a8;
constexpr uint16_t kEthQinQOld = 0x9100;

constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoIcmpv6 = 58;

// Linux packet types (linux/if_packet.h).
constexpr uint8_t kPacketOutgoing = 4;

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kP3 = 0x165667B19E3779F9ULL;

Direction direction_from_pkttype(uint16_t pkttype) {
  return pkttype == kPacketOutgoing ? Direction::out : Direction::in;
}

/// A bounded view of the remaining bytes of a frame.
struct Cursor {
  const uint8_t* p;
  uint32_t n;
};

void decode_dns(const uint8_t* p, uint32_t n, PacketRecord* rec) {
  if (n < 12) return;
  rec->dns_id = be16(p);
  rec->dns_qr = (p[2] >> 7) & 1;
  uint16_t qdcount = be16(p + 4);
  rec->flags |= kFlagDns;
  if (qdcount == 0) return;
  // First question name: labels, no compression expected in the question.
  uint32_t off = 12;
  size_t out = 0;
  uint8_t lower[256];
  size_t lower_len = 0;
  for (int labels = 0; labels < 128; ++labels) {
    if (off >= n) { rec->flags |= kFlagTruncated; break; }
    uint8_t len = p[off];
    if (len == 0) break;
    if (len > 63 || off + 1 + len > n) { rec->flags |= kFlagTruncated; break; }
    for (uint8_t i = 0; i < len; ++i) {
      uint8_t c = p[off + 1 + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
      if (lower_len < sizeof lower) lower[lower_len++] = c;
      if (out + 1 < sizeof rec->dns_name) {
        if (labels > 0 && i == 0) {
          rec->dns_name[out++] = '.';
          if (out + 1 >= sizeof rec->dns_name) continue;
        }
        rec->dns_name[out++] = (c >= 0x21 && c < 0x7f) ? static_cast<char>(c) : '?';
      }
    }
    if (lower_len < sizeof lower) lower[lower_len++] = '.';
    off += 1u + len;
  }
  rec->dns_name[out < sizeof rec->dns_name ? out : sizeof rec->dns_name - 1] = '\0';
  rec->dns_qname_hash = hash_bytes(lower, lower_len, 0x444e53);
}

void decode_dhcp(const uint8_t* p, uint32_t n, PacketRecord* rec) {
  if (n < 240) return;  // BOOTP fixed part + magic cookie
  rec->dhcp_op = p[0];
  rec->dhcp_xid = be32(p + 4);
  std::memcpy(rec->dhcp_yiaddr, p + 16, 4);
  rec->flags |= kFlagDhcp;
  if (be32(p + 236) != 0x63825363) return;
  uint32_t off = 240;
  while (off < n) {
    uint8_t code = p[off];
    if (code == 255) break;
    if (code == 0) { ++off; continue; }
    if (off + 1 >= n) break;
    uint8_t len = p[off + 1];
    if (off + 2 + len > n) { rec->flags |= kFlagTruncated; break; }
    if (code == 53 && len >= 1) { rec->dhcp_msg_type = p[off + 2]; break; }
    off += 2u + len;
  }
}

void set_payload(const uint8_t* p, uint32_t avail, uint32_t announced, PacketRecord* rec) {
  uint32_t len = announced < avail ? announced : avail;
  if (announced > avail) rec->flags |= kFlagTruncated;
  rec->l4_payload_len = static_cast<uint16_t>(announced > 0xffff ? 0xffff : announced);
  rec->payload_hash = hash_bytes(p, len, rec->proto);
}

bool is_icmp_error(uint8_t proto, uint8_t type) {
  if (proto == kProtoIcmp) return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  return type >= 1 && type <= 4;  // ICMPv6: unreachable, too big, time exceeded, parameter problem
}

/// The offset of the upper-layer header after the IPv6 header at `p` (40 plus
/// its extension headers: hop-by-hop, routing, destination options, a first
/// fragment), and that header's protocol in *proto. 0 when the headers run
/// past `n` bytes or a fragment is not the first (no upper-layer header).
uint32_t ipv6_upper_offset(const uint8_t* p, uint32_t n, uint8_t* proto) {
  uint8_t next = p[6];
  uint32_t off = 40;
  for (int i = 0; i < 8; ++i) {
    if (next == 0 || next == 43 || next == 60) {
      if (off + 8 > n) return 0;
      uint8_t nh = p[off];
      off += (uint32_t{p[off + 1]} + 1) * 8;
      next = nh;
    } else if (next == 44) {
      if (off + 8 > n || (be16(p + off + 2) & 0xfff8) != 0) return 0;
      next = p[off];
      off += 8;
    } else {
      break;
    }
  }
  if (off > n) return 0;
  *proto = next;
  return off;
}

/// The packet an ICMP error embeds, from `p` (after the 8-byte ICMP header):
/// its addresses, protocol, IP ID (IPv6: flow label) and ports into inner_*,
/// and the payload hash over what NAT does not rewrite (after the embedded L3
/// header, its extension headers and 8 bytes of L4).
void decode_icmp_error(const uint8_t* p, uint32_t n, uint32_t announced, PacketRecord* rec) {
  rec->flags |= kFlagIcmpError;
  uint32_t skip = 0;
  uint8_t proto = 0;
  if (rec->proto == kProtoIcmp) {
    if (n < 20 || (p[0] >> 4) != 4) return;  // keeps the hash of the whole ICMP payload
    skip = static_cast<uint32_t>(p[0] & 0x0f) * 4;
    proto = p[9];
    rec->inner_ip_id = be16(p + 4);
    std::memcpy(rec->inner_src, p + 12, 4);
    std::memcpy(rec->inner_dst, p + 16, 4);
  } else {
    if (n < 40 || (p[0] >> 4) != 6) return;
    rec->inner_ip_id = be32(p) & 0xfffff;
    std::memcpy(rec->inner_src, p + 8, 16);
    std::memcpy(rec->inner_dst, p + 24, 16);
    skip = ipv6_upper_offset(p, n, &proto);
    if (skip == 0) return;
  }
  rec->inner_proto = proto;
  if (skip + 4 <= n) {
    if (proto == kProtoTcp || proto == kProtoUdp) {
      rec->inner_sport = be16(p + skip);
      rec->inner_dport = be16(p + skip + 2);
    } else if (proto == kProtoIcmp || proto == kProtoIcmpv6) {
      if (skip + 6 <= n) rec->inner_sport = be16(p + skip + 4);  // the echo's id
    }
  }
  skip += 8;
  if (skip > n) skip = n;
  uint32_t rest = announced > skip ? announced - skip : 0;
  uint16_t full_len = rec->l4_payload_len;
  set_payload(p + skip, n - skip, rest, rec);
  rec->l4_payload_len = full_len;
}

/// L4 from `c`; `l4_len` is the L4 length the IP header announces.
void decode_l4(Cursor c, uint32_t l4_len, PacketRecord* rec) {
  switch (rec->proto) {
    case kProtoTcp: {
      if (c.n < 20) { rec->flags |= kFlagTruncated; return; }
      rec->sport = be16(c.p);
      rec->dport = be16(c.p + 2);
      rec->tcp_seq = be32(c.p + 4);
      rec->tcp_ack = be32(c.p + 8);
      uint32_t hl = static_cast<uint32_t>(c.p[12] >> 4) * 4;
      rec->tcp_flags = c.p[13] & 0x3f;
      rec->flags |= kFlagTcp;
      if (hl < 20 || hl > c.n) { rec->flags |= kFlagTruncated; return; }
      uint32_t announced = l4_len > hl ? l4_len - hl : 0;
      set_payload(c.p + hl, c.n - hl, announced, rec);
      return;
    }
    case kProtoUdp: {
      if (c.n < 8) { rec->flags |= kFlagTruncated; return; }
      rec->sport = be16(c.p);
      rec->dport = be16(c.p + 2);
      rec->flags |= kFlagUdp;
      uint32_t udp_len = be16(c.p + 4);
      if (udp_len < 8 || udp_len > l4_len) udp_len = l4_len;
      uint32_t announced = udp_len > 8 ? udp_len - 8 : 0;
      const uint8_t* pay = c.p + 8;
      uint32_t avail = c.n - 8;
      set_payload(pay, avail, announced, rec);
      uint32_t have = announced < avail ? announced : avail;
      if (is_tunnel_port(rec->dport) && decode_tunnel(pay, have, rec)) return;  // the inner frame replaces the outer
      if (rec->sport == 67 || rec->sport == 68 || rec->dport == 67 || rec->dport == 68) decode_dhcp(pay, have, rec);
      else if (rec->sport == 53 || rec->dport == 53 || rec->sport == 5353 || rec->dport == 5353)
        decode_dns(pay, have, rec);
      return;
    }
    case kProtoIcmp:
    case kProtoIcmpv6: {
      if (c.n < 4) { rec->flags |= kFlagTruncated; return; }
      rec->icmp_type = c.p[0];
      rec->icmp_code = c.p[1];
      rec->flags |= kFlagIcmp;
      if (c.n < 8) { rec->flags |= kFlagTruncated; return; }
      bool echo = rec->proto == kProtoIcmp ? (rec->icmp_type == 0 || rec->icmp_type == 8)
                                           : (rec->icmp_type == 128 || rec->icmp_type == 129);
      if (echo) {
        rec->icmp_id = be16(c.p + 4);
        rec->icmp_seq = be16(c.p + 6);
      }
      uint32_t announced = l4_len > 8 ? l4_len - 8 : 0;
      set_payload(c.p + 8, c.n - 8, announced, rec);
      if (rec->proto == kProtoIcmpv6 && (rec->icmp_type == 135 || rec->icmp_type == 136)) {
        if (c.n < 24) rec->flags |= kFlagTruncated;
        else std::memcpy(rec->inner_dst, c.p + 8, 16);  // nd_target()
      }
      if (is_icmp_error(rec->proto, rec->icmp_type)) decode_icmp_error(c.p + 8, c.n - 8, announced, rec);
      return;
    }
    default:
      set_payload(c.p, c.n, l4_len, rec);
      return;
  }
}

void decode_ipv4(Cursor c, PacketRecord* rec) {
  rec->l3 = L3::kIpv4;
  if (c.n < 20) { rec->flags |= kFlagTruncated; return; }
  uint32_t ihl = static_cast<uint32_t>(c.p[0] & 0x0f) * 4;
  uint32_t total = be16(c.p + 2);
  rec->ip_len = static_cast<uint16_t>(total);
  rec->ip_id = be16(c.p + 4);
  uint16_t frag = be16(c.p + 6);
  rec->ttl = c.p[8];
  rec->proto = c.p[9];
  std::memcpy(rec->src, c.p + 12, 4);
  std::memcpy(rec->dst, c.p + 16, 4);
  if (ihl < 20 || ihl > c.n) { rec->flags |= kFlagTruncated; return; }
  if (total < ihl) total = c.n;  // bogus length (e.g. TSO): trust the frame
  uint32_t l4_len = total - ihl;
  uint32_t avail = c.n - ihl;
  if (avail > l4_len) avail = l4_len;  // Ethernet padding
  if ((frag & 0x1fff) != 0) {
    rec->flags |= kFlagFragment;
    set_payload(c.p + ihl, avail, l4_len, rec);
    return;
  }
  decode_l4(Cursor{c.p + ihl, avail}, l4_len, rec);
}

void decode_ipv6(Cursor c, PacketRecord* rec) {
  rec->l3 = L3::kIpv6;
  if (c.n < 40) { rec->flags |= kFlagTruncated; return; }
  rec->ip_id = be32(c.p) & 0xfffff;  // flow label
  uint32_t plen = be16(c.p + 4);
  rec->ip_len = static_cast<uint16_t>(plen + 40 > 0xffff ? 0xffff : plen + 40);
  uint8_t next = c.p[6];
  rec->ttl = c.p[7];
  std::memcpy(rec->src, c.p + 8, 16);
  std::memcpy(rec->dst, c.p + 24, 16);
  uint32_t off = 40;
  uint32_t end = 40 + plen;
  if (plen == 0) end = c.n;  // jumbogram or TSO
  uint32_t avail_end = end < c.n ? end : c.n;
  for (int i = 0; i < 8; ++i) {
    if (next == 0 || next == 43 || next == 60) {  // hop-by-hop, routing, destination options
      if (off + 8 > avail_end) { rec->proto = next; rec->flags |= kFlagTruncated; return; }
      uint8_t nh = c.p[off];
      off += (uint32_t{c.p[off + 1]} + 1) * 8;
      next = nh;
    } else if (next == 44) {  // fragment
      if (off + 8 > avail_end) { rec->proto = next; rec->flags |= kFlagTruncated; return; }
      uint8_t nh = c.p[off];
      uint16_t fo = be16(c.p + off + 2) & 0xfff8;
      rec->ip_id = be32(c.p + off + 4);
      off += 8;
      next = nh;
      if (fo != 0) {
        rec->proto = next;
        rec->flags |= kFlagFragment;
        if (off <= avail_end) set_payload(c.p + off, avail_end - off, end > off ? end - off : 0, rec);
        return;
      }
    } else {
      break;
    }
  }
  rec->proto = next;
  if (off > avail_end) { rec->flags |= kFlagTruncated; return; }
  uint32_t l4_len = end > off ? end - off : 0;
  decode_l4(Cursor{c.p + off, avail_end - off}, l4_len, rec);
}

void decode_arp(Cursor c, PacketRecord* rec) {
  rec->l3 = L3::kArp;
  if (c.n < 8) { rec->flags |= kFlagTruncated; return; }
  uint8_t hlen = c.p[4];
  uint8_t plen = c.p[5];
  rec->arp_op = be16(c.p + 6);
  if (hlen != 6 || plen != 4) return;  // only Ethernet/IPv4 ARP carries addresses we keep
  if (c.n < 28) { rec->flags |= kFlagTruncated; return; }
  std::memcpy(rec->arp_sha, c.p + 8, 6);
  std::memcpy(rec->src, c.p + 14, 4);
  std::memcpy(rec->arp_tha, c.p + 18, 6);
  std::memcpy(rec->dst, c.p + 24, 4);
  rec->payload_hash = hash_bytes(c.p, 28, 0x0806);
}

/// L3 dispatch by ethertype, after any VLAN tags.
void decode_ethertype(uint16_t type, Cursor c, PacketRecord* rec) {
  for (int tags = 0; tags < 2 && (type == kEthVlan || type == kEthQinQ || type == kEthQinQOld); ++tags) {
    if (c.n < 4) { rec->flags |= kFlagTruncated; rec->ethertype = type; return; }
    if (!(rec->flags & kFlagVlan)) rec->vlan = be16(c.p) & 0x0fff;
    rec->flags |= kFlagVlan;
    type = be16(c.p + 2);
    c.p += 4;
    c.n -= 4;
  }
  rec->ethertype = type;
  switch (type) {
    case kEthIpv4: decode_ipv4(c, rec); return;
    case kEthIpv6: decode_ipv6(c, rec); return;
    case kEthArp: decode_arp(c, rec); return;
    default:
      rec->l3 = L3::kOther;
      rec->payload_hash = hash_bytes(c.p, c.n, type);
      return;
  }
}

}  // namespace

bool link_type_supported(uint32_t dlt) {
  return dlt == kLinkEthernet || dlt == kLinkRaw || dlt == 14 || dlt == 101 || dlt == kLinkLinuxSll ||
         dlt == kLinkLinuxSll2;
}

uint64_t hash_bytes(const uint8_t* data, size_t len, uint64_t seed) {
  uint64_t h = seed ^ (uint64_t{len} * kP1) ^ kP3;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h ^= rotl(w * kP2, 31) * kP1;
    h = rotl(h, 27) * kP1 + kP3;
  }
  if (i < len) {
    uint64_t w = 0;
    std::memcpy(&w, data + i, len - i);
    h ^= rotl(w * kP2, 31) * kP1;
    h = rotl(h, 27) * kP1 + kP3;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

void decode_frame(uint32_t dlt, const uint8_t* data, uint32_t caplen, uint32_t frame_len, PacketRecord* rec) {
  rec->caplen = caplen;
  rec->frame_len = frame_len;
  Cursor c{data, caplen};
  switch (dlt) {
    case kLinkEthernet: {
      if (c.n < 14) { rec->flags |= kFlagTruncated; return; }
      std::memcpy(rec->l2_dst, c.p, 6);
      std::memcpy(rec->l2_src, c.p + 6, 6);
      rec->flags |= kFlagHasL2;
      decode_ethertype(be16(c.p + 12), Cursor{c.p + 14, c.n - 14}, rec);
      return;
    }
    case kLinkLinuxSll: {
      if (c.n < 16) { rec->flags |= kFlagTruncated; return; }
      rec->dir = direction_from_pkttype(be16(c.p));
      uint16_t halen = be16(c.p + 4);
      if (be16(c.p + 2) == 1 && halen == 6) {  // ARPHRD_ETHER
        std::memcpy(rec->l2_src, c.p + 6, 6);
        rec->flags |= kFlagHasL2 | kFlagNoL2Dst;
      }
      decode_ethertype(be16(c.p + 14), Cursor{c.p + 16, c.n - 16}, rec);
      return;
    }
    case kLinkLinuxSll2: {
      if (c.n < 20) { rec->flags |= kFlagTruncated; return; }
      rec->dir = direction_from_pkttype(c.p[10]);
      if (be16(c.p + 8) == 1 && c.p[11] == 6) {
        std::memcpy(rec->l2_src, c.p + 12, 6);
        rec->flags |= kFlagHasL2 | kFlagNoL2Dst;
      }
      decode_ethertype(be16(c.p), Cursor{c.p + 20, c.n - 20}, rec);
      return;
    }
    case kLinkRaw:
    case 14:
    case 101: {
      if (c.n < 1) { rec->flags |= kFlagTruncated; return; }
      uint8_t version = c.p[0] >> 4;
      if (version == 4) { rec->ethertype = kEthIpv4; decode_ipv4(c, rec); }
      else if (version == 6) { rec->ethertype = kEthIpv6; decode_ipv6(c, rec); }
      else { rec->l3 = L3::kOther; rec->payload_hash = hash_bytes(c.p, c.n, 0); }
      return;
    }
    default:
      rec->l3 = L3::kOther;
      rec->payload_hash = hash_bytes(c.p, c.n, dlt);
      return;
  }
}

}  // namespace netlab::tracer
