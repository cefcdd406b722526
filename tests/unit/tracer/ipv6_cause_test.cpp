// IPv6 in the live tracer's pure parts: the capture filter and trace-chain
// matches for an IPv6 probe, nft trace events told apart by their IPv6
// headers, and the causes an IPv6 trace names (IPv6 forwarding off, NDP
// instead of ARP, a missing global address, no masquerade expected).
#include <gtest/gtest.h>

#include "tests/unit/tracer/live_fixtures.h"
#include "tracer/explain.h"
#include "tracer/neighbours.h"
#include "tracer/probe.h"

namespace netlab::tracer {
namespace {

using model::HopRole;
model::Ipv6 ip6(const char* s) { return *model::Ipv6::parse(s); }

TEST(ProbeIpv6, FilterCompilesAndNftMatchIsAccepted) {
  testing::expect_probe_filters_valid(ip6("fd00:10::10"), ip6("2001:db8:100::1"));
  EXPECT_EQ(probe_bpf_filter(*parse_probe_proto("icmp"), ip6("2001:db8:100::1")),
            "(host 2001:db8:100::1 and icmp6) or (icmp6 and ip6[40] == 135 and ip6[48:4] == 0x20010db8 and "
            "ip6[52:4] == 0x01000000 and ip6[56:4] == 0x00000000 and ip6[60:4] == 0x00000001)");
  EXPECT_EQ(probe_nft_match(*parse_probe_proto("icmp"), ip6("fd00:10::10"), ip6("2001:db8:100::1"), false),
            "ip6 saddr fd00:10::10 ip6 daddr 2001:db8:100::1 meta l4proto ipv6-icmp");
  EXPECT_EQ(probe_nft_match(*parse_probe_proto("tcp:80"), ip6("fd00:10::10"), ip6("2001:db8:100::1"), true),
            "ip6 saddr 2001:db8:100::1 tcp sport 80");
}

model::NicPath dual_nic() {
  model::NicPath n;
  n.guest = "g1";
  n.nic = "eth0";
  n.network = "lan";
  n.mode = model::NetworkMode::nat;
  n.address6 = "fd00:10::10/64";
  n.hops = {{HopRole::guest_nic, "lab-g1", "eth0"}, {HopRole::veth, "lab-host", "lab-g1-0"},
            {HopRole::bridge, "lab-host", "lab-lan"}, {HopRole::nat, "lab-host", ""},
            {HopRole::uplink, "lab-host", "eth0"},     {HopRole::upstream, "lab-wan", "wan0"}};
  return n;
}

ExplainInput v6_input() {
  ExplainInput in = testing::probe_from_g1();
  in.nic = dual_nic();
  in.dst6 = ip6("2001:db8:100::1");
  in.src6 = ip6("fd00:10::10");
  in.probe.error = "no answer";
  in.facts.ipv6 = true;
  in.facts.host_found = true;
  return in;
}

/// An ICMPv6 echo request seen on the guest's NIC, veth and bridge, then lost.
TracedPacket request_lost_at_bridge() {
  TracedPacket p = testing::seen_on("icmp6 echo-request fd00:10::10 \u2192 2001:db8:100::1 id 7 seq 0",
                                    {{HopRole::guest_nic, "lab-g1", "eth0"},
                                     {HopRole::veth, "lab-host", "lab-g1-0"},
                                     {HopRole::bridge, "lab-host", "lab-lan"}});
  p.dropped = true;
  p.drop_after = "lab-host/lab-lan";
  return p;
}

TEST(ExplainIpv6, Ipv6ForwardingOffIsTheCause) {
  ExplainInput in = v6_input();
  in.facts.host_forwarding6 = false;
  in.facts.host_forwarding = false;  // IPv4 forwarding is no matter for an IPv6 probe, but named first if confused
  std::vector<TracedPacket> packets{request_lost_at_bridge()};
  explain(in, &packets);
  EXPECT_EQ(packets[0].drop_cause, "IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in lab-host");
  // IPv4 forwarding off alone does not explain an IPv6 drop.
  in.facts.host_forwarding6 = true;
  in.facts.neighbours_failed = {"lab-host: 2001:db8:0:ff::1 on eth0 FAILED"};
  std::vector<TracedPacket> again{request_lost_at_bridge()};
  explain(in, &again);
  EXPECT_EQ(again[0].drop_cause, "no neighbour advertisement: lab-host: 2001:db8:0:ff::1 on eth0 FAILED");
}

TEST(ExplainIpv6, AGuestWithoutAGlobalAddressCannotSend) {
  ExplainInput in = v6_input();
  in.src6 = {};
  in.probe.sent = 0;
  in.probe.error = "Network is unreachable";
  in.facts.guest_has_address = false;
  std::vector<TracedPacket> packets;
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].summary, "icmp probe ? \u2192 2001:db8:100::1 (not seen on any device)");
  EXPECT_EQ(packets[0].drop_cause,
            "IPv6 address missing: lab-g1/eth0 has no global IPv6 address (the lab gave it fd00:10::10/64)");
}

TEST(ExplainIpv6, AnUnchangedSourceIsNoMissingMasquerade) {
  // The request arrived upstream without NAT (routed IPv6) and nothing came back.
  ExplainInput in = v6_input();
  in.facts.nat_rule_present = false;
  TracedPacket req = request_lost_at_bridge();
  req.dropped = false;
  req.drop_after.clear();
  std::vector<TracedPacket> packets{req};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].summary, "no reply from 2001:db8:100::1");
  EXPECT_EQ(packets[1].drop_cause, "no reply from 2001:db8:100::1: no answer");
}

TEST(ExplainIpv6, RuleEventsAreToldApartByTheirIpv6Headers) {
  ExplainInput in = v6_input();
  TraceEvent e;
  e.id = 5;
  e.family = "inet";
  e.table = "netlab_lab";
  e.chain = "forward";
  e.type = "rule";
  e.handle = 12;
  e.rule = "ip6 daddr 2001:db8:100::1 counter drop";
  e.verdict = "drop";
  e.src6 = ip6("fd00:10::10");
  e.dst6 = ip6("2001:db8:100::1");
  in.events = {e};
  std::vector<TracedPacket> packets{request_lost_at_bridge()};
  explain(in, &packets);
  EXPECT_EQ(packets[0].drop_cause, "nft inet netlab_lab forward: rule `ip6 daddr 2001:db8:100::1 counter drop` \u2192 drop");
  ASSERT_FALSE(packets[0].hops.back().rules.empty());
  // An IPv4 event of another trace does not count for this one.
  in.events[0].src6 = {};
  in.events[0].dst6 = {};
  in.events[0].src = *model::Ipv4::parse("192.168.150.10");
  std::vector<TracedPacket> other{request_lost_at_bridge()};
  explain(in, &other);
  EXPECT_EQ(other[0].drop_cause.find("nft"), std::string::npos);
}

TEST(NeighboursIpv6, OnlyTheNextHopsEntryIsCited) {
  std::vector<FailedNeighbour> all{
      {{}, "eth0", "lab-host: 2001:db8:0:ff::1 on eth0 FAILED", ip6("2001:db8:0:ff::1"), true},
      {{}, "eth0", "lab-host: 2001:db8:0:ff::7 on eth0 FAILED", ip6("2001:db8:0:ff::7"), true},
      {*model::Ipv4::parse("203.0.113.1"), "eth0", "lab-host: 203.0.113.1 on eth0 FAILED", {}, false}};
  EXPECT_EQ(on_path6(all, {ip6("2001:db8:0:ff::1"), model::Ipv6{}}),
            std::vector<std::string>{"lab-host: 2001:db8:0:ff::1 on eth0 FAILED"});
  EXPECT_EQ(on_path(all, {*model::Ipv4::parse("203.0.113.1")}),
            std::vector<std::string>{"lab-host: 203.0.113.1 on eth0 FAILED"});
}

}  // namespace
}  // namespace netlab::tracer
