// The planner against an in-memory observed state: fresh labs, idempotency,
// drift repair, per-mode steps, and the hop map.
#include "netlab/plan/planner.h"

#include <gtest/gtest.h>

#include "fake_observed.h"
#include "test_labs.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/plan/desired.h"

namespace netlab::plan {
namespace {

using model::Cidr;
using model::Ipv4;

TEST(Planner, FreshNatLabBuildsEverythingInOrder) {
  FakeObserved observed;
  auto steps = make(nat_lab(), sandbox_target("nat"), observed);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(describe(steps.front()), "create namespace nat-host");
  auto namespaces = all_of<CreateNetns>(steps);
  ASSERT_EQ(namespaces.size(), 4u);  // host, wan, g1, g22
  EXPECT_EQ(namespaces[2].name, "nat-g1");
  auto bridges = all_of<CreateBridge>(steps);
  ASSERT_EQ(bridges.size(), 1u);
  EXPECT_EQ(bridges[0].name, "nat-default");
  EXPECT_EQ(bridges[0].alias, "netlab:nat network=default");
  auto veths = all_of<CreateVeth>(steps);
  ASSERT_FALSE(veths.empty());
  EXPECT_EQ(veths.back().alias, "netlab:nat guest=g22 nic=eth0");  // lab, guest and NIC travel with the device
  auto nft = all_of<ApplyNft>(steps);
  ASSERT_EQ(nft.size(), 1u);
  EXPECT_EQ(nft[0].table, "netlab_nat");
  EXPECT_NE(nft[0].ruleset.find("masquerade"), std::string::npos);
  EXPECT_GT(nft[0].rule_count, 0u);
  auto dns = all_of<StartDnsmasq>(steps);
  ASSERT_EQ(dns.size(), 1u);
  EXPECT_EQ(dns[0].config.bridge, "nat-default");
  EXPECT_EQ(dns[0].config.listen_address, *Ipv4::parse("192.168.122.1"));
  auto leases = all_of<ObtainLease>(steps);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].netns, "nat-g1");
  // The static guest gets its address and a default route via the gateway.
  auto lines = describe_all(steps);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "add address 192.168.122.10/24 to eth0 in nat-g22"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "add route default via 192.168.122.1 dev eth0 in nat-g22"),
            lines.end());
  // Leases come last, once dnsmasq runs.
  EXPECT_TRUE(std::holds_alternative<ObtainLease>(steps.back()));
  auto dnsmasq_at = std::find_if(steps.begin(), steps.end(), [](auto& s) { return std::holds_alternative<StartDnsmasq>(s); });
  auto lease_at = std::find_if(steps.begin(), steps.end(), [](auto& s) { return std::holds_alternative<ObtainLease>(s); });
  EXPECT_LT(dnsmasq_at, lease_at);
}

TEST(Planner, SecondPlanIsEmpty) {
  FakeObserved observed;
  auto topo = nat_lab();
  for (const auto& step : make(topo, sandbox_target("nat"), observed)) observed.apply(step);
  EXPECT_TRUE(make(topo, sandbox_target("nat"), observed).empty());
}

TEST(Planner, BridgeDeletedByHandIsRecreatedWithItsPorts) {
  FakeObserved observed;
  auto topo = nat_lab();
  for (const auto& step : make(topo, sandbox_target("nat"), observed)) observed.apply(step);
  observed.links.erase({"nat-host", "nat-default"});
  observed.addrs.erase({"nat-host", "nat-default"});
  for (auto& [key, link] : observed.links)
    if (link.master == "nat-default") link.master.clear();  // the kernel releases the ports
  auto lines = describe_all(make(topo, sandbox_target("nat"), observed));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "create bridge nat-default in nat-host (mtu 1500, mac 52:54:00:37:60:0e)",
                       "add address 192.168.122.1/24 to nat-default in nat-host",
                       "bring up nat-default in nat-host",
                       // dnsmasq still runs, bound to the deleted bridge's ifindex: restarted.
                       "start dnsmasq for default on nat-default in nat-host (DHCP 192.168.122.100-192.168.122.199)",
                       "attach nat-g1-0 to bridge nat-default in nat-host",
                       "attach nat-g22-0 to bridge nat-default in nat-host",
                   }));
}

TEST(Planner, DnsmasqOnARecreatedBridgeIsRestarted) {
  // dnsmasq binds DHCP to the bridge's ifindex: alive on a bridge deleted and
  // recreated under the same name, it serves nobody. That is drift.
  FakeObserved observed;
  auto topo = nat_lab();
  for (const auto& step : make(topo, sandbox_target("nat"), observed)) observed.apply(step);
  observed.links[{"nat-host", "nat-default"}].ifindex = 99;  // what a recreated bridge gets
  auto steps = make(topo, sandbox_target("nat"), observed);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<StartDnsmasq>(steps[0]));
  for (const auto& step : steps) observed.apply(step);
  EXPECT_TRUE(make(topo, sandbox_target("nat"), observed).empty());
  // A daemon whose bridge is unknown (no record: started by an older netlab) is restarted once.
  observed.dnsmasq_bridge_indexes.clear();
  EXPECT_EQ(make(topo, sandbox_target("nat"), observed).size(), 1u);
}

TEST(Planner, StoppedDnsmasqAndFlushedTableComeBack) {
  FakeObserved observed;
  auto topo = nat_lab();
  for (const auto& step : make(topo, sandbox_target("nat"), observed)) observed.apply(step);
  observed.process_pid_files.clear();
  observed.nft[{"nat-host", "netlab_nat"}] = 1;  // a rule deleted by hand
  auto steps = make(topo, sandbox_target("nat"), observed);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ApplyNft>(steps[0]));
  EXPECT_TRUE(std::holds_alternative<StartDnsmasq>(steps[1]));
}

TEST(Planner, IsolatedNetworkHasNoForwardingNoRouteNoUplinkPath) {
  model::Topology t;
  t.name = "iso";
  t.networks.push_back(make_network("lab", model::NetworkMode::isolated, "10.10.0.0/24"));
  t.guests.push_back(make_guest("a", "lab", "10.10.0.11/24"));
  FakeObserved observed;
  auto lines = describe_all(make(t, sandbox_target("iso"), observed));
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("ip_forward=1 in iso-host"), std::string::npos) << line;
    EXPECT_EQ(line.find("add route default via 10.10.0.1"), std::string::npos) << line;
  }
  auto map = hop_map(t, sandbox_target("iso"));
  ASSERT_EQ(map.nics.size(), 1u);
  std::vector<model::HopRole> roles;
  for (const auto& hop : map.nics[0].hops) roles.push_back(hop.role);
  EXPECT_EQ(roles, (std::vector<model::HopRole>{model::HopRole::guest_nic, model::HopRole::veth, model::HopRole::bridge}));
}

TEST(Planner, RoutedNetworkGetsARouteOnTheUpstreamRouter) {
  model::Topology t;
  t.name = "rtd";
  t.networks.push_back(make_network("lab", model::NetworkMode::route, "10.20.0.0/24"));
  FakeObserved observed;
  auto lines = describe_all(make(t, sandbox_target("rtd"), observed));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "add route 10.20.0.0/24 via 203.0.113.2 dev wan0 in rtd-wan"),
            lines.end());
  auto nft = all_of<ApplyNft>(make(t, sandbox_target("rtd"), observed));
  ASSERT_EQ(nft.size(), 1u);
  EXPECT_EQ(nft[0].ruleset.find("masquerade"), std::string::npos);
}

TEST(Planner, BridgedNetworkEnslavesTheUplinkAndUsesTheLanDhcp) {
  model::Topology t = bridged_lab("eth1");
  FakeObserved observed;
  auto steps = make(t, sandbox_target("brg"), observed);
  auto lines = describe_all(steps);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "create namespace brg-lan"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "attach eth1 to bridge brg-office in brg-host (its addresses and routes move to the bridge)"),
            lines.end());
  auto dns = all_of<StartDnsmasq>(steps);
  ASSERT_EQ(dns.size(), 1u);  // the LAN's, not netlab's
  EXPECT_EQ(dns[0].netns, "brg-lan");
  EXPECT_TRUE(all_of<ApplyNft>(steps).empty());
  auto map = hop_map(t, sandbox_target("brg"));
  std::vector<model::HopRole> roles;
  for (const auto& hop : map.nics[0].hops) roles.push_back(hop.role);
  using model::HopRole;
  EXPECT_EQ(roles, (std::vector<HopRole>{HopRole::guest_nic, HopRole::veth, HopRole::bridge, HopRole::uplink,
                                         HopRole::upstream}));
  EXPECT_EQ(map.nics[0].hops.back().netns, "brg-lan");
}

TEST(Planner, OvsNetworkStartsDaemonsPlugsTaggedPortsAndIsIdempotent) {
  model::Topology t = ovs_lab();
  FakeObserved observed;
  auto steps = make(t, sandbox_target("ovs"), observed);
  auto lines = describe_all(steps);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "create OVS bridge ovs-core in ovs-host (datapath netdev)"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "add ovs-red-0 to OVS bridge ovs-core as access port of VLAN 10"),
            lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "turn TX checksum offload off on eth0 in ovs-red"), lines.end());
  EXPECT_TRUE(all_of<CreateBridge>(steps).empty());
  EXPECT_TRUE(all_of<SetMaster>(steps).empty());
  ASSERT_EQ(all_of<StartOvs>(steps).size(), 1u);
  for (const auto& step : steps) observed.apply(step);
  EXPECT_TRUE(make(t, sandbox_target("ovs"), observed).empty());
  observed.ovs_ports[{"/run/netlab/ovs", "ovs-core"}]["ovs-red-0"] = 20;  // retagged by hand
  auto repair = describe_all(make(t, sandbox_target("ovs"), observed));
  EXPECT_EQ(repair, std::vector<std::string>{"change ovs-red-0 on OVS bridge ovs-core from VLAN 20 to VLAN 10"});
}

TEST(Planner, RealHostUplinkFoundOnTheHostGoesIntoRulesAndHopMap) {
  Target host{false, "", "/run/netlab/nat", "enp1s0"};  // the uplink plan::choose_uplink found
  auto map = hop_map(nat_lab(), host);
  const auto& hops = map.nics[0].hops;
  ASSERT_GE(hops.size(), 2u);
  EXPECT_EQ(hops[hops.size() - 2], (model::Hop{model::HopRole::nat, "", ""}));
  EXPECT_EQ(hops.back(), (model::Hop{model::HopRole::uplink, "", "enp1s0"}));  // the host's own namespace, no upstream hop
  FakeObserved observed;
  auto nft = all_of<ApplyNft>(make(nat_lab(), host, observed));
  ASSERT_EQ(nft.size(), 1u);
  EXPECT_NE(nft[0].ruleset.find("oifname \"enp1s0\""), std::string::npos) << nft[0].ruleset;
}

TEST(Planner, NatHopMapFollowsThePacketOut) {
  auto map = hop_map(nat_lab(), sandbox_target("nat"));
  ASSERT_EQ(map.nics.size(), 2u);
  const auto& hops = map.nics[0].hops;
  std::vector<model::Hop> expected = {{model::HopRole::guest_nic, "nat-g1", "eth0", ""},
                                      {model::HopRole::veth, "nat-host", "nat-g1-0", "g1:eth0"},
                                      {model::HopRole::bridge, "nat-host", "nat-default", "network default"},
                                      {model::HopRole::nat, "nat-host", ""},
                                      {model::HopRole::uplink, "nat-host", "eth0"},
                                      {model::HopRole::upstream, "nat-wan", "wan0"}};
  EXPECT_EQ(hops, expected);
  EXPECT_EQ(map.nics[1].address, "192.168.122.10/24");
}

TEST(Planner, OvnHopMapCrossesTheTunnelToTheGatewayHost) {
  auto loaded = model::load_string(R"(name: th
hosts: {h1: {}, h2: {uplink: eth0}}
networks:
  front: {mode: nat, switch: ovn, subnet: 10.70.0.0/24, dhcp: {range: 10.70.0.100-10.70.0.199}}
  back: {mode: isolated, switch: ovn, subnet: 10.71.0.0/24}
guests:
  a1: {nics: [{network: front}]}
  b1: {host: h2, nics: [{network: front}]}
  i1: {nics: [{network: back, address: 10.71.0.10/24}]}
)", "th.yaml");
  ASSERT_TRUE(loaded.ok());
  auto map = hop_map(loaded.topology, sandbox_target("th"));
  ASSERT_EQ(map.nics.size(), 3u);
  using model::HopRole;
  // a1 on h1: out of its host by the underlay, into the gateway host h2, its router's SNAT there.
  std::vector<model::Hop> a1 = {{HopRole::guest_nic, "th-a1", "eth0", ""},
                                {HopRole::veth, "th-host", "th-a1-0", "a1:eth0"},
                                {HopRole::ovs, "th-host", "br-int", "network front"},
                                {HopRole::tunnel_out, "th-host", "dc0", "underlay of h1"},
                                {HopRole::tunnel_in, "th-h2", "dc0", "underlay of h2"},
                                {HopRole::ovs, "th-h2", "br-int", "network front"},
                                {HopRole::nat, "th-h2", ""},
                                {HopRole::uplink, "th-h2", "eth0"},
                                {HopRole::upstream, "th-wan", "wan0"}};
  EXPECT_EQ(map.nics[0].hops, a1);
  // b1 on the gateway host reaches the router without a tunnel.
  for (const auto& hop : map.nics[1].hops) EXPECT_FALSE(model::is_tunnel(hop.role)) << model::to_string(hop.role);
  // i1 (isolated): its own host's tunnel-out, where packets to peers on other hosts leave.
  EXPECT_EQ(map.nics[2].hops.back(), (model::Hop{HopRole::tunnel_out, "th-host", "dc0", "underlay of h1"}));
}

// `netlab migrate` records a domain on its destination under that host's
// namespace (plan/migrate.cpp): a domain is wanted by its name and libvirt URI,
// so `up` keeps a migrated VM, and removes a record of it on another libvirt.
TEST(Planner, DomainIsWantedByNameAndUriWhateverItsRecordsNamespace) {
  auto loaded = model::load_string(R"(name: dm
hosts: {h1: {}, h2: {}}
networks:
  n: {mode: isolated, switch: ovn, subnet: 10.75.0.0/24}
guests:
  vm: {kind: kvm, host: h2, nics: [{network: n, address: 10.75.0.10/24}]}
)", "dm.yaml");
  ASSERT_TRUE(loaded.ok());
  const Target target = sandbox_target("dm");
  std::optional<state::OwnedObject> wanted;
  for (const auto& a : desired_actions(loaded.topology, target))
    if (std::holds_alternative<RunDomain>(a)) wanted = owned_object(a);
  ASSERT_TRUE(wanted.has_value());
  FakeObserved observed;
  observed.domains[wanted->name] = "<domain/>";
  auto removes_domain = [&](const state::OwnedObject& recorded) {
    Owned owned;
    owned.objects = {recorded};
    for (const auto& step : make(loaded.topology, target, observed, owned))
      if (auto* r = std::get_if<RemoveObject>(&step); r && r->object.kind == state::ObjectKind::domain) return true;
    return false;
  };
  EXPECT_FALSE(removes_domain({state::ObjectKind::domain, "dm-h2", wanted->name, wanted->detail}));
  EXPECT_FALSE(removes_domain(*wanted));
  EXPECT_TRUE(removes_domain({state::ObjectKind::domain, "dm-host", wanted->name, "qemu+unix:///system?socket=/elsewhere"}));
}

}  // namespace
}  // namespace netlab::plan
