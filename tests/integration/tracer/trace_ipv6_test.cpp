// Traces to IPv6 destinations in a sandbox lab built from
// topologies/dual-stack.yaml (renamed tv6tr): every guest holds both
// addresses and reaches both servers; an ICMPv6 echo to the upstream's
// 2001:db8:100::1 is one path each way, routed without NAT; a guest's own
// IPv6 address is reached across the bridge; UDP over IPv6 answered by an
// ICMPv6 port unreachable is one reply path; with IPv6 forwarding off in the
// host namespace the trace and doctor name it as the cause.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "trace_support.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

/// topologies/dual-stack.yaml with its lab named `lab`.
std::string dual_stack_topology(const std::string& lab) {
  std::ifstream in(std::string(NETLAB_SOURCE_DIR) + "/topologies/dual-stack.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  auto at = text.find("\nname: dual\n");
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) text.replace(at, 12, "\nname: " + lab + "\n");
  return text;
}

std::vector<std::string> roles_of(const json& packet) {
  std::vector<std::string> out;
  for (const auto& h : packet["hops"]) out.push_back(h["role"].get<std::string>());
  return out;
}

TEST_F(LabTest, Ipv6TraceListsTheRoutedPathAndNamesForwardingOff) {
  const std::string lab = "tv6tr";
  up_ok(write_topology(lab, dual_stack_topology(lab)));
  auto st = json::parse(netlab({"status", lab, "--json"}).out, nullptr, false);
  ASSERT_TRUE(st.is_object());
  std::map<std::string, std::string> v6;
  for (const auto& g : st["guests"]) {
    const auto& nic = g["nics"][0];
    EXPECT_NE(nic["address"], "") << g.dump();
    ASSERT_EQ(nic["addresses6"].size(), 1u) << g.dump();
    const std::string a6 = nic["addresses6"][0];
    EXPECT_EQ(a6.rfind("fd00:10::", 0), 0u) << a6;
    v6[g["name"]] = a6.substr(0, a6.find('/'));
    EXPECT_TRUE(ping(lab + "-" + g["name"].get<std::string>(), "198.51.100.1")) << g["name"];
    EXPECT_TRUE(ping(lab + "-" + g["name"].get<std::string>(), "2001:db8:100::1")) << g["name"];
  }
  ASSERT_EQ(v6.size(), 3u);
  EXPECT_EQ(v6["g3"], "fd00:10::10");

  // An ICMPv6 echo to the upstream server: routed, not masqueraded, both ways.
  json doc = trace_json(lab, "g1", "2001:db8:100::1");
  EXPECT_EQ(doc["probe"]["answered"], 1) << doc.dump(2);
  EXPECT_EQ(doc["probe"]["src"], v6["g1"]);
  EXPECT_EQ(doc["probe"]["dst"], "2001:db8:100::1");
  auto req = packets_of(doc, "request", "icmp6 echo-request");
  auto rep = packets_of(doc, "reply", "icmp6 echo-reply");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  ASSERT_EQ(rep.size(), 1u) << doc.dump(2);
  const std::vector<std::string> out{"guest-nic", "veth", "bridge", "route", "uplink", "upstream"};
  EXPECT_EQ(roles_of(req[0]), out) << req[0].dump(2);
  EXPECT_EQ(roles_of(rep[0]), std::vector<std::string>(out.rbegin(), out.rend())) << rep[0].dump(2);
  EXPECT_EQ(hops_of(req[0]).front(), "guest-nic " + lab + "-g1/eth0 out");
  EXPECT_EQ(hops_of(req[0]).back(), "upstream " + lab + "-wan/wan0 in");
  for (const auto& p : {req[0], rep[0]}) {
    EXPECT_FALSE(p["dropped"].get<bool>()) << p.dump(2);
    const std::string change = hop_with_role(p, "route")["change"];
    // No NAT: the addresses are kept (only the MACs change beside the hop limit).
    EXPECT_EQ(change.find("src "), change.find("src MAC")) << change;
    EXPECT_EQ(change.find("dst "), change.find("dst MAC")) << change;
    EXPECT_EQ(change.rfind("hop limit 64 \u2192 63", 0), 0u) << change;
  }
  // The lab's inet table's rules met on the way (the trace chain's ip6 matches selected the probe).
  EXPECT_FALSE(hop_with_role(req[0], "route")["rules"].empty()) << req[0].dump(2);

  // To another guest's IPv6 address: across the bridge to g3's NIC.
  json peer = trace_json(lab, "g1", "fd00:10::10");
  EXPECT_EQ(peer["probe"]["answered"], 1) << peer.dump(2);
  auto preq = packets_of(peer, "request", "icmp6 echo-request");
  ASSERT_EQ(preq.size(), 1u) << peer.dump(2);
  EXPECT_EQ(hops_of(preq[0]).back(), "guest-nic " + lab + "-g3/eth0 in") << peer.dump(2);
  EXPECT_FALSE(preq[0]["dropped"].get<bool>());

  // UDP over IPv6 to a closed port: the ICMPv6 error is one reply path back to the guest.
  json udp = trace_json(lab, "g1", "2001:db8:100::1", {"--proto", "udp:9"});
  EXPECT_EQ(udp["probe"]["refused"], 1) << udp.dump(2);
  auto err = packets_of(udp, "reply", "icmp6 port-unreachable");
  ASSERT_EQ(err.size(), 1u) << udp.dump(2);
  EXPECT_EQ(roles_of(err[0]), std::vector<std::string>(out.rbegin(), out.rend())) << err[0].dump(2);
  EXPECT_NE(err[0]["summary"].get<std::string>().find("about udp [" + v6["g1"] + "]:"), std::string::npos)
      << err[0]["summary"];

  // IPv6 forwarding off in the lab's host: the request stops at the bridge, and both name why.
  ASSERT_EQ(in_netns(lab + "-host", {"sysctl", "-qw", "net.ipv6.conf.all.forwarding=0"}).exit_code, 0);
  json off = trace_json(lab, "g1", "2001:db8:100::1");
  auto dropped = packets_of(off, "request", "icmp6 echo-request");
  ASSERT_EQ(dropped.size(), 1u) << off.dump(2);
  EXPECT_TRUE(dropped[0]["dropped"].get<bool>()) << off.dump(2);
  EXPECT_EQ(dropped[0]["drop_after"], lab + "-host/" + lab + "-lan");
  EXPECT_EQ(dropped[0]["drop_cause"], "IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in " + lab + "-host");
  Outcome d = doctor(lab, "g1");
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  EXPECT_NE(d.out.find("[PROBLEM] probe6: icmp6 echo to 2001:db8:100::1 failed: IPv6 forwarding off"),
            std::string::npos)
      << d.out;
  auto v = d.out.find("verdict: g1: PROBLEM: IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in " + lab + "-host");
  EXPECT_NE(v, std::string::npos) << d.out;
}

}  // namespace
}  // namespace netlab::testing
