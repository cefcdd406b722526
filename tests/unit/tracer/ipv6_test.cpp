// IPv6 in the offline tracer: the decoder on hand-built frames (ICMPv6 errors
// with extension headers in the embedded packet, neighbour discovery), and the
// correlator on a synthetic dual-stack path (an ICMPv6 echo routed without
// NAT, a request that stopped at the bridge, an error joined to the packet it
// answers, NDP legs).
#include <gtest/gtest.h>

#include "tests/unit/tracer/frames.h"
#include "tracer/correlate.h"
#include "tracer/decode.h"
#include "tracer/label.h"

namespace netlab::tracer {
namespace {
using namespace testing;

const Bytes kGuest = ip6({0xfd, 0x00, 0x00, 0x10}, 0x10);          // fd00:10::10
const Bytes kGateway = ip6({0xfd, 0x00, 0x00, 0x10}, 0x01);        // fd00:10::1
const Bytes kServer = ip6({0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00}, 1);  // 2001:db8:100::1
const Bytes kUpstream = ip6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0xff}, 1);  // 2001:db8:0:ff::1

PacketRecord decode(const Bytes& f) {
  PacketRecord r;
  decode_frame(kLinkEthernet, f.data(), static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size()), &r);
  return r;
}

Bytes echo6(uint8_t type, const Bytes& src, const Bytes& dst, uint8_t hop_limit, uint16_t id = 7) {
  Bytes f = ether(1, 2, 0x86dd);
  append(&f, ipv6(src, dst, 58, icmp_echo(type, id, 0, text("netlab-trace 7")), hop_limit));
  return f;
}

/// The UDP datagram the guest sent, as an ICMPv6 error embeds it: behind a
/// hop-by-hop options header (8 bytes), which the decoder must step over.
Bytes embedded_udp() {
  Bytes hbh{17, 0, 1, 4, 0, 0, 0, 0};  // next header UDP, length 0 (8 bytes), PadN
  append(&hbh, udp(40000, 9, text("netlab-trace 9")));
  return ipv6(kGuest, kServer, 0, hbh, 63, 0xabcde);
}

Bytes unreachable6(const Bytes& src, const Bytes& dst, uint8_t hop_limit) {
  Bytes icmp{1, 4, 0, 0, 0, 0, 0, 0};  // destination unreachable, port unreachable
  append(&icmp, embedded_udp());
  Bytes f = ether(1, 2, 0x86dd);
  append(&f, ipv6(src, dst, 58, icmp, hop_limit));
  return f;
}

TEST(DecodeIpv6, AnIcmpv6ErrorNamesThePacketItAnswersPastItsExtensionHeaders) {
  PacketRecord r = decode(unreachable6(kServer, kGuest, 62));
  EXPECT_FALSE(r.has(kFlagTruncated));
  ASSERT_TRUE(r.has(kFlagIcmpError));
  EXPECT_EQ(r.inner_proto, 17);
  EXPECT_EQ(r.inner_sport, 40000);
  EXPECT_EQ(r.inner_dport, 9);
  EXPECT_EQ(r.inner_ip_id, 0xabcdeu);  // the embedded flow label
  EXPECT_EQ(Bytes(r.inner_src, r.inner_src + 16), kGuest);
  EXPECT_EQ(Bytes(r.inner_dst, r.inner_dst + 16), kServer);
  EXPECT_EQ(summarize(r),
            "icmp6 port-unreachable 2001:db8:100::1 \u2192 fd00:10::10 about udp [fd00:10::10]:40000 \u2192 "
            "[2001:db8:100::1]:9");
}

TEST(DecodeIpv6, AnErrorCutInsideTheEmbeddedExtensionHeadersIsSafe) {
  Bytes f = unreachable6(kServer, kGuest, 62);
  for (size_t cut = 14; cut < f.size(); ++cut) {
    PacketRecord r;
    decode_frame(kLinkEthernet, f.data(), static_cast<uint32_t>(cut), static_cast<uint32_t>(f.size()), &r);
    if (cut < 14 + 40 + 8 + 40 + 8) {
      EXPECT_NE(r.inner_proto, 17) << cut;  // the embedded upper header was not reached yet
    }
  }
}

TEST(DecodeIpv6, NeighbourSolicitationCarriesItsTarget) {
  Bytes ns{135, 0, 0, 0, 0, 0, 0, 0};
  append(&ns, kGateway);
  append(&ns, Bytes{1, 1, 0x02, 0, 0, 0, 0, 2});  // source link-layer address option
  Bytes f = ether(0xff, 2, 0x86dd);
  append(&f, ipv6(kGuest, ip6({0xff, 0x02, 0, 0, 0, 0, 0, 0}, 1), 58, ns, 255));
  PacketRecord r = decode(f);
  EXPECT_EQ(Bytes(r.nd_target(), r.nd_target() + 16), kGateway);
  EXPECT_EQ(summarize(r), "icmp6 neighbor-solicitation fd00:10::10 \u2192 ff02::1 who-has fd00:10::1");
}

// g (guest-nic) - v (veth) - br (bridge) - route point - up (uplink) - wan (upstream), address6 fd00:10::10/64.
CaptureSet dual_stack_set() {
  CaptureSet set;
  model::NicPath p;
  p.guest = "g";
  p.nic = "eth0";
  p.mode = model::NetworkMode::nat;
  p.address = "10.0.0.2/24";
  p.address6 = "fd00:10::10/64";
  using model::HopRole;
  p.hops = {{HopRole::guest_nic, "g", "eth0"}, {HopRole::veth, "h", "v"},    {HopRole::bridge, "h", "br"},
            {HopRole::nat, "h", ""},           {HopRole::uplink, "h", "up"}, {HopRole::upstream, "w", "wan0"}};
  set.hopmap.lab = "v6";
  set.hopmap.nics.push_back(p);
  for (auto [ns, dev] : {std::pair{"g", "eth0"}, {"h", "v"}, {"h", "br"}, {"h", "up"}, {"w", "wan0"}})
    set.devices.push_back(Device{ns, dev, model::HopRole::unknown, "", kLinkEthernet});
  assign_roles(&set);
  return set;
}

void add(CaptureSet* set, uint16_t dev, uint64_t t, const Bytes& frame) {
  PacketRecord r = decode(frame);
  r.device = dev;
  r.t_ns = t;
  set->records.push_back(r);
}

TEST(CorrelateIpv6, AnEchoRoutedWithoutNatIsOnePathEachWay) {
  CaptureSet set = dual_stack_set();
  for (uint16_t d = 0; d < 5; ++d) add(&set, d, 1000 + d * 10, echo6(128, kGuest, kServer, d < 3 ? 64 : 63));
  for (uint16_t d = 0; d < 5; ++d) add(&set, 4 - d, 5000 + d * 10, echo6(129, kServer, kGuest, d < 2 ? 64 : 63));
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].leg, model::Leg::request);
  EXPECT_EQ(packets[0].summary, "icmp6 echo-request fd00:10::10 \u2192 2001:db8:100::1 id 7 seq 0");
  ASSERT_EQ(packets[0].hops.size(), 6u);
  const char* roles[] = {"guest-nic", "veth", "bridge", "route", "uplink", "upstream"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(model::to_string(packets[0].hops[i].role), roles[i]) << i;
  EXPECT_EQ(packets[0].hops[3].change.find("src"), std::string::npos);  // no NAT: addresses kept
  EXPECT_EQ(packets[0].hops[3].change.rfind("hop limit 64 \u2192 63", 0), 0u) << packets[0].hops[3].change;
  EXPECT_FALSE(packets[0].dropped);
  EXPECT_EQ(packets[1].leg, model::Leg::reply);
  ASSERT_EQ(packets[1].hops.size(), 6u);
  EXPECT_EQ(packets[1].hops.front().role, model::HopRole::upstream);
  EXPECT_EQ(packets[1].hops.back().role, model::HopRole::guest_nic);
  EXPECT_FALSE(packets[1].dropped);
}

TEST(CorrelateIpv6, ARequestThatStoppedAtTheBridgeIsDroppedThere) {
  CaptureSet set = dual_stack_set();
  for (uint16_t d = 0; d < 3; ++d) add(&set, d, 1000 + d * 10, echo6(128, kGuest, kServer, 64));
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].dropped);
  EXPECT_EQ(packets[0].drop_after, "h/br");
}

TEST(CorrelateIpv6, APacketToTheGuestsOwnPrefixIsNoDropWhenItStaysOnTheBridge) {
  CaptureSet set = dual_stack_set();
  for (uint16_t d = 0; d < 3; ++d) add(&set, d, 1000 + d * 10, echo6(128, kGuest, kGateway, 64));
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_FALSE(packets[0].dropped);
}

TEST(CorrelateIpv6, AnErrorIsJoinedToThePacketItAnswersAcrossTheRoute) {
  CaptureSet set = dual_stack_set();
  // Made by upstream, routed back to the guest: one reply path of 6 hops.
  for (uint16_t d = 0; d < 5; ++d) add(&set, 4 - d, 9000 + d * 10, unreachable6(kUpstream, kGuest, d < 2 ? 64 : 63));
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].leg, model::Leg::reply);
  EXPECT_EQ(packets[0].hops.size(), 6u);
  EXPECT_NE(packets[0].summary.find("about udp [fd00:10::10]:40000"), std::string::npos) << packets[0].summary;
  // Its identity is the embedded packet's (protocol, flow label, what follows the ports), not the outer addresses.
  PacketRecord a = decode(unreachable6(kUpstream, kGuest, 64));
  PacketRecord b = decode(unreachable6(kServer, kGuest, 64));
  EXPECT_EQ(packet_identity(a, true), packet_identity(b, true));
  Bytes other = unreachable6(kUpstream, kGuest, 64);
  other[other.size() - 1] ^= 1;  // another datagram's payload
  EXPECT_NE(packet_identity(decode(other), true), packet_identity(a, true));
}

TEST(CorrelateIpv6, NeighbourSolicitationAsksAndAdvertisementAnswers) {
  CaptureSet set = dual_stack_set();
  Bytes ns{135, 0, 0, 0, 0, 0, 0, 0};
  append(&ns, kGateway);
  Bytes na{136, 0, 0, 0, 0x60, 0, 0, 0};
  append(&na, kGateway);
  Bytes f1 = ether(0xff, 2, 0x86dd), f2 = ether(2, 1, 0x86dd);
  append(&f1, ipv6(kGuest, ip6({0xff, 0x02, 0, 0, 0, 0, 0, 0}, 1), 58, ns, 255));
  append(&f2, ipv6(kGateway, kGuest, 58, na, 255));
  add(&set, 0, 100, f1);
  add(&set, 1, 110, f1);
  add(&set, 1, 200, f2);
  add(&set, 0, 210, f2);
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].leg, model::Leg::request);
  EXPECT_EQ(packets[1].leg, model::Leg::reply);
  EXPECT_FALSE(packets[0].dropped);  // multicast: where it should arrive is not told
}

}  // namespace
}  // namespace netlab::tracer
