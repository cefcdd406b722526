// Live traces in healthy sandbox labs: exact hop lists out and back, the
// masquerade rewrite with its conntrack tuple and the nft rules met, TCP through
// NAT to a server in the WAN namespace, guest to guest on one bridge, the
// isolated and bridged modes, the outputs (--save re-read offline, --pcap,
// figures), passive tracing, and `netlab doctor` on a healthy lab.
#include <gtest/gtest.h>

#include <filesystem>

#include "netlab/host/process.h"
#include "trace_support.h"

namespace netlab::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::string> nat_request_hops(const std::string& lab) {
  return {"guest-nic " + lab + "-g1/eth0 out", "veth " + lab + "-host/" + lab + "-g1-0 in",
          "bridge " + lab + "-host/" + lab + "-default in", "nat " + lab + "-host/- -",
          "uplink " + lab + "-host/eth0 out", "upstream " + lab + "-wan/wan0 in"};
}

std::vector<std::string> nat_reply_hops(const std::string& lab) {
  return {"upstream " + lab + "-wan/wan0 out", "uplink " + lab + "-host/eth0 in", "nat " + lab + "-host/- -",
          "bridge " + lab + "-host/" + lab + "-default out", "veth " + lab + "-host/" + lab + "-g1-0 out",
          "guest-nic " + lab + "-g1/eth0 in"};
}

TEST_F(LabTest, NatPingExactHopsMasqueradeConntrackAndRules) {
  const std::string lab = "ltp";
  up_ok(write_topology(lab, nat_topology(lab)));
  json doc = trace_json(lab, "g1", "198.51.100.1");
  EXPECT_EQ(doc["probe"]["answered"], 1);
  auto req = packets_of(doc, "request", "icmp echo-request");
  auto rep = packets_of(doc, "reply", "icmp echo-reply");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  ASSERT_EQ(rep.size(), 1u) << doc.dump(2);
  EXPECT_EQ(hops_of(req[0]), nat_request_hops(lab));
  EXPECT_EQ(hops_of(rep[0]), nat_reply_hops(lab));
  EXPECT_FALSE(req[0]["dropped"].get<bool>());
  // The masquerade rewrite on the way out, undone on the way back.
  json nat_out = hop_with_role(req[0], "nat");
  EXPECT_EQ(nat_out["change"].get<std::string>().rfind("src 192.168.122.10 → 203.0.113.2, TTL 64 → 63", 0), 0u)
      << nat_out.dump();
  json nat_back = hop_with_role(rep[0], "nat");
  EXPECT_EQ(nat_back["change"].get<std::string>().rfind("dst 203.0.113.2 → 192.168.122.10", 0), 0u) << nat_back.dump();
  // Its conntrack tuple: original from the guest, reply to the uplink's address, SNAT.
  ASSERT_EQ(doc["conntrack"].size(), 1u) << doc.dump(2);
  const json& ct = doc["conntrack"][0];
  EXPECT_EQ(ct["original"].get<std::string>().rfind("icmp 192.168.122.10 → 198.51.100.1 id ", 0), 0u);
  EXPECT_EQ(ct["reply"].get<std::string>().rfind("icmp 198.51.100.1 → 203.0.113.2 id ", 0), 0u);
  EXPECT_NE(ct["status"].get<std::string>().find("SNAT"), std::string::npos);
  ASSERT_TRUE(nat_out.contains("conntrack"));
  EXPECT_NE(nat_out["conntrack"][0].get<std::string>().find("reply 198.51.100.1 → 203.0.113.2"), std::string::npos);
  // The rules met at the nat point: the lab's forward accept and the masquerade, with their comments.
  ASSERT_TRUE(nat_out.contains("rules")) << nat_out.dump(2);
  bool forward_accept = false, masquerade = false;
  for (const auto& r : nat_out["rules"]) {
    EXPECT_EQ(r["table"], "netlab_" + lab);
    EXPECT_EQ(r["comment"], "netlab:" + lab + ":default");
    if (r["chain"] == "forward" && r["verdict"] == "accept") forward_accept = true;
    if (r["chain"] == "postrouting" && r["rule"].get<std::string>().find("masquerade") != std::string::npos)
      masquerade = true;
  }
  EXPECT_TRUE(forward_accept) << nat_out.dump(2);
  EXPECT_TRUE(masquerade) << nat_out.dump(2);
  // The trace chain is gone again.
  Outcome chains = in_netns(lab + "-host", {"nft", "list", "table", "inet", "netlab_" + lab});
  EXPECT_EQ(chains.out.find("trace_pre"), std::string::npos) << chains.out;
  // The doctor agrees: healthy, exit 0.
  Outcome d = doctor(lab);
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("verdict: g1: healthy, reaches 198.51.100.1"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("verdict: g2: healthy, reaches 198.51.100.1"), std::string::npos) << d.out;
}

TEST_F(LabTest, NatTcpConnectToWanServer) {
  const std::string lab = "ltt";
  up_ok(write_topology(lab, nat_topology(lab)));
  auto server = serve(lab + "-wan", 8080);
  ASSERT_TRUE(server);
  json doc = trace_json(lab, "g1", "198.51.100.1", {"--proto", "tcp:8080"});
  EXPECT_EQ(doc["probe"]["answered"], 1) << doc.dump(2);
  auto syn = packets_of(doc, "request", "tcp 192.168.122.10:");
  auto synack = packets_of(doc, "reply", "tcp 198.51.100.1:8080 → 203.0.113.2:");
  ASSERT_FALSE(syn.empty()) << doc.dump(2);
  ASSERT_FALSE(synack.empty()) << doc.dump(2);
  EXPECT_NE(syn[0]["summary"].get<std::string>().find("[S]"), std::string::npos);
  EXPECT_NE(synack[0]["summary"].get<std::string>().find("[S.]"), std::string::npos);
  EXPECT_EQ(hops_of(syn[0]), nat_request_hops(lab));
  EXPECT_EQ(hops_of(synack[0]), nat_reply_hops(lab));
  EXPECT_EQ(hop_with_role(syn[0], "nat")["change"].get<std::string>().rfind("src 192.168.122.10 → 203.0.113.2", 0), 0u);
  ASSERT_EQ(doc["conntrack"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["conntrack"][0]["original"].get<std::string>().rfind("tcp 192.168.122.10:", 0), 0u);
  EXPECT_NE(doc["conntrack"][0]["original"].get<std::string>().find(" → 198.51.100.1:8080"), std::string::npos);
  EXPECT_EQ(doc["conntrack"][0]["reply"].get<std::string>().rfind("tcp 198.51.100.1:8080 → 203.0.113.2:", 0), 0u);
  EXPECT_NE(doc["conntrack"][0]["status"].get<std::string>().find("SNAT"), std::string::npos);
  EXPECT_TRUE(server->stop());
}

TEST_F(LabTest, GuestToGuestOnOneBridgeAndOutputs) {
  const std::string lab = "ltg";
  up_ok(write_topology(lab, nat_topology(lab)));
  std::string g2 = hopmap_address(lab, "g2");
  ASSERT_FALSE(g2.empty());
  const std::string save = dir_ + "/save", pcap = dir_ + "/t.pcapng";
  json doc = trace_json(lab, "g1", g2, {"--save", save, "--pcap", pcap, "--svg", dir_ + "/t.svg", "--html",
                                        dir_ + "/t.html", "--dot", dir_ + "/t.dot"});
  auto req = packets_of(doc, "request", "icmp echo-request");
  auto rep = packets_of(doc, "reply", "icmp echo-reply");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  ASSERT_EQ(rep.size(), 1u) << doc.dump(2);
  const std::string h = lab + "-host/";
  EXPECT_EQ(hops_of(req[0]), (std::vector<std::string>{"guest-nic " + lab + "-g1/eth0 out", "veth " + h + lab + "-g1-0 in",
                                                       "bridge " + h + lab + "-default fwd",
                                                       "veth " + h + lab + "-g2-0 out", "guest-nic " + lab + "-g2/eth0 in"}));
  EXPECT_EQ(hops_of(rep[0]), (std::vector<std::string>{"guest-nic " + lab + "-g2/eth0 out", "veth " + h + lab + "-g2-0 in",
                                                       "bridge " + h + lab + "-default fwd",
                                                       "veth " + h + lab + "-g1-0 out", "guest-nic " + lab + "-g1/eth0 in"}));
  // --save is a capture set the offline tracer reads back to the same hops.
  EXPECT_TRUE(fs::exists(save + "/hopmap.json"));
  EXPECT_TRUE(fs::exists(save + "/" + lab + "-g1__eth0.pcap"));
  Outcome off = netlab({"trace", "--offline", save, "--json"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  json offdoc = json::parse(off.out);
  auto offreq = packets_of(offdoc, "request", "icmp echo-request");
  ASSERT_EQ(offreq.size(), 1u);
  EXPECT_EQ(hops_of(offreq[0]), hops_of(req[0]));
  // --pcap is readable by tshark with a comment per hop.
  Outcome ts = run_command({"tshark", "-r", pcap, "-T", "fields", "-e", "frame.comment"});
  EXPECT_EQ(ts.exit_code, 0) << ts.err;
  EXPECT_NE(ts.out.find("packet 1 request, hop 1 " + lab + "-g1/eth0 guest-nic out"), std::string::npos) << ts.out;
  // Figures.
  EXPECT_NE(read_text(dir_ + "/t.svg").find("<svg"), std::string::npos);
  EXPECT_NE(read_text(dir_ + "/t.html").find(lab + "-g2-0"), std::string::npos);
  EXPECT_TRUE(fs::file_size(dir_ + "/t.dot") > 0);
}

TEST_F(LabTest, PassiveTraceSeesRealTraffic) {
  const std::string lab = "lta";
  up_ok(write_topology(lab, nat_topology(lab)));
  // A ping from g2 while the passive trace runs (started first, in the background).
  auto tracer = start_netlab({"trace", lab, "--passive", "--filter", "icmp", "--duration", "3", "--json"},
                             {.stdout_path = dir_ + "/passive.json", .stderr_path = dir_ + "/passive.err"});
  ASSERT_TRUE(tracer);
  // The ping goes once the tracer says it captures (as tcpdump's "listening on").
  ASSERT_TRUE(wait_for_text(dir_ + "/passive.err", "capturing on", *tracer)) << read_text(dir_ + "/passive.err");
  const std::string said = read_text(dir_ + "/passive.err");
  ASSERT_NE(said.find("netlab trace: capturing on "), std::string::npos) << said;
  EXPECT_NE(said.find("devices of lab " + lab + " for 3 s (filter: icmp)"), std::string::npos) << said;
  EXPECT_TRUE(ping(lab + "-g2", "198.51.100.1"));
  json doc = json_when_done(*tracer, dir_ + "/passive.json", dir_ + "/passive.err", 10);
  ASSERT_TRUE(doc.is_object());
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_FALSE(req.empty()) << doc.dump(2);
  EXPECT_EQ(hops_of(req[0]).front(), "guest-nic " + lab + "-g2/eth0 out");
  EXPECT_EQ(hops_of(req[0]).back(), "upstream " + lab + "-wan/wan0 in");
}

TEST_F(LabTest, IsolatedPathEndsAtTheBridge) {
  const std::string lab = "lti";
  up_ok(write_topology(lab, "name: " + lab + R"(
networks:
  priv:
    mode: isolated
    subnet: 10.10.0.0/24
    dhcp:
      range: 10.10.0.50-10.10.0.99
guests:
  a:
    nics:
      - {network: priv}
  b:
    nics:
      - {network: priv, address: 10.10.0.20/24, mac: "52:54:00:10:00:20"}
)"));
  json doc = trace_json(lab, "a", "10.10.0.20");
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  EXPECT_EQ(hops_of(req[0]), (std::vector<std::string>{"guest-nic " + lab + "-a/eth0 out", "veth " + lab + "-host/" + lab + "-a-0 in",
                                                       "bridge " + lab + "-host/" + lab + "-priv fwd",
                                                       "veth " + lab + "-host/" + lab + "-b-0 out", "guest-nic " + lab + "-b/eth0 in"}));
  EXPECT_EQ(packets_of(doc, "reply", "icmp echo-reply").size(), 1u);
  // Outside the lab nothing gets through: with a default route (DHCP router option) the request stops at
  // the bridge with no reply; without one the guest's kernel refuses it, and the trace says so.
  json out = trace_json(lab, "a", "198.51.100.1");
  EXPECT_EQ(out["probe"]["answered"], 0);
  auto oreq = packets_of(out, "request", "icmp echo-request");
  if (oreq.empty()) {
    EXPECT_EQ(first_drop_cause(out), "no route to 198.51.100.1 in " + lab + "-a") << out.dump(2);
  } else {
    EXPECT_EQ(hops_of(oreq[0]).back(), "bridge " + lab + "-host/" + lab + "-priv in") << out.dump(2);
  }
}

TEST_F(LabTest, GuestToGuestOverOvsAndOtherVlanUnreachable) {
  const std::string lab = "lto";
  up_ok(write_topology(lab, vlan_topology(lab, "nat", true)));
  // The userspace datapath switches without passing the bridge's own port: no ovs hop, the two veths.
  json doc = trace_json(lab, "red1", "10.20.0.12");
  EXPECT_EQ(doc["probe"]["answered"], 1) << doc.dump(2);
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  const std::string h = lab + "-host/";
  EXPECT_EQ(hops_of(req[0]), (std::vector<std::string>{"guest-nic " + lab + "-red1/eth0 out", "veth " + h + lab + "-red1-0 in",
                                                       "veth " + h + lab + "-red2-0 out", "guest-nic " + lab + "-red2/eth0 in"}));
  // Another VLAN: the request enters the switch and goes nowhere.
  json other = trace_json(lab, "red1", "10.20.0.21");
  EXPECT_EQ(other["probe"]["answered"], 0);
  // red1 never learns blue1's MAC, so no echo request leaves it: the VLANs keep them apart (not only "no ARP reply").
  EXPECT_TRUE(packets_of(other, "request", "icmp echo-request").empty()) << other.dump(2);
  EXPECT_EQ(first_drop_cause(other),
            "10.20.0.21 is blue1 in VLAN 20; red1 is in VLAN 10 on the same switch, which keeps them apart")
      << other.dump(2);
  // The gateway sits on the switch's own, untagged port: the request reaches it tagged and is dropped there.
  json gateway = trace_json(lab, "red1", "10.20.0.1");
  EXPECT_EQ(gateway["probe"]["answered"], 0);
  EXPECT_NE(first_drop_cause(gateway).find("reached " + h + lab + "-core tagged with VLAN 10, but the host's own port"),
            std::string::npos)
      << gateway.dump(2);
}

TEST_F(LabTest, BridgedPathThroughTheLanBridge) {
  const std::string lab = "ltb";
  up_ok(write_topology(lab, "name: " + lab + R"(
networks:
  office:
    mode: bridge
    uplink: eth1
    attach: bridge
    subnet: 192.0.2.0/24
guests:
  pc1:
    nics:
      - {network: office}
  pc2:
    nics:
      - {network: office, address: 192.0.2.50/24, mac: "52:54:00:20:00:02"}
)"));
  std::string pc1 = hopmap_address(lab, "pc1");
  ASSERT_FALSE(pc1.empty());
  json doc = trace_json(lab, "pc2", pc1);
  auto req = packets_of(doc, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << doc.dump(2);
  EXPECT_EQ(hops_of(req[0]), (std::vector<std::string>{"guest-nic " + lab + "-pc2/eth0 out", "veth " + lab + "-host/" + lab + "-pc2-0 in",
                                                       "bridge " + lab + "-host/" + lab + "-office fwd",
                                                       "veth " + lab + "-host/" + lab + "-pc1-0 out", "guest-nic " + lab + "-pc1/eth0 in"}));
  EXPECT_EQ(packets_of(doc, "reply", "icmp echo-reply").size(), 1u);
}

// A guest on two networks is traced, and doctored, on the NIC its own routing
// picks for the destination, not on its first NIC.
TEST_F(LabTest, TwoHomedGuestIsTracedOnTheNicItRoutesBy) {
  const std::string lab = "ltm2";
  up_ok(write_topology(lab, "name: " + lab + R"(
networks:
  front:
    mode: nat
    subnet: 192.168.171.0/24
  back:
    mode: isolated
    subnet: 10.0.171.0/24
guests:
  web:
    nics:
      - {network: front, address: 192.168.171.10/24}
      - {network: back, address: 10.0.171.10/24}
  db:
    nics:
      - {network: back, address: 10.0.171.5/24}
)"));
  json back = trace_json(lab, "web", "10.0.171.5");
  EXPECT_EQ(back["probe"]["answered"], 1) << back.dump(2);
  auto req = packets_of(back, "request", "icmp echo-request");
  ASSERT_EQ(req.size(), 1u) << back.dump(2);
  EXPECT_EQ(hops_of(req[0]).front(), "guest-nic " + lab + "-web/eth1 out");
  EXPECT_EQ(hops_of(req[0]).back(), "guest-nic " + lab + "-db/eth0 in");

  json out = trace_json(lab, "web", "198.51.100.1");
  EXPECT_EQ(out["probe"]["answered"], 1) << out.dump(2);
  auto out_req = packets_of(out, "request", "icmp echo-request");
  ASSERT_EQ(out_req.size(), 1u) << out.dump(2);
  EXPECT_EQ(hops_of(out_req[0]).front(), "guest-nic " + lab + "-web/eth0 out");

  // doctor: one report per NIC, each probing what that NIC leads to.
  Outcome d = doctor(lab, "web");
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("web (eth0 network front, mode nat):"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("web (eth1 network back, mode isolated):"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("verdict: web eth0: healthy, reaches 198.51.100.1"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("verdict: web eth1: healthy, reaches 10.0.171.1"), std::string::npos) << d.out;
}

}  // namespace
}  // namespace netlab::testing
