#pragma once
// Decoding of captured frames into compact fixed-size records. Each frame is
// decoded once; everything after (correlation, labelling, output) works on the
// records. No allocation happens per frame.
#include <cstddef>
#include <cstdint>

#include "netlab/model/vocabulary.h"

namespace netlab::tracer {

/// Link types the decoder understands (values are libpcap DLT_* numbers).
enum LinkType : uint32_t {
  kLinkEthernet = 1,    // DLT_EN10MB
  kLinkRaw = 12,        // DLT_RAW (Linux value; LINKTYPE_RAW 101 and OpenBSD 14 are mapped to it)
  kLinkLinuxSll = 113,  // DLT_LINUX_SLL
  kLinkLinuxSll2 = 276, // DLT_LINUX_SLL2
};

/// Whether `dlt` (a libpcap DLT_* value) can be decoded.
bool link_type_supported(uint32_t dlt);

/// Direction of a frame relative to the device it was captured on (in, out), when
/// the capture says so (SLL/SLL2 packet type, pcapng epb_flags); unknown otherwise.
using model::Direction;

enum class L3 : uint8_t { kNone = 0, kArp = 1, kIpv4 = 2, kIpv6 = 3, kOther = 4 };

/// Bits of PacketRecord::flags.
enum RecordFlag : uint16_t {
  kFlagTruncated = 1 << 0,  // the frame ended before a header it announced
  kFlagFragment = 1 << 1,   // an IP fragment other than the first: no L4 header
  kFlagVlan = 1 << 2,       // an 802.1Q/802.1ad tag was present (vlan holds the outer id)
  kFlagDhcp = 1 << 3,       // dhcp_* fields are valid
  kFlagDns = 1 << 4,        // dns_* fields are valid
  kFlagIcmp = 1 << 5,       // icmp_* fields are valid (ICMP or ICMPv6)
  kFlagTcp = 1 << 6,        // tcp_* fields and ports are valid
  kFlagUdp = 1 << 7,        // ports are valid (UDP)
  kFlagHasL2 = 1 << 8,      // l2_dst/l2_src come from the frame (not DLT_RAW)
  kFlagNoL2Dst = 1 << 9,    // SLL/SLL2: only the source link address is known
  kFlagIcmpError = 1 << 10, // an ICMP/ICMPv6 error: inner_* describe the packet it answers
};

/// TCP flag bits as in the header.
enum TcpFlag : uint8_t { kTcpFin = 1, kTcpSyn = 2, kTcpRst = 4, kTcpPsh = 8, kTcpAck = 16, kTcpUrg = 32 };

/// One decoded frame. Trivially copyable, fixed size; addresses are raw bytes
/// (IPv4 in the first 4 bytes of src/dst, the rest zero).
struct PacketRecord {
  uint64_t t_ns = 0;            // capture time, ns since the epoch
  uint64_t payload_hash = 0;    // hash of the L4 payload (after TCP/UDP/ICMP header); of the L3 payload for other protocols
  uint64_t dns_qname_hash = 0;  // hash of the lower-cased first question name
  uint32_t frame = 0;           // index of the frame in its device's capture (0-based)
  uint32_t frame_len = 0;       // original length on the wire
  uint32_t caplen = 0;          // bytes captured
  uint32_t tcp_seq = 0;
  uint32_t tcp_ack = 0;
  uint32_t dhcp_xid = 0;
  uint32_t ip_id = 0;           // IPv4 identification; IPv6 flow label
  uint16_t device = 0;          // index of the device in the capture set
  uint16_t flags = 0;           // RecordFlag bits
  uint16_t ethertype = 0;       // after VLAN tags
  uint16_t vlan = 0;            // outer VLAN id (kFlagVlan)
  uint16_t ip_len = 0;          // IPv4 total length / IPv6 payload length + 40
  uint16_t l4_payload_len = 0;  // bytes of L4 payload (as announced by the headers, capped to the frame)
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint16_t icmp_id = 0;
  uint16_t icmp_seq = 0;
  uint16_t dns_id = 0;
  uint16_t arp_op = 0;
  Direction dir = Direction::unknown;
  L3 l3 = L3::kNone;
  uint8_t proto = 0;            // IP protocol / IPv6 next header after extension headers
  uint8_t ttl = 0;              // TTL / hop limit
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint8_t tcp_flags = 0;
  uint8_t dhcp_msg_type = 0;    // option 53 (1 discover .. 8 inform), 0 = BOOTP without it
  uint8_t dhcp_op = 0;          // 1 BOOTREQUEST, 2 BOOTREPLY
  uint8_t dns_qr = 0;           // 0 query, 1 response
  uint8_t l2_dst[6] = {};
  uint8_t l2_src[6] = {};
  uint8_t arp_sha[6] = {};      // ARP sender hardware address
  uint8_t arp_tha[6] = {};      // ARP target hardware address
  uint8_t src[16] = {};         // IP source, or ARP sender IP
  uint8_t dst[16] = {};         // IP destination, or ARP target IP
  uint8_t dhcp_yiaddr[4] = {};
  char dns_name[32] = {};       // first question name, dotted, NUL-terminated, cut at 31 bytes
  // kFlagIcmpError: the header the error embeds (the packet it answers). NAT
  // rewrites these like the outer header; payload_hash then covers only what
  // follows the embedded L4 header's first 8 bytes, which NAT leaves alone.
  // The embedded header's family is the outer one's (ICMP embeds IPv4, ICMPv6 IPv6).
  uint8_t inner_src[16] = {};   // IPv4 in the first 4 bytes, as src/dst
  uint8_t inner_dst[16] = {};
  uint32_t inner_ip_id = 0;     // IPv4 identification / IPv6 flow label of the embedded header
  uint16_t inner_sport = 0;     // TCP/UDP ports; for an embedded ICMP echo its id in inner_sport
  uint16_t inner_dport = 0;
  uint8_t inner_proto = 0;      // protocol of the embedded header after its extension headers (0 = none could be read)
  // A frame carried between hosts in a Geneve or VXLAN tunnel (tunnel.h): the
  // fields above describe the INNER frame, so it correlates with its sightings
  // on both hosts; these keep the outer header (IPv4 underlay).
  uint8_t tunnel = 0;           // TunnelKind (tunnel.h): 0 none, 1 Geneve, 2 VXLAN
  uint8_t tunnel_has_ovn = 0;   // 1 when the Geneve header carried OVN's option (class 0x0102, type 0x80)
  uint16_t tunnel_sport = 0;    // outer UDP source port (the flow's entropy)
  uint32_t tunnel_vni = 0;      // the 24-bit VNI (OVN: the logical datapath's tunnel key)
  uint32_t tunnel_ovn = 0;      // OVN's option: logical ingress port key << 16 | egress port key
  uint8_t tunnel_src[4] = {};   // outer IPv4 source and destination: the hosts' underlay addresses
  uint8_t tunnel_dst[4] = {};

  bool has(RecordFlag f) const { return (flags & f) != 0; }
  /// An ICMPv6 neighbour solicitation's or advertisement's target address (NDP,
  /// IPv6's ARP; 16 bytes). It is kept in inner_dst, which only errors use otherwise.
  const uint8_t* nd_target() const { return inner_dst; }
};

/// Decodes one frame of link type `dlt` into *rec. Fields the frame does not
/// carry stay zero; a frame cut short sets kFlagTruncated and keeps what was
/// decoded before the cut. Never reads outside [data, data+caplen). The caller
/// sets t_ns, device and frame; frame_len is the original length.
void decode_frame(uint32_t dlt, const uint8_t* data, uint32_t caplen, uint32_t frame_len, PacketRecord* rec);

/// The 64-bit hash used for payloads and DNS names (own xxhash-like mix of
/// 8-byte words; stable across runs and machines).
uint64_t hash_bytes(const uint8_t* data, size_t len, uint64_t seed = 0);

}  // namespace netlab::tracer
