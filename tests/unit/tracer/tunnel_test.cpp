// Tunnels between hosts (tracer/tunnel.h) on synthesised frames: Geneve with
// and without OVN's option, VXLAN, cut and foreign headers, and a guest-to-guest
// packet across two hosts correlated through the tunnel with its outer header
// shown on the tunnel hops.
#include "tracer/tunnel.h"

#include <gtest/gtest.h>

#include "tests/unit/tracer/frames.h"
#include "tracer/correlate.h"
#include "tracer/label.h"
#include "tracer/output_text.h"

namespace netlab::tracer {
namespace {
using namespace testing;

uint32_t v4(const uint8_t* a) { return (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3]; }

PacketRecord decode(const Bytes& f) {
  PacketRecord r;
  decode_frame(kLinkEthernet, f.data(), static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size()), &r);
  return r;
}

/// The guest's frame: 10.70.0.101 -> 10.70.0.102, ICMP echo id 7 seq 1.
Bytes inner_frame(uint8_t ttl = 64) {
  Bytes f = ether(0x02, 0x01, 0x0800);
  append(&f, ipv4(ip(10, 70, 0, 101), ip(10, 70, 0, 102), 1, icmp_echo(8, 7, 1, text("netlab-trace 42")), ttl, 0x5151));
  return f;
}

/// A Geneve header (version 0) with VNI `vni`, `options` (whole 4-byte words) and protocol `proto`.
Bytes geneve(uint32_t vni, const Bytes& options, uint16_t proto = 0x6558, uint8_t version = 0) {
  Bytes b{static_cast<uint8_t>((version << 6) | (options.size() / 4)), 0};
  put16(&b, proto);
  put32(&b, vni << 8);
  append(&b, options);
  return b;
}

/// OVN's Geneve option: class 0x0102, type 0x80, 4 bytes: ingress port << 16 | egress port.
Bytes ovn_option(uint16_t inport, uint16_t outport) {
  Bytes b;
  put16(&b, 0x0102);
  b.push_back(0x80);
  b.push_back(1);  // one 4-byte word of data
  put32(&b, (uint32_t{inport} << 16) | outport);
  return b;
}

/// The outer frame on the underlay: 100.64.0.1 -> 100.64.0.2, UDP to `dport` around `tunnel` + `inner`.
Bytes outer(uint16_t dport, const Bytes& tunnel, const Bytes& inner) {
  Bytes payload = tunnel;
  append(&payload, inner);
  Bytes f = ether(0x22, 0x11, 0x0800);
  append(&f, ipv4(ip(100, 64, 0, 1), ip(100, 64, 0, 2), 17, udp(51000, dport, payload), 64, 0x0001));
  return f;
}

TEST(Tunnel, GeneveWithOvnOptionDecodesTheInnerPacketAndKeepsTheOuterHeader) {
  Bytes opts = ovn_option(1, 2);
  PacketRecord r = decode(outer(kGenevePort, geneve(5, opts), inner_frame()));
  EXPECT_EQ(r.tunnel, static_cast<uint8_t>(TunnelKind::geneve));
  EXPECT_EQ(r.tunnel_vni, 5u);
  EXPECT_EQ(r.tunnel_has_ovn, 1);
  EXPECT_EQ(r.tunnel_ovn, 0x00010002u);
  EXPECT_EQ(v4(r.tunnel_src), ip(100, 64, 0, 1));
  EXPECT_EQ(v4(r.tunnel_dst), ip(100, 64, 0, 2));
  EXPECT_EQ(r.tunnel_sport, 51000);
  // The record is the inner packet's.
  EXPECT_EQ(r.l3, L3::kIpv4);
  EXPECT_EQ(v4(r.src), ip(10, 70, 0, 101));
  EXPECT_EQ(v4(r.dst), ip(10, 70, 0, 102));
  EXPECT_TRUE(r.has(kFlagIcmp));
  EXPECT_EQ(r.icmp_id, 7);
  EXPECT_EQ(r.ip_id, 0x5151u);
  EXPECT_EQ(r.l2_src[5], 0x01);
  EXPECT_FALSE(r.has(kFlagUdp));
  EXPECT_FALSE(r.has(kFlagTruncated));
  EXPECT_EQ(summarize(r), "icmp echo-request 10.70.0.101 \u2192 10.70.0.102 id 7 seq 1");
  EXPECT_EQ(describe_tunnel(r), "Geneve 100.64.0.1 \u2192 100.64.0.2 VNI 5, OVN ports 1 \u2192 2");
  // The capture's own facts stay the outer frame's.
  Bytes f = outer(kGenevePort, geneve(5, opts), inner_frame());
  EXPECT_EQ(r.frame_len, f.size());
}

TEST(Tunnel, TheInnerPacketHasTheIdentityOfItsSightingsOutsideTheTunnel) {
  PacketRecord plain = decode(inner_frame());
  PacketRecord tunnelled = decode(outer(kGenevePort, geneve(5, ovn_option(1, 2)), inner_frame()));
  EXPECT_EQ(packet_identity(plain, true), packet_identity(tunnelled, true));
  EXPECT_EQ(diff_records(plain, tunnelled), 0);
}

TEST(Tunnel, GeneveOptionsOfOthersAreSkipped) {
  Bytes opts;
  put16(&opts, 0x0101);  // another class, 8 bytes of data
  opts.push_back(0x01);
  opts.push_back(2);
  put32(&opts, 0xdeadbeef);
  put32(&opts, 0xfeedface);
  PacketRecord r = decode(outer(kGenevePort, geneve(9, opts), inner_frame()));
  EXPECT_EQ(r.tunnel, static_cast<uint8_t>(TunnelKind::geneve));
  EXPECT_EQ(r.tunnel_has_ovn, 0);
  EXPECT_EQ(v4(r.dst), ip(10, 70, 0, 102));
  EXPECT_EQ(describe_tunnel(r), "Geneve 100.64.0.1 \u2192 100.64.0.2 VNI 9");
}

TEST(Tunnel, GeneveCarryingBareIpv4) {
  Bytes inner = ipv4(ip(10, 70, 0, 101), ip(10, 70, 0, 102), 1, icmp_echo(8, 7, 1, text("x")));
  PacketRecord r = decode(outer(kGenevePort, geneve(3, {}, 0x0800), inner));
  EXPECT_EQ(r.tunnel, static_cast<uint8_t>(TunnelKind::geneve));
  EXPECT_EQ(v4(r.src), ip(10, 70, 0, 101));
  EXPECT_FALSE(r.has(kFlagHasL2));
}

TEST(Tunnel, Vxlan) {
  Bytes vx{0x08, 0, 0, 0};
  put32(&vx, 4097u << 8);
  PacketRecord r = decode(outer(kVxlanPort, vx, inner_frame()));
  EXPECT_EQ(r.tunnel, static_cast<uint8_t>(TunnelKind::vxlan));
  EXPECT_EQ(r.tunnel_vni, 4097u);
  EXPECT_EQ(v4(r.dst), ip(10, 70, 0, 102));
  EXPECT_EQ(describe_tunnel(r), "VXLAN 100.64.0.1 \u2192 100.64.0.2 VNI 4097");
}

TEST(Tunnel, ForeignOrCutHeadersStayPlainUdp) {
  // Geneve version 1, a VXLAN header without the I flag, options longer than the datagram, an unknown protocol.
  Bytes vx{0x00, 0, 0, 0, 0, 0, 1, 0};
  Bytes long_opts = geneve(5, ovn_option(1, 2));
  long_opts[0] = 0x3f;  // 63 words of options announced, 8 bytes there
  for (const Bytes& f : {outer(kGenevePort, geneve(5, {}, 0x6558, 1), inner_frame()), outer(kVxlanPort, vx, inner_frame()),
                         outer(kGenevePort, long_opts, {}), outer(kGenevePort, geneve(5, {}, 0x1234), inner_frame())}) {
    PacketRecord r = decode(f);
    EXPECT_EQ(r.tunnel, 0);
    EXPECT_TRUE(r.has(kFlagUdp));
    EXPECT_EQ(v4(r.src), ip(100, 64, 0, 1));
  }
  // Cut at every length: never out of bounds, and never a tunnel unless the header is whole.
  Bytes whole = outer(kGenevePort, geneve(5, ovn_option(1, 2)), inner_frame());
  for (size_t n = 0; n < whole.size(); ++n) {
    PacketRecord r;
    decode_frame(kLinkEthernet, whole.data(), static_cast<uint32_t>(n), static_cast<uint32_t>(whole.size()), &r);
    if (n < 14 + 20 + 8 + 16) {
      EXPECT_EQ(r.tunnel, 0) << n;
    }
  }
}

TEST(Tunnel, ATunnelInsideATunnelIsNotOpenedTwice) {
  Bytes nested = outer(kGenevePort, geneve(7, {}), inner_frame());
  PacketRecord r = decode(outer(kGenevePort, geneve(5, {}), nested));
  EXPECT_EQ(r.tunnel_vni, 5u);
  EXPECT_TRUE(r.has(kFlagUdp));  // the record is the middle frame: UDP to 6081, not opened again
  EXPECT_EQ(r.dport, kGenevePort);
}

TEST(Tunnel, FilterKeepsTunnelledProbes) {
  std::string f = tunnel_bpf_filter("host 10.70.0.102 and icmp", model::Ipv4{ip(10, 70, 0, 102)});
  EXPECT_EQ(f, "(host 10.70.0.102 and icmp) or (udp dst port 4789 and (udp[42:4] = 0x0a460066 or "
               "udp[46:4] = 0x0a460066)) or (geneve and (host 10.70.0.102 and icmp))");
}

// Two hosts: a1 on h1 (namespace lab-host), b1 on h2 (lab-h2), each host's
// underlay device dc0 listed as its tunnel-out; an isolated network (no router).
model::HopMap two_host_map() {
  using model::HopRole;
  model::HopMap m;
  m.lab = "lab";
  model::NicPath a;
  a.guest = "a1";
  a.nic = "eth0";
  a.address = "10.70.0.101/24";
  a.hops = {{HopRole::guest_nic, "lab-a1", "eth0"}, {HopRole::veth, "lab-host", "lab-a1-0"},
            {HopRole::ovs, "lab-host", "br-int"}, {HopRole::tunnel_out, "lab-host", "dc0"}};
  model::NicPath b = a;
  b.guest = "b1";
  b.address = "10.70.0.102/24";
  b.hops = {{HopRole::guest_nic, "lab-b1", "eth0"}, {HopRole::veth, "lab-h2", "lab-b1-0"},
            {HopRole::ovs, "lab-h2", "br-int"}, {HopRole::tunnel_out, "lab-h2", "dc0"}};
  m.nics = {a, b};
  return m;
}

TEST(Tunnel, AGuestToGuestPacketAcrossHostsIsOnePathThroughTheTunnel) {
  CaptureSet set;
  set.hopmap = two_host_map();
  for (auto [ns, dev] : {std::pair{"lab-a1", "eth0"}, {"lab-host", "lab-a1-0"}, {"lab-host", "dc0"}, {"lab-h2", "dc0"},
                         {"lab-h2", "lab-b1-0"}, {"lab-b1", "eth0"}})
    set.devices.push_back(Device{ns, dev, model::HopRole::unknown, "", kLinkEthernet});
  assign_roles(&set);
  auto add = [&](uint16_t dev, uint64_t t, const Bytes& frame) {
    PacketRecord r = decode(frame);
    r.device = dev;
    r.t_ns = t;
    set.records.push_back(r);
  };
  const Bytes tunnelled = outer(kGenevePort, geneve(1, ovn_option(1, 2)), inner_frame());
  // Sightings out of time order on purpose (same-namespace timestamps tie).
  add(3, 1300, tunnelled);
  add(0, 1000, inner_frame());
  add(1, 1100, inner_frame());
  add(2, 1200, tunnelled);
  add(4, 1400, inner_frame());
  add(5, 1500, inner_frame());
  auto packets = trace_capture_set(set);
  ASSERT_EQ(packets.size(), 1u);
  const auto& hops = packets[0].hops;
  ASSERT_EQ(hops.size(), 6u);
  EXPECT_EQ(hops[0].netns, "lab-a1");
  EXPECT_EQ(hops[1].device, "lab-a1-0");
  EXPECT_EQ(hops[2].role, model::HopRole::tunnel_out);
  EXPECT_EQ(hops[2].netns, "lab-host");
  EXPECT_EQ(hops[2].direction, Direction::out);
  EXPECT_EQ(hops[2].change, "Geneve 100.64.0.1 \u2192 100.64.0.2 VNI 1, OVN ports 1 \u2192 2");
  EXPECT_EQ(hops[3].role, model::HopRole::tunnel_in);  // listed as h2's tunnel-out in the map: this packet enters there
  EXPECT_EQ(hops[3].netns, "lab-h2");
  EXPECT_EQ(hops[3].direction, Direction::in);
  EXPECT_EQ(hops[4].device, "lab-b1-0");
  EXPECT_EQ(hops[4].change, "");  // leaving the tunnel changes nothing of the inner packet
  EXPECT_EQ(hops[5].netns, "lab-b1");
  EXPECT_FALSE(packets[0].dropped);
  EXPECT_NE(format_hop_list(packets).find("tunnel-in"), std::string::npos);
}

}  // namespace
}  // namespace netlab::tracer
