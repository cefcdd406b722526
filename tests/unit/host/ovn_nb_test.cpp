// The NB transaction of one OVN network (host/ovn_nb.h), pure: what it deletes
// first, the rows it inserts, OVSDB's set and map encodings, the IPAM pool.
#include <gtest/gtest.h>

#include "netlab/host/ovn_nb.h"

namespace netlab::host {
namespace {

using nlohmann::json;

OvnNetworkSpec nat_spec() {
  OvnNetworkSpec s;
  s.lab = "two-hosts";
  s.network = "front";
  s.subnet = *model::Cidr::parse("10.70.0.0/24");
  s.gateway = model::Ipv4::parse("10.70.0.1");
  s.router_mac = *model::Mac::parse("52:54:00:00:00:01");
  s.dhcp = true;
  s.range_start = model::Ipv4::parse("10.70.0.100");
  s.range_end = model::Ipv4::parse("10.70.0.199");
  s.router = s.snat = true;
  s.gateway_chassis = "h2";
  s.external = *model::Cidr::parse("203.0.113.10/24");
  s.external_gateway = *model::Ipv4::parse("203.0.113.1");
  s.external_mac = *model::Mac::parse("52:54:00:00:00:02");
  s.ports.push_back({"a1:eth0", *model::Mac::parse("52:54:00:00:00:10"), std::nullopt, true, std::nullopt});
  s.ports.push_back({"b1:eth0", *model::Mac::parse("52:54:00:00:00:11"), model::Ipv4::parse("10.70.0.20"), false, std::nullopt});
  return s;
}

std::vector<json> rows_of(const json& ops, const std::string& table) {
  std::vector<json> out;
  for (const json& op : ops)
    if (op["op"] == "insert" && op["table"] == table) out.push_back(op["row"]);
  return out;
}

TEST(OvnNb, DeletesTheNetworksOwnRowsFirstThenInsertsItAfresh) {
  json ops = ovn_network_operations(nat_spec());
  ASSERT_GE(ops.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ops[i]["op"], "delete");
    EXPECT_EQ(ops[i]["where"][0][1], "includes");
    EXPECT_EQ(ops[i]["where"][0][2].dump(), R"(["map",[["netlab-lab","two-hosts"],["netlab-network","front"]]])");
  }
}

TEST(OvnNb, PortsRouterSnatAndGatewayChassis) {
  json ops = ovn_network_operations(nat_spec());
  auto ports = rows_of(ops, "Logical_Switch_Port");
  ASSERT_EQ(ports.size(), 5u);  // two guests, the router's port, localnet and the outside router port
  EXPECT_EQ(ports[0]["addresses"].dump(), R"(["set",["52:54:00:00:00:10 dynamic"]])");
  EXPECT_EQ(ports[0]["dhcpv4_options"].dump(), R"(["set",[["named-uuid","dhcp"]]])");
  EXPECT_EQ(ports[1]["addresses"].dump(), R"(["set",["52:54:00:00:00:11 10.70.0.20"]])");
  EXPECT_FALSE(ports[1].contains("dhcpv4_options"));
  auto switches = rows_of(ops, "Logical_Switch");
  ASSERT_EQ(switches.size(), 2u);
  EXPECT_EQ(switches[0]["name"], "front");
  EXPECT_EQ(switches[0]["other_config"].dump(),
            R"(["map",[["subnet","10.70.0.0/24"],["exclude_ips","10.70.0.1..10.70.0.99 10.70.0.200..10.70.0.254"]]])");
  auto nat = rows_of(ops, "NAT");
  ASSERT_EQ(nat.size(), 1u);
  EXPECT_EQ(nat[0]["external_ip"], "203.0.113.10");
  EXPECT_EQ(nat[0]["logical_ip"], "10.70.0.0/24");
  auto gwc = rows_of(ops, "Gateway_Chassis");
  ASSERT_EQ(gwc.size(), 1u);
  EXPECT_EQ(gwc[0]["chassis_name"], "h2");
  auto dhcp = rows_of(ops, "DHCP_Options");
  ASSERT_EQ(dhcp.size(), 1u);
  EXPECT_NE(dhcp[0]["options"].dump().find(R"(["router","10.70.0.1"])"), std::string::npos);
}

TEST(OvnNb, IsolatedHasNoRouterAndAVlanGetsItsOwnSwitch) {
  OvnNetworkSpec s = nat_spec();
  s.router = s.snat = false;
  s.ports[1].vlan = 10;
  json ops = ovn_network_operations(s);
  EXPECT_TRUE(rows_of(ops, "Logical_Router").empty());
  EXPECT_TRUE(rows_of(ops, "NAT").empty());
  auto switches = rows_of(ops, "Logical_Switch");
  ASSERT_EQ(switches.size(), 2u);
  EXPECT_EQ(switches[1]["name"], "front.v10");
  EXPECT_EQ(rows_of(ops, "DHCP_Options")[0]["options"].dump().find("router"), std::string::npos);
}

TEST(OvnNb, DigestFollowsTheSpec) {
  OvnNetworkSpec a = nat_spec(), b = nat_spec();
  EXPECT_EQ(ovn_network_digest(a), ovn_network_digest(b));
  b.ports.pop_back();
  EXPECT_NE(ovn_network_digest(a), ovn_network_digest(b));
}

}  // namespace
}  // namespace netlab::host
