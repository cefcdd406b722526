// The true cause, pure parts: the tracer's own marking chain left out of the
// rule trace, neighbours only on the probe's path, the listening ports of a
// namespace, VLAN separation, inbound traces through a port forward (missing
// DNAT, a guest listening on another port; a real host waits for the request
// from outside), a static address called so.
#include <gtest/gtest.h>

#include "tests/unit/tracer/live_fixtures.h"
#include "tracer/explain.h"
#include "tracer/listening.h"
#include "tracer/live_trace.h"
#include "tracer/neighbours.h"
#include "tracer/nft_trace.h"
#include "tracer/path_facts.h"

namespace netlab::tracer {
namespace {

using model::HopRole;
model::Ipv4 ip(const char* s) { return *model::Ipv4::parse(s); }

TEST(RuleTrace, TheTracersOwnChainIsLeftOut) {
  std::vector<TraceEvent> events(4);
  events[0] = {.id = 1, .family = "inet", .table = "netlab_lab", .chain = "trace_pre", .handle = 9, .type = "rule",
               .verdict = "continue"};
  events[1] = {.id = 1, .family = "inet", .table = "netlab_lab", .chain = "trace_pre", .type = "policy",
               .verdict = "accept"};
  events[2] = {.id = 1, .family = "inet", .table = "netlab_lab", .chain = "forward", .handle = 4, .type = "rule",
               .verdict = "accept"};
  events[3] = {.id = 1, .family = "inet", .table = "other", .chain = "trace_pre", .handle = 2, .type = "rule",
               .verdict = "accept"};  // someone else's chain of that name stays
  drop_own_chain_events("lab", &events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].chain, "forward");
  EXPECT_EQ(events[1].table, "other");
}

TEST(Neighbours, OnlyThoseOnTheProbesPathAreCited) {
  std::vector<FailedNeighbour> all{{ip("10.20.0.11"), "core", "lab-host: 10.20.0.11 on core FAILED"},
                                   {ip("192.168.122.77"), "lab-default", "lab-host: 192.168.122.77 on lab-default FAILED"}};
  EXPECT_EQ(on_path(all, {ip("198.51.100.1"), ip("10.20.0.11")}),
            (std::vector<std::string>{"lab-host: 10.20.0.11 on core FAILED"}));
  EXPECT_TRUE(on_path(all, {ip("198.51.100.1"), model::Ipv4{}}).empty());
}

TEST(Listening, PortsInStateOfAProcNetTable) {
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000:0051 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
      "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
      "   2: 0A00000A:0050 0A000001:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1\n"
      "   3: 00000000:0051 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1\n";
  EXPECT_EQ(ports_in_state(tcp, "0A"), (std::vector<uint16_t>{81, 8080}));
  EXPECT_EQ(ports_in_state(tcp, "01"), (std::vector<uint16_t>{80}));
}

model::NicPath ovs_nic(const std::string& guest, int vlan) {
  model::NicPath n;
  n.guest = guest;
  n.nic = "eth0";
  n.network = "core";
  n.mode = model::NetworkMode::isolated;
  n.vlan = vlan;
  n.hops = {{HopRole::guest_nic, "lab-" + guest, "eth0"}, {HopRole::veth, "lab-host", "lab-" + guest + "-0"},
            {HopRole::ovs, "lab-host", "lab-core"}};
  return n;
}

ExplainInput guest_to_guest() {
  ExplainInput in;
  in.lab = "lab";
  in.nic = ovs_nic("red1", 10);
  in.peer = ovs_nic("blue1", 20);
  in.src = ip("10.20.0.11");
  in.dst = ip("10.20.0.21");
  in.probe.sent = 0;
  in.probe.error = "no answer";
  in.facts.guest_netns = "lab-red1";
  in.facts.guest_device = "eth0";
  in.facts.neighbours_failed = {"lab-red1: 10.20.0.21 on eth0 FAILED"};
  return in;
}

TEST(Explain, GuestsInDifferentVlansOfOneSwitchAreKeptApart) {
  ExplainInput in = guest_to_guest();
  std::vector<TracedPacket> packets;
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].drop_cause,
            "10.20.0.21 is blue1 in VLAN 20; red1 is in VLAN 10 on the same switch, which keeps them apart");
  // The same VLAN: the unanswered ARP is the cause.
  in.peer->vlan = 10;
  std::vector<TracedPacket> same;
  explain(in, &same);
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0].drop_cause, "no ARP reply: lab-red1: 10.20.0.21 on eth0 FAILED");
  // Another switch: not a VLAN matter.
  in.peer = ovs_nic("blue1", 20);
  in.peer->hops.back().device = "lab-edge";
  EXPECT_EQ(vlan_separation(in), "");
}

TEST(Explain, AStaticAddressIsNoLease) {
  ExplainInput in = guest_to_guest();
  in.peer.reset();
  in.nic.address = "10.20.0.11/24";
  in.facts.guest_has_address = false;
  std::vector<TracedPacket> packets;
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].drop_cause,
            "static address missing: lab-red1/eth0 has no IPv4 address (the lab gives it 10.20.0.11/24)");
}

/// A SYN from upstream seen on wan0 and the uplink only.
TracedPacket syn_stopped_at_uplink() {
  return testing::seen_on("tcp 203.0.113.1:40000 → 203.0.113.2:8080 [S] seq 1 len 0",
                          {{HopRole::upstream, "lab-wan", "wan0"}, {HopRole::uplink, "lab-host", "uplink"}});
}

ExplainInput inbound_input() {
  ExplainInput in;
  in.lab = "lab";
  in.nic.guest = "web";
  in.nic.mode = model::NetworkMode::nat;
  in.src = ip("203.0.113.1");
  in.dst = ip("203.0.113.2");
  in.spec.proto = ProbeProto::kTcp;
  in.spec.port = 8080;
  in.probe.sent = 1;
  in.inbound = Inbound{"web", "eth0", ip("192.168.122.10"), 80};
  return in;
}

TEST(Explain, InboundWithoutDnatStopsAtTheUplink) {
  ExplainInput in = inbound_input();
  in.inbound = Inbound{};
  in.facts.dnat_rule_present = false;
  std::vector<TracedPacket> packets{syn_stopped_at_uplink()};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].dropped);
  EXPECT_EQ(packets[0].drop_after, "lab-host/uplink");
  EXPECT_EQ(packets[0].drop_cause, "no DNAT rule matched tcp/8080 on the uplink");
  Conversation c{{"SYN", "RST from 203.0.113.2"}, "refused (RST from 203.0.113.2)"};
  EXPECT_EQ(inbound_outcome(in, packets, c),
            "no DNAT rule matched tcp/8080 on the uplink (the host itself answered: refused (RST from 203.0.113.2))");
}

TEST(Explain, InboundRefusedByAGuestListeningElsewhere) {
  ExplainInput in = inbound_input();
  in.facts.guest_listening_read = true;
  in.facts.guest_listening = {81};
  TracedPacket syn = syn_stopped_at_uplink();
  Hop guest;
  guest.role = HopRole::guest_nic;
  guest.netns = "lab-web";
  guest.device = "eth0";
  syn.hops.push_back(guest);
  std::vector<TracedPacket> packets{syn};
  explain(in, &packets);
  EXPECT_FALSE(packets[0].dropped);
  Conversation c{{"SYN", "RST from 192.168.122.10"}, "refused (RST from 192.168.122.10)"};
  EXPECT_EQ(inbound_outcome(in, packets, c),
            "web refused tcp/80 (refused (RST from 192.168.122.10)): nothing listens on tcp/80 there; web listens on "
            "tcp/81, so the forward names the wrong port");
  in.facts.guest_listening.clear();
  EXPECT_EQ(inbound_outcome(in, packets, c),
            "web refused tcp/80 (refused (RST from 192.168.122.10)): nothing listens on tcp/80 there; web listens on "
            "no tcp port");
}

/// A hop map with web's NIC on a nat network: in a sandbox (upstream namespace
/// lab-wan), on a real host (no upstream hop: the host's own namespace is "").
model::HopMap forward_map(bool sandbox) {
  model::NicPath n;
  n.guest = "web";
  n.nic = "eth0";
  n.network = "default";
  n.mode = model::NetworkMode::nat;
  const std::string host = sandbox ? "lab-host" : "";
  n.hops = {{HopRole::guest_nic, "lab-web", "eth0"}, {HopRole::veth, host, "lab-web-0"},
            {HopRole::bridge, host, "lab-default"}, {HopRole::nat, host, ""}, {HopRole::uplink, host, "eth0"}};
  if (sandbox) n.hops.push_back({HopRole::upstream, "lab-wan", "wan0"});
  model::HopMap map;
  map.lab = "lab";
  map.nics.push_back(n);
  return map;
}

TEST(Inbound, ARealHostWaitsForTheRequestFromOutside) {
  const Inbound forward{"web", "eth0", ip("192.168.122.10"), 80};
  // A sandbox sends the probe from its upstream namespace, unless --passive asks to wait.
  EXPECT_FALSE(inbound_waits(forward_map(true), forward, false));
  EXPECT_TRUE(inbound_waits(forward_map(true), forward, true));
  // A real host cannot send from outside the machine: it always waits.
  EXPECT_TRUE(inbound_waits(forward_map(false), forward, false));
  EXPECT_TRUE(inbound_waits(forward_map(false), forward, true));
  // No forward publishes the port: the first nat NIC's path decides the same way.
  EXPECT_FALSE(inbound_waits(forward_map(true), Inbound{}, false));
  EXPECT_TRUE(inbound_waits(forward_map(false), Inbound{}, false));
}

TEST(PathFacts, DnatRuleOfAPublishedPort) {
  Ruleset r;
  r.rules.push_back({"inet", "netlab_lab", "prerouting", 3,
                     "iifname \"uplink\" fib daddr type local tcp dport 8080 counter dnat ip to 192.168.122.10:80",
                     "netlab:lab:default"});
  EXPECT_TRUE(has_dnat_rule(r, "lab", "tcp", 8080));
  EXPECT_FALSE(has_dnat_rule(r, "lab", "tcp", 808));
  EXPECT_FALSE(has_dnat_rule(r, "lab", "udp", 8080));
  EXPECT_FALSE(has_dnat_rule(r, "other", "tcp", 8080));
}

}  // namespace
}  // namespace netlab::tracer
