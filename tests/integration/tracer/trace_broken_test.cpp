// Deliberately broken NAT labs: each trace names the right cause of the drop,
// and `netlab doctor` exits 1 with a verdict naming it.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "netlab/host/process.h"
#include "trace_support.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

/// Runs doctor for g1 and checks exit 1 and that the verdict line contains `cause`.
void expect_doctor_names(const std::string& lab, const std::string& cause) {
  Outcome d = doctor(lab, "g1");
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  auto v = d.out.find("verdict: g1: PROBLEM: ");
  ASSERT_NE(v, std::string::npos) << d.out;
  EXPECT_NE(d.out.substr(v).find(cause), std::string::npos) << d.out;
}

/// The handles of the rules of `chain` in the lab's table whose text contains `needle`.
std::vector<std::string> rule_handles(const std::string& lab, const std::string& chain, const std::string& needle) {
  Outcome o = in_netns(lab + "-host", {"nft", "-a", "list", "chain", "inet", "netlab_" + lab, chain});
  std::vector<std::string> out;
  std::istringstream in(o.out);
  std::string line;
  while (std::getline(in, line)) {
    auto h = line.rfind("# handle ");
    if (h != std::string::npos && line.find(needle) != std::string::npos) out.push_back(line.substr(h + 9));
  }
  return out;
}

TEST_F(LabTest, ForwardingOffIsNamed) {
  const std::string lab = "ltf";
  up_ok(write_topology(lab, nat_topology(lab)));
  ASSERT_EQ(in_netns(lab + "-host", {"sysctl", "-qw", "net.ipv4.ip_forward=0"}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  EXPECT_TRUE(req[0]["dropped"].get<bool>());
  EXPECT_EQ(req[0]["drop_after"], lab + "-host/" + lab + "-default");
  EXPECT_EQ(req[0]["drop_cause"], "forwarding off: net.ipv4.ip_forward=0 in " + lab + "-host");
  expect_doctor_names(lab, "forwarding off: net.ipv4.ip_forward=0 in " + lab + "-host");
}

TEST_F(LabTest, InterruptedTraceRemovesItsTraceChain) {
  const std::string lab = "lts";
  up_ok(write_topology(lab, nat_topology(lab)));
  // Forwarding off: the probe waits its whole --timeout, and SIGTERM arrives meanwhile.
  ASSERT_EQ(in_netns(lab + "-host", {"sysctl", "-qw", "net.ipv4.ip_forward=0"}).exit_code, 0);
  auto tracer = start_netlab({"trace", lab, "--from", "g1", "--to", "198.51.100.1", "--timeout", "3"},
                             {.stdout_path = "/dev/null"});
  ASSERT_TRUE(tracer);
  bool chain_seen = false;
  for (int i = 0; i < 100 && !chain_seen; ++i) {
    chain_seen = in_netns(lab + "-host", {"nft", "list", "chains"}).out.find("trace_pre") != std::string::npos;
    if (!chain_seen) usleep(20000);
  }
  EXPECT_TRUE(chain_seen);
  ASSERT_EQ(::kill(tracer->pid(), SIGTERM), 0);
  auto rc = tracer->wait(std::chrono::seconds(10));
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 128 + SIGTERM);
  EXPECT_EQ(in_netns(lab + "-host", {"nft", "list", "chains"}).out.find("trace_pre"), std::string::npos);
}

TEST_F(LabTest, DeletedMasqueradeIsNamed) {
  const std::string lab = "ltm";
  up_ok(write_topology(lab, nat_topology(lab)));
  auto handles = rule_handles(lab, "postrouting", "masquerade");
  ASSERT_EQ(handles.size(), 2u);
  for (const auto& h : handles)
    ASSERT_EQ(in_netns(lab + "-host", {"nft", "delete", "rule", "inet", "netlab_" + lab, "postrouting", "handle", h}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  // The request leaves unrewritten and reaches the WAN; the reply never comes.
  EXPECT_EQ(hops_of(req[0]).back(), "upstream " + lab + "-wan/wan0 in");
  EXPECT_EQ(hop_with_role(req[0], "nat"), nullptr) << "no rewrite, so no nat hop";
  std::string cause = first_drop_cause(doc);
  EXPECT_EQ(cause.rfind("masquerade missing: the request left with source 192.168.122.10 unchanged", 0), 0u) << doc.dump(2);
  expect_doctor_names(lab, "masquerade missing");
}

TEST_F(LabTest, StoppedDnsmasqAndMissingLeaseIsNamed) {
  const std::string lab = "ltd";
  up_ok(write_topology(lab, nat_topology(lab)));
  std::ifstream pidf("/run/netlab/" + lab + "/dnsmasq-default.pid");
  pid_t pid = 0;
  pidf >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(host::terminate(pid));
  ASSERT_EQ(in_netns(lab + "-g1", {"ip", "addr", "flush", "dev", "eth0"}).exit_code, 0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  EXPECT_EQ(doc["probe"]["sent"], 0);
  ASSERT_EQ(doc["packets"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["packets"][0]["drop_after"], lab + "-g1/eth0");
  EXPECT_EQ(doc["packets"][0]["drop_cause"], "DHCP lease missing: " + lab +
                                                 "-g1/eth0 has no IPv4 address and the network's dnsmasq is not running");
  expect_doctor_names(lab, "DHCP lease missing");
}

TEST_F(LabTest, DropRuleInForwardChainIsNamed) {
  const std::string lab = "ltr";
  up_ok(write_topology(lab, nat_topology(lab)));
  ASSERT_EQ(in_netns(lab + "-host", {"nft", "insert", "rule", "inet", "netlab_" + lab, "forward", "ip", "daddr",
                                     "198.51.100.1", "counter", "drop", "comment", "\"test: block the wan\""})
                .exit_code,
            0);
  json doc = trace_json(lab, "g1", "198.51.100.1");
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  EXPECT_TRUE(req[0]["dropped"].get<bool>());
  EXPECT_EQ(req[0]["drop_after"], lab + "-host/" + lab + "-default");
  EXPECT_EQ(req[0]["drop_cause"], "nft inet netlab_" + lab + " forward: rule `ip daddr 198.51.100.1 counter drop` → drop");
  // The rule trace carries the rule with its comment and verdict.
  bool seen = false;
  for (const auto& e : doc["rule_trace"])
    if (e["verdict"] == "drop" && e["comment"] == "test: block the wan") seen = true;
  EXPECT_TRUE(seen) << doc["rule_trace"].dump(2);
  expect_doctor_names(lab, "rule `ip daddr 198.51.100.1 counter drop` → drop");
}

TEST_F(LabTest, ForeignForwardPolicyDropIsNamed) {
  const std::string lab = "ltk";
  up_ok(write_topology(lab, nat_topology(lab)));
  // A Docker-like `ip filter FORWARD` with policy drop in the host namespace.
  for (auto args : std::vector<std::vector<std::string>>{
           {"nft", "add", "table", "ip", "filter"},
           {"nft", "add", "chain", "ip", "filter", "FORWARD", "{ type filter hook forward priority 0; policy drop; }"}}) {
    ASSERT_EQ(in_netns(lab + "-host", args).exit_code, 0);
  }
  json doc = trace_json(lab, "g1", "198.51.100.1");
  EXPECT_EQ(first_drop_cause(doc), "nft ip filter FORWARD: policy drop") << doc.dump(2);
  Outcome d = doctor(lab, "g1");
  EXPECT_EQ(d.exit_code, 1) << d.out;
  EXPECT_NE(d.out.find("[PROBLEM] forward-policy: chain ip filter FORWARD has policy drop"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("verdict: g1: PROBLEM: cannot reach 198.51.100.1: nft ip filter FORWARD: policy drop"),
            std::string::npos)
      << d.out;
}

}  // namespace
}  // namespace netlab::testing
