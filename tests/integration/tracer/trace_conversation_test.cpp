// Whole conversations, inbound traces through port forwards and the true
// cause, in sandbox labs through the real binary: each test is one row of the
// outcome/cause table in docs/tracer.md (the scenario and the text it gives).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "netlab/host/process.h"
#include "trace_support.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

std::string outcome(const json& doc) { return doc["conversation"]["outcome"].get<std::string>(); }
std::vector<std::string> flow(const json& doc) { return doc["conversation"]["flow"].get<std::vector<std::string>>(); }

/// A trace of forward_topology's port forward from upstream: the SYN taken in
/// through the uplink's DNAT to web:80, and its SYN-ACK back out to upstream.
void expect_forwarded_to_web(const json& doc, const std::string& lab) {
  auto syn = packets_of(doc, "request", "tcp 203.0.113.1:");
  ASSERT_FALSE(syn.empty()) << doc.dump(2);
  const std::string h = lab + "-host/";
  EXPECT_EQ(hops_of(syn[0]), (std::vector<std::string>{"upstream " + lab + "-wan/wan0 out", "uplink " + h + "eth0 in",
                                                       "nat " + h + "- -", "bridge " + h + lab + "-default out",
                                                       "veth " + h + lab + "-web-0 out", "guest-nic " + lab + "-web/eth0 in"}));
  json nat = hop_with_role(syn[0], "nat");
  EXPECT_EQ(nat["change"].get<std::string>().rfind("dst 203.0.113.2 → 192.168.122.10, dport 8080 → 80", 0), 0u) << nat.dump(2);
  bool dnat_rule = false;
  for (const auto& r : nat["rules"]) dnat_rule = dnat_rule || r["rule"].get<std::string>().find("dnat ip to 192.168.122.10:80") != std::string::npos;
  EXPECT_TRUE(dnat_rule) << nat.dump(2);
  auto synack = packets_of(doc, "reply", "tcp 192.168.122.10:80 → 203.0.113.1:");
  ASSERT_FALSE(synack.empty()) << doc.dump(2);
  EXPECT_EQ(hops_of(synack[0]).back(), "upstream " + lab + "-wan/wan0 in");
}

TEST_F(LabTest, UdpAnsweredByPortUnreachableIsOneReplyPath) {
  const std::string lab = "lcu";
  up_ok(write_topology(lab, nat_topology(lab)));
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "udp:9"});
  EXPECT_EQ(outcome(doc), "198.51.100.1 answered port unreachable (udp/9 closed)") << doc.dump(2);
  auto err = packets_of(doc, "reply", "icmp port-unreachable 198.51.100.1 → 203.0.113.2 about udp 203.0.113.2:");
  ASSERT_EQ(err.size(), 1u) << doc.dump(2);
  const std::string h = lab + "-host/";
  EXPECT_EQ(hops_of(err[0]), (std::vector<std::string>{"upstream " + lab + "-wan/wan0 out", "uplink " + h + "eth0 in",
                                                       "nat " + h + "- -", "bridge " + h + lab + "-default out",
                                                       "veth " + h + lab + "-g1-0 out", "guest-nic " + lab + "-g1/eth0 in"}));
  EXPECT_NE(hop_with_role(err[0], "nat")["change"].get<std::string>().find("embedded src 203.0.113.2 → 192.168.122.10"),
            std::string::npos)
      << doc.dump(2);
}

TEST_F(LabTest, TcpRefusedByTheDestination) {
  const std::string lab = "lct";
  up_ok(write_topology(lab, nat_topology(lab)));
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:9"});
  EXPECT_EQ(outcome(doc), "refused (RST from 198.51.100.1)") << doc.dump(2);
  EXPECT_EQ(flow(doc), (std::vector<std::string>{"SYN", "RST from 198.51.100.1"}));
  EXPECT_EQ(doc["probe"]["refused"], 1);
}

TEST_F(LabTest, TcpAcceptedWithPayloadAndAnswer) {
  const std::string lab = "lcc";
  up_ok(write_topology(lab, nat_topology(lab)));
  auto server = serve(lab + "-wan", 8080, {"-e", "cat"});
  ASSERT_TRUE(server);
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:8080", "--payload", "hello"});
  EXPECT_EQ(outcome(doc), "connected, answered 5 B") << doc.dump(2);
  auto steps = flow(doc);
  ASSERT_GE(steps.size(), 5u) << doc.dump(2);
  EXPECT_EQ(std::vector<std::string>(steps.begin(), steps.begin() + 3), (std::vector<std::string>{"SYN", "SYN-ACK", "ACK"}));
  EXPECT_NE(std::find(steps.begin(), steps.end(), "data 5 B"), steps.end()) << doc.dump(2);
  EXPECT_NE(std::find(steps.begin(), steps.end(), "answer 5 B"), steps.end()) << doc.dump(2);
  EXPECT_EQ(doc["probe"]["answer_bytes"], 5);
  EXPECT_TRUE(server->stop());
}

TEST_F(LabTest, TcpWithoutSynAck) {
  const std::string lab = "lcs";
  up_ok(write_topology(lab, nat_topology(lab)));
  // Upstream drops the SYN: nothing answers, and the missing reply says so.
  ASSERT_EQ(in_netns(lab + "-wan", {"nft", "add table inet lcs_test; add chain inet lcs_test in { type filter hook input "
                                           "priority 0; tcp dport 7 drop; }"})
                .exit_code,
            0);
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:7", "--timeout", "1"});
  EXPECT_EQ(outcome(doc), "no SYN-ACK within 1 s") << doc.dump(2);
  EXPECT_EQ(first_drop_cause(doc), "no reply from 198.51.100.1: connection timed out") << doc.dump(2);
}

TEST_F(LabTest, TcpResetByARejectRule) {
  const std::string lab = "lcr";
  up_ok(write_topology(lab, nat_topology(lab)));
  ASSERT_EQ(in_netns(lab + "-host", {"nft", "insert", "rule", "inet", "netlab_" + lab, "forward", "ip", "daddr",
                                     "198.51.100.1", "tcp", "dport", "8080", "counter", "reject", "with", "tcp", "reset"})
                .exit_code,
            0);
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:8080"});
  EXPECT_EQ(outcome(doc), "reset by a reject rule at " + lab + "-host: nft inet netlab_" + lab +
                              " forward: rule `ip daddr 198.51.100.1 tcp dport 8080 counter reject with tcp reset`")
      << doc.dump(2);
}

TEST_F(LabTest, DnsToTheLabsDnsmasq) {
  const std::string lab = "lcd";
  up_ok(write_topology(lab, nat_topology(lab)));
  json doc = trace_json(lab, "g1", "192.168.122.1", {"--proto", "udp:53", "--payload", "g1.example"});
  EXPECT_EQ(outcome(doc).rfind("answered (dns response g1.example from 192.168.122.1:53)", 0), 0u) << doc.dump(2);
  EXPECT_EQ(flow(doc), (std::vector<std::string>{"request dns query g1.example", "answer dns response g1.example"}));
}

TEST_F(LabTest, PortForwardInboundTrace) {
  const std::string lab = "lcp";
  up_ok(write_topology(lab, forward_topology(lab)));
  auto server = serve(lab + "-web", 80, {"-e", "cat"});
  ASSERT_TRUE(server);
  json doc = trace_json(lab, "upstream", "203.0.113.2", {"--proto", "tcp:8080", "--payload", "hi"});
  EXPECT_EQ(outcome(doc), "connected, answered 2 B") << doc.dump(2);
  expect_forwarded_to_web(doc, lab);
  EXPECT_TRUE(server->stop());
  // The graph shows the published port on the NAT box; the libvirt export notes it.
  Outcome dot = netlab({"graph", lab, "-o", dir_ + "/g.dot"});
  EXPECT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_NE(read_text(dir_ + "/g.dot").find("publish tcp/8080"), std::string::npos);
}

TEST_F(LabTest, PortForwardInboundWaitedForPassively) {
  const std::string lab = "lci";
  up_ok(write_topology(lab, forward_topology(lab)));
  // Nothing comes: the wait ends after --timeout with an outcome that says so.
  json none = trace_json(lab, "upstream", "203.0.113.2", {"--proto", "tcp:8080", "--passive", "--timeout", "1"});
  EXPECT_EQ(outcome(none), "no request to 203.0.113.2 tcp/8080 came within 1 s") << none.dump(2);
  EXPECT_EQ(none["probe"]["passive"], true);
  EXPECT_TRUE(none["packets"].empty()) << none.dump(2);
  // A request from outside (the sandbox's upstream namespace) while the trace waits for it.
  auto server = serve(lab + "-web", 80, {"-e", "cat"});
  ASSERT_TRUE(server);
  auto trace = start_netlab({"trace", lab, "--from", "upstream", "--to", "203.0.113.2", "--proto", "tcp:8080",
                             "--passive", "--timeout", "60", "--json"},
                            {.stdout_path = dir_ + "/trace.json", .stderr_path = dir_ + "/trace.err"});
  ASSERT_TRUE(trace);
  // It says once its captures are open; a request from then on is seen.
  ASSERT_TRUE(wait_for_text(dir_ + "/trace.err", "connect to it from outside now", *trace)) << read_text(dir_ + "/trace.err");
  EXPECT_NE(read_text(dir_ + "/trace.err")
                .find("waiting up to 60 s for the next tcp request to 203.0.113.2:8080 (capturing on "),
            std::string::npos)
      << read_text(dir_ + "/trace.err");
  Outcome client = in_netns(lab + "-wan", {"sh", "-c", "printf hi | busybox nc -w 2 203.0.113.2 8080"});
  EXPECT_EQ(client.out, "hi") << client.err;
  json doc = json_when_done(*trace, dir_ + "/trace.json", dir_ + "/trace.err");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["probe"]["passive"], true);
  EXPECT_EQ(doc["probe"]["sent"], 0);
  EXPECT_EQ(doc["probe"]["src"], "203.0.113.1");
  EXPECT_EQ(outcome(doc), "connected, answered 2 B") << doc.dump(2);
  expect_forwarded_to_web(doc, lab);
  EXPECT_TRUE(server->stop());
}

TEST_F(LabTest, PortForwardMissingIsNamed) {
  const std::string lab = "lcm";
  up_ok(write_topology(lab, forward_topology(lab)));
  json doc = trace_json(lab, "upstream", "203.0.113.2", {"--proto", "tcp:8081"});
  EXPECT_EQ(outcome(doc).rfind("no DNAT rule matched tcp/8081 on the uplink", 0), 0u) << doc.dump(2);
  EXPECT_EQ(first_drop_cause(doc), "no DNAT rule matched tcp/8081 on the uplink") << doc.dump(2);
}

TEST_F(LabTest, PortForwardToAGuestListeningOnAnotherPort) {
  const std::string lab = "lcw";
  up_ok(write_topology(lab, forward_topology(lab)));
  auto server = serve(lab + "-web", 81);
  ASSERT_TRUE(server);
  json doc = trace_json(lab, "upstream", "203.0.113.2", {"--proto", "tcp:8080"});
  EXPECT_EQ(outcome(doc), "web refused tcp/80 (refused (RST from 192.168.122.10)): nothing listens on tcp/80 there; "
                          "web listens on tcp/81, so the forward names the wrong port")
      << doc.dump(2);
  EXPECT_TRUE(server->stop());
}

TEST_F(LabTest, VlanSeparationOnOneSwitchIsNamed) {
  const std::string lab = "lcv";
  up_ok(write_topology(lab, vlan_topology(lab, "isolated", false)));
  json doc = trace_json(lab, "red1", "10.20.0.21");
  EXPECT_EQ(doc["probe"]["answered"], 0);
  EXPECT_EQ(first_drop_cause(doc),
            "10.20.0.21 is blue1 in VLAN 20; red1 is in VLAN 10 on the same switch, which keeps them apart")
      << doc.dump(2);
}

TEST_F(LabTest, StaticAddressIsNoLease) {
  const std::string lab = "lca";
  up_ok(write_topology(lab, forward_topology(lab)));
  Outcome d = doctor(lab, "web");
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("[ok] address: " + lab + "-web/eth0 has its static address 192.168.122.10"), std::string::npos)
      << d.out;
  // The guest's own checks never speak of a lease (the networks section below may: its DHCP probe).
  EXPECT_EQ(d.out.substr(0, d.out.find("\nnetworks:")).find("lease"), std::string::npos) << d.out;
  ASSERT_EQ(in_netns(lab + "-web", {"ip", "addr", "flush", "dev", "eth0"}).exit_code, 0);
  Outcome gone = doctor(lab, "web");
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.out.find("static address missing: " + lab + "-web/eth0 has no IPv4 address (the lab gives it "
                          "192.168.122.10/24)"),
            std::string::npos)
      << gone.out;
}

TEST_F(LabTest, OnlyNeighboursOnThePathAreCited) {
  const std::string lab = "lcn";
  up_ok(write_topology(lab, forward_topology(lab)));
  // An earlier trace to an address nobody has leaves an unresolved neighbour entry behind ...
  json stale = trace_json(lab, "web", "192.168.122.77", {"--timeout", "1"});
  EXPECT_NE(first_drop_cause(stale).find("192.168.122.77"), std::string::npos) << stale.dump(2);
  // ... which is no cause of a later trace: there only the host's own next hop, whose ARP goes unanswered, is.
  ASSERT_EQ(in_netns(lab + "-wan", {"ip", "link", "set", "wan0", "arp", "off"}).exit_code, 0);
  ASSERT_EQ(in_netns(lab + "-host", {"ip", "neigh", "flush", "dev", "eth0"}).exit_code, 0);
  json doc = trace_json(lab, "web", "198.51.100.1");
  EXPECT_EQ(doc["probe"]["answered"], 0);
  std::string cause = first_drop_cause(doc);
  EXPECT_EQ(cause.find("192.168.122.77"), std::string::npos) << doc.dump(2);
  EXPECT_EQ(cause.rfind("no ARP reply: " + lab + "-host: 203.0.113.1 on eth0 ", 0), 0u) << doc.dump(2);
}

TEST_F(LabTest, BridgePortDownIsNamed) {
  const std::string lab = "lcb";
  up_ok(write_topology(lab, nat_topology(lab)));
  ASSERT_EQ(in_netns(lab + "-host", {"ip", "link", "set", lab + "-g1-0", "down"}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  std::string cause = first_drop_cause(doc);
  EXPECT_EQ(cause.rfind("bridge port down: ", 0), 0u) << doc.dump(2);
  EXPECT_NE(cause.find(lab + "-host/g1:eth0 (" + lab + "-g1-0) is down"), std::string::npos) << doc.dump(2);
}

TEST_F(LabTest, GuestWithoutRouteIsNamed) {
  const std::string lab = "lco";
  up_ok(write_topology(lab, nat_topology(lab)));
  ASSERT_EQ(in_netns(lab + "-g1", {"ip", "route", "del", "default"}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  EXPECT_EQ(doc["probe"]["sent"], 0);
  EXPECT_EQ(first_drop_cause(doc), "no route to 198.51.100.1 in " + lab + "-g1") << doc.dump(2);
}

TEST_F(LabTest, MtuMismatchIsNamed) {
  const std::string lab = "lcx";
  up_ok(write_topology(lab, nat_topology(lab)));
  auto server = serve(lab + "-wan", 8080, {"-e", "cat"});
  ASSERT_TRUE(server);
  // The host's end of g1's link takes smaller frames than g1 sends: a full segment dies on the veth.
  ASSERT_EQ(in_netns(lab + "-host", {"ip", "link", "set", lab + "-g1-0", "mtu", "1400"}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:8080", "--payload", std::string(1400, 'x')});
  EXPECT_EQ(outcome(doc), "connected, no answer to the 1400 B sent") << doc.dump(2);
  EXPECT_EQ(first_drop_cause(doc).rfind("MTU mismatch: " + lab + "-g1/eth0 mtu 1500, " + lab + "-host/g1:eth0 (" + lab +
                                           "-g1-0) mtu 1400", 0),
            0u)
      << doc.dump(2);
  EXPECT_TRUE(server->stop());
}

}  // namespace
}  // namespace netlab::testing
