// Decoder on hand-built frames: every link type, L2/L3/L4 kind, VLAN, IPv6,
// DHCP, DNS; and truncated or random frames never read out of bounds.
#include "tracer/decode.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "tests/unit/tracer/frames.h"

namespace netlab::tracer {
namespace {
using namespace testing;

PacketRecord decode(uint32_t dlt, const Bytes& f) {
  PacketRecord r;
  decode_frame(dlt, f.data(), static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size()), &r);
  return r;
}

uint32_t v4(const uint8_t* a) { return (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3]; }

TEST(Decode, EthernetIpv4IcmpEcho) {
  Bytes f = ether(0x01, 0x11, 0x0800);
  append(&f, ipv4(ip(192, 168, 100, 11), ip(203, 0, 113, 1), 1, icmp_echo(8, 77, 3, text("abcdefgh")), 64, 0x4242));
  PacketRecord r = decode(kLinkEthernet, f);
  EXPECT_EQ(r.l3, L3::kIpv4);
  EXPECT_EQ(r.ethertype, 0x0800);
  EXPECT_EQ(r.l2_dst[5], 0x01);
  EXPECT_EQ(r.l2_src[5], 0x11);
  EXPECT_EQ(v4(r.src), ip(192, 168, 100, 11));
  EXPECT_EQ(v4(r.dst), ip(203, 0, 113, 1));
  EXPECT_EQ(r.ttl, 64);
  EXPECT_EQ(r.ip_id, 0x4242u);
  EXPECT_EQ(r.proto, 1);
  EXPECT_TRUE(r.has(kFlagIcmp));
  EXPECT_EQ(r.icmp_type, 8);
  EXPECT_EQ(r.icmp_id, 77);
  EXPECT_EQ(r.icmp_seq, 3);
  EXPECT_EQ(r.l4_payload_len, 8);
  EXPECT_EQ(r.payload_hash, hash_bytes(reinterpret_cast<const uint8_t*>("abcdefgh"), 8, 1));
  EXPECT_FALSE(r.has(kFlagTruncated));
  EXPECT_EQ(r.dir, Direction::unknown);
}

TEST(Decode, PayloadHashIgnoresHeadersAndPadding) {
  // Same ICMP payload behind different addresses/TTL (what NAT does) hashes the same;
  // Ethernet padding after the IP packet is not payload.
  Bytes a = ether(1, 2, 0x0800);
  append(&a, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, icmp_echo(8, 1, 1, text("xyz")), 64));
  Bytes b = ether(3, 4, 0x0800);
  append(&b, ipv4(ip(203, 0, 113, 2), ip(10, 0, 0, 2), 1, icmp_echo(8, 9, 1, text("xyz")), 63));
  b.resize(b.size() + 20, 0);  // padding
  EXPECT_EQ(decode(kLinkEthernet, a).payload_hash, decode(kLinkEthernet, b).payload_hash);
  Bytes c = ether(1, 2, 0x0800);
  append(&c, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, icmp_echo(8, 1, 1, text("xyZ")), 64));
  EXPECT_NE(decode(kLinkEthernet, a).payload_hash, decode(kLinkEthernet, c).payload_hash);
}

TEST(Decode, TcpSegment) {
  Bytes f = ether(1, 2, 0x0800);
  append(&f, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 6, tcp(40000, 8080, 1000, 2000, kTcpPsh | kTcpAck, text("hello\n"))));
  PacketRecord r = decode(kLinkEthernet, f);
  ASSERT_TRUE(r.has(kFlagTcp));
  EXPECT_EQ(r.sport, 40000);
  EXPECT_EQ(r.dport, 8080);
  EXPECT_EQ(r.tcp_seq, 1000u);
  EXPECT_EQ(r.tcp_ack, 2000u);
  EXPECT_EQ(r.tcp_flags, kTcpPsh | kTcpAck);
  EXPECT_EQ(r.l4_payload_len, 6);
}

TEST(Decode, UdpDatagram) {
  Bytes f = ether(1, 2, 0x0800);
  append(&f, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 17, udp(5000, 6000, text("0123456789"))));
  PacketRecord r = decode(kLinkEthernet, f);
  ASSERT_TRUE(r.has(kFlagUdp));
  EXPECT_EQ(r.sport, 5000);
  EXPECT_EQ(r.dport, 6000);
  EXPECT_EQ(r.l4_payload_len, 10);
  EXPECT_FALSE(r.has(kFlagDns));
  EXPECT_FALSE(r.has(kFlagDhcp));
}

TEST(Decode, ArpRequestAndReply) {
  Bytes f = ether(0xff, 0x11, 0x0806);
  for (int i = 0; i < 5; ++i) f[static_cast<size_t>(i)] = 0xff;
  Bytes arp;
  put16(&arp, 1);
  put16(&arp, 0x0800);
  arp.push_back(6);
  arp.push_back(4);
  put16(&arp, 1);
  append(&arp, mac(0x11));
  put32(&arp, ip(192, 168, 100, 11));
  append(&arp, Bytes(6, 0));
  put32(&arp, ip(192, 168, 100, 1));
  append(&f, arp);
  PacketRecord r = decode(kLinkEthernet, f);
  EXPECT_EQ(r.l3, L3::kArp);
  EXPECT_EQ(r.arp_op, 1);
  EXPECT_EQ(r.arp_sha[5], 0x11);
  EXPECT_EQ(v4(r.src), ip(192, 168, 100, 11));
  EXPECT_EQ(v4(r.dst), ip(192, 168, 100, 1));
  EXPECT_FALSE(r.has(kFlagTruncated));
}

TEST(Decode, VlanTagsAreSkipped) {
  Bytes f = ether(1, 2, 0x0800, {0x0064, 0x00c8});
  f[12] = 0x88;  // outer tag 802.1ad
  f[13] = 0xa8;
  append(&f, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 17, udp(1, 2, text("v"))));
  PacketRecord r = decode(kLinkEthernet, f);
  EXPECT_TRUE(r.has(kFlagVlan));
  EXPECT_EQ(r.vlan, 100);
  EXPECT_EQ(r.ethertype, 0x0800);
  EXPECT_EQ(r.sport, 1);
}

TEST(Decode, LinuxSllAndSll2CarryDirection) {
  Bytes ipkt = ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, icmp_echo(8, 1, 1, text("p")));
  // SLL: pkttype 4 = outgoing
  Bytes sll;
  put16(&sll, 4);
  put16(&sll, 1);
  put16(&sll, 6);
  append(&sll, mac(0x33));
  put16(&sll, 0);
  put16(&sll, 0x0800);
  append(&sll, ipkt);
  PacketRecord r = decode(kLinkLinuxSll, sll);
  EXPECT_EQ(r.dir, Direction::out);
  EXPECT_EQ(r.l2_src[5], 0x33);
  EXPECT_TRUE(r.has(kFlagNoL2Dst));
  EXPECT_EQ(r.icmp_type, 8);
  // SLL2: pkttype 0 = to us
  Bytes sll2;
  put16(&sll2, 0x0800);
  put16(&sll2, 0);
  put32(&sll2, 7);  // ifindex
  put16(&sll2, 1);  // ARPHRD_ETHER
  sll2.push_back(0);
  sll2.push_back(6);
  append(&sll2, mac(0x44));
  put16(&sll2, 0);
  append(&sll2, ipkt);
  r = decode(kLinkLinuxSll2, sll2);
  EXPECT_EQ(r.dir, Direction::in);
  EXPECT_EQ(r.l2_src[5], 0x44);
  EXPECT_EQ(v4(r.dst), ip(10, 0, 0, 2));
  EXPECT_EQ(r.icmp_seq, 1);
}

TEST(Decode, RawIpv4AndIpv6) {
  PacketRecord r = decode(kLinkRaw, ipv4(ip(1, 2, 3, 4), ip(5, 6, 7, 8), 17, udp(9, 10, text("raw"))));
  EXPECT_EQ(r.l3, L3::kIpv4);
  EXPECT_FALSE(r.has(kFlagHasL2));
  EXPECT_EQ(r.dport, 10);
  EXPECT_TRUE(link_type_supported(101));
  EXPECT_FALSE(link_type_supported(105));
}

TEST(Decode, Ipv6WithExtensionHeaderAndIcmpv6Echo) {
  Bytes l4 = icmp_echo(128, 5, 6, text("v6"));
  Bytes hbh{58, 0, 0, 0, 0, 0, 0, 0};  // hop-by-hop, next = ICMPv6, 8 bytes
  Bytes f{0x60, 0x01, 0x23, 0x45};
  put16(&f, static_cast<uint16_t>(hbh.size() + l4.size()));
  f.push_back(0);   // next header: hop-by-hop
  f.push_back(255); // hop limit
  Bytes src(16, 0), dst(16, 0);
  src[0] = 0xfd; src[15] = 1;
  dst[0] = 0xfd; dst[15] = 2;
  append(&f, src);
  append(&f, dst);
  append(&f, hbh);
  append(&f, l4);
  Bytes e = ether(1, 2, 0x86dd);
  append(&e, f);
  PacketRecord r = decode(kLinkEthernet, e);
  EXPECT_EQ(r.l3, L3::kIpv6);
  EXPECT_EQ(r.proto, 58);
  EXPECT_EQ(r.ttl, 255);
  EXPECT_EQ(r.ip_id, 0x12345u);
  EXPECT_EQ(r.src[0], 0xfd);
  EXPECT_EQ(r.dst[15], 2);
  EXPECT_TRUE(r.has(kFlagIcmp));
  EXPECT_EQ(r.icmp_type, 128);
  EXPECT_EQ(r.icmp_id, 5);
  EXPECT_EQ(r.icmp_seq, 6);
}

TEST(Decode, DhcpSummary) {
  Bytes bootp(240, 0);
  bootp[0] = 2;  // BOOTREPLY
  bootp[4] = 0xde; bootp[5] = 0xad; bootp[6] = 0xbe; bootp[7] = 0xef;
  bootp[16] = 192; bootp[17] = 168; bootp[18] = 100; bootp[19] = 57;
  bootp[236] = 0x63; bootp[237] = 0x82; bootp[238] = 0x53; bootp[239] = 0x63;
  append(&bootp, Bytes{53, 1, 2, 255});  // offer
  Bytes f = ether(0xff, 1, 0x0800);
  append(&f, ipv4(ip(192, 168, 100, 1), ip(255, 255, 255, 255), 17, udp(67, 68, bootp)));
  PacketRecord r = decode(kLinkEthernet, f);
  ASSERT_TRUE(r.has(kFlagDhcp));
  EXPECT_EQ(r.dhcp_op, 2);
  EXPECT_EQ(r.dhcp_msg_type, 2);
  EXPECT_EQ(r.dhcp_xid, 0xdeadbeefu);
  EXPECT_EQ(r.dhcp_yiaddr[3], 57);
}

TEST(Decode, DnsSummary) {
  Bytes dns;
  put16(&dns, 0xabcd);
  put16(&dns, 0x0100);  // query, RD
  put16(&dns, 1);
  put16(&dns, 0);
  put16(&dns, 0);
  put16(&dns, 0);
  for (const char* label : {"Www", "Example", "ORG"}) {
    dns.push_back(static_cast<uint8_t>(std::strlen(label)));
    append(&dns, text(label));
  }
  dns.push_back(0);
  put16(&dns, 1);
  put16(&dns, 1);
  Bytes f = ether(1, 2, 0x0800);
  append(&f, ipv4(ip(10, 0, 0, 2), ip(10, 0, 0, 1), 17, udp(33333, 53, dns)));
  PacketRecord r = decode(kLinkEthernet, f);
  ASSERT_TRUE(r.has(kFlagDns));
  EXPECT_EQ(r.dns_id, 0xabcd);
  EXPECT_EQ(r.dns_qr, 0);
  EXPECT_STREQ(r.dns_name, "www.example.org");
  EXPECT_NE(r.dns_qname_hash, 0u);
}

TEST(Decode, NonFirstFragmentHasNoPorts) {
  Bytes f = ether(1, 2, 0x0800);
  append(&f, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 17, text("fragment-data"), 64, 99, 0x0010));
  PacketRecord r = decode(kLinkEthernet, f);
  EXPECT_TRUE(r.has(kFlagFragment));
  EXPECT_FALSE(r.has(kFlagUdp));
  EXPECT_EQ(r.sport, 0);
}

/// Every prefix of every frame kind, and random bytes, decode without reading
/// past the end (run under ASan/valgrind to see it) and mark short frames.
TEST(Decode, TruncatedAndMalformedFramesNeverCrash) {
  std::vector<std::pair<uint32_t, Bytes>> frames;
  Bytes e = ether(1, 2, 0x0800, {5});
  append(&e, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 6, tcp(1, 2, 3, 4, kTcpSyn, text("data"))));
  frames.emplace_back(kLinkEthernet, e);
  Bytes d = ether(1, 2, 0x0800);
  Bytes dns{0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 63};  // label length 63, then nothing
  append(&d, ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 17, udp(53, 53, dns)));
  frames.emplace_back(kLinkEthernet, d);
  Bytes v6 = ether(1, 2, 0x86dd);
  Bytes h6{0x60, 0, 0, 0, 0, 200, 44, 64};  // announces 200 bytes, fragment header next
  append(&h6, Bytes(32, 1));
  append(&v6, h6);
  frames.emplace_back(kLinkEthernet, v6);
  for (const auto& [dlt, frame] : frames) {
    for (size_t len = 0; len < frame.size(); ++len) {
      Bytes cut(frame.begin(), frame.begin() + static_cast<long>(len));  // exact-size heap buffer
      PacketRecord r;
      decode_frame(dlt, cut.data(), static_cast<uint32_t>(len), static_cast<uint32_t>(frame.size()), &r);
      if (len < 14) {
        EXPECT_TRUE(r.has(kFlagTruncated)) << "length " << len;
      }
    }
  }
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    Bytes junk(rng() % 200);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (junk.size() > 14 && i % 2 == 0) { junk[12] = 0x08; junk[13] = static_cast<uint8_t>(i % 4 == 0 ? 0x00 : 0x06); }
    for (uint32_t dlt : {kLinkEthernet, kLinkLinuxSll, kLinkLinuxSll2, kLinkRaw}) {
      PacketRecord r;
      decode_frame(dlt, junk.data(), static_cast<uint32_t>(junk.size()), static_cast<uint32_t>(junk.size()), &r);
    }
  }
}

TEST(Decode, RecordIsCompactAndTrivial) {
  static_assert(std::is_trivially_copyable_v<PacketRecord>);
  // 200 before the embedded header of an ICMPv6 error kept its IPv6 addresses (224),
  // then 20 more for a tunnelled frame's outer header (tunnel.h).
  EXPECT_LE(sizeof(PacketRecord), 248u);
}

}  // namespace
}  // namespace netlab::tracer
