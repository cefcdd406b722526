// A NAT lab on the real host (topologies/nat.yaml, no host.uplink): the uplink
// is found from the default route, printed, recorded in the hop map, and trace
// and doctor follow the guest's packets through the NAT out of it.
#include <fstream>
#include <nlohmann/json.hpp>

#include "realhost_fixture.h"
#include "netlab/host/netns.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

TEST_F(RealHostTest, NatLabFindsTheUplinkAndTracesNatAndUplink) {
  const std::string lab = "rhnat";
  const std::string file = copy_topology("nat", lab);
  Outcome plan = netlab_on_host({"plan", file});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("rhnat: uplink eth0 (the NIC of the default route via 203.0.113.1)"), std::string::npos)
      << plan.out;
  Outcome up = netlab_on_host({"up", file});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("rhnat: uplink eth0 (the NIC of the default route via 203.0.113.1)"), std::string::npos)
      << up.out;
  // The hop map: uplink eth0 of the host (netns "").
  std::ifstream in("/run/netlab/rhnat/hopmap.json");
  json map = json::parse(in);
  bool uplink = false;
  for (const auto& h : map["nics"][0]["hops"])
    if (h["role"] == "uplink") uplink = h["netns"] == "" && h["device"] == "eth0";
  EXPECT_TRUE(uplink) << map.dump(2);
  // Guests reach the outside, masqueraded behind the host's address.
  EXPECT_TRUE(ping("rhnat-g1", "198.51.100.1"));
  EXPECT_TRUE(ping("rhnat-g2", "198.51.100.1"));
  // trace: guest, veth, bridge, nat, uplink; the reply back the same way.
  Outcome trace = netlab_on_host({"trace", lab, "--from", "g1", "--to", "198.51.100.1", "--json"});
  ASSERT_EQ(trace.exit_code, 0) << trace.out << trace.err;
  json doc = json::parse(trace.out);
  EXPECT_EQ(doc["probe"]["answered"], 1) << trace.out;
  std::vector<std::string> request, reply;
  for (const auto& p : doc["packets"]) {
    if (p["summary"].get<std::string>().find("echo-request") != std::string::npos) request = hops_of(p);
    if (p["summary"].get<std::string>().find("echo-reply") != std::string::npos) reply = hops_of(p);
  }
  EXPECT_EQ(request, (std::vector<std::string>{"guest-nic rhnat-g1/eth0", "veth /rhnat-g1-0", "bridge /rhnat-default",
                                               "nat /", "uplink /eth0"}))
      << doc.dump(2);
  EXPECT_EQ(reply, (std::vector<std::string>{"uplink /eth0", "nat /", "bridge /rhnat-default", "veth /rhnat-g1-0",
                                             "guest-nic rhnat-g1/eth0"}))
      << doc.dump(2);
  for (const auto& p : doc["packets"]) {
    for (const auto& h : p["hops"]) {
      if (h["role"] == "nat" && p["kind"] == "request") {
        EXPECT_NE(h["change"].get<std::string>().find("src 192.168.122.10 → 203.0.113.50"), std::string::npos)
            << h.dump();
      }
    }
  }
  // doctor probes the host's default gateway and names "the host".
  Outcome doctor = netlab_on_host({"doctor", lab, "g1"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  EXPECT_NE(doctor.out.find("net.ipv4.ip_forward=1 in the host"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("probe: icmp echo to 203.0.113.1 answered"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("forward-policy: no other table drops"), std::string::npos) << doctor.out;
  Outcome to = netlab_on_host({"doctor", lab, "g1", "--to", "198.51.100.1"});
  EXPECT_EQ(to.exit_code, 0) << to.out << to.err;
  EXPECT_NE(to.out.find("verdict: g1: healthy, reaches 198.51.100.1"), std::string::npos) << to.out;
  Outcome down = netlab_on_host({"down", lab});
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
}

}  // namespace
}  // namespace netlab::testing
