// Building lab diagrams from topologies made in code: node and edge sets,
// labels, clusters, legend, sandbox outside, live leases, determinism.
#include "graphs/lab_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "netlab/model/loader.h"
#include "tests/unit/graphs/sample_labs.h"

namespace netlab::graphs {
namespace {

using testing::bridged_lab;
using testing::isolated_lab;
using testing::mixed_lab;
using testing::nat_lab;

std::set<std::string> node_ids(const Diagram& d) {
  std::set<std::string> ids;
  for (const auto& n : d.nodes) ids.insert(n.id);
  return ids;
}

std::set<std::pair<std::string, std::string>> edge_set(const Diagram& d) {
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : d.edges)
    if (e.style != "invis") edges.insert({e.from, e.to});
  return edges;
}

bool has_edge(const Diagram& d, const std::string& from, const std::string& to) {
  return edge_set(d).count({from, to}) == 1;
}

TEST(LabGraph, NatLabNodesAndEdges) {
  LiveData live;
  live.sandbox = true;
  Diagram d = build_lab_diagram(nat_lab(), live);
  EXPECT_EQ(node_ids(d), (std::set<std::string>{"n_nic_eth0", "n_bridge_default", "n_dnsmasq_default", "n_nat_default",
                                                "n_guest_g1", "n_port_g1_0", "n_guest_g2", "n_port_g2_0", "n_wan",
                                                "n_legend"}));
  EXPECT_EQ(edge_set(d), (std::set<std::pair<std::string, std::string>>{
                             {"n_dnsmasq_default", "n_bridge_default"},
                             {"n_bridge_default", "n_nat_default"},
                             {"n_nat_default", "n_nic_eth0"},
                             {"n_guest_g1", "n_port_g1_0"},
                             {"n_port_g1_0", "n_bridge_default"},
                             {"n_guest_g2", "n_port_g2_0"},
                             {"n_port_g2_0", "n_bridge_default"},
                             {"n_nic_eth0", "n_wan"},
                         }));
  // Guest NIC edges leave from the NIC's port of the guest's table.
  for (const auto& e : d.edges)
    if (e.from == "n_guest_g1") { EXPECT_EQ(e.from_port, "nic0"); }
}

TEST(LabGraph, NatLabLabels) {
  LiveData live;
  live.sandbox = true;
  Diagram d = build_lab_diagram(nat_lab(), live);
  const Node* bridge = d.find_node("n_bridge_default");
  ASSERT_NE(bridge, nullptr);
  EXPECT_NE(bridge->label.find("nat-default"), std::string::npos);
  EXPECT_NE(bridge->label.find("192.168.122.0/24"), std::string::npos);
  EXPECT_NE(bridge->label.find("gateway 192.168.122.1"), std::string::npos);
  EXPECT_NE(bridge->label.find("Linux bridge"), std::string::npos);
  EXPECT_NE(d.find_node("n_nat_default")->label.find("MASQUERADE 192.168.122.0/24 → eth0"), std::string::npos);
  EXPECT_NE(d.find_node("n_dnsmasq_default")->label.find("DHCP 192.168.122.100 – 192.168.122.200"), std::string::npos);
  const Node* g1 = d.find_node("n_guest_g1");
  EXPECT_NE(g1->label.find("52:54:00:00:00:01"), std::string::npos);
  EXPECT_NE(g1->label.find("192.168.122.10/24 (static)"), std::string::npos);
  EXPECT_NE(g1->label.find("PORT=\"nic0\""), std::string::npos);
  EXPECT_NE(d.find_node("n_guest_g2")->label.find("dhcp"), std::string::npos);
  // The friendly name beside the kernel name (model::with_friendly).
  EXPECT_EQ(d.find_node("n_port_g1_0")->label, "g1:eth0 (nat-g1-0)\nveth");
  EXPECT_EQ(d.find_node("n_port_g2_0")->label, "g2:eth0 (nat-g2-0)\ntap");  // g2 is a KVM guest
  EXPECT_NE(d.find_node("n_wan")->label.find("nat-wan"), std::string::npos);
  EXPECT_NE(d.find_node("n_wan")->label.find("203.0.113.1, 198.51.100.0/24"), std::string::npos);
}

TEST(LabGraph, Clusters) {
  Diagram d = build_lab_diagram(mixed_lab());
  ASSERT_NE(d.find_cluster("cluster_host"), nullptr);
  ASSERT_NE(d.find_cluster("cluster_legend"), nullptr);
  for (const char* net : {"outside", "dmz", "inner"}) {
    const Cluster* c = d.find_cluster(std::string("cluster_net_") + net);
    ASSERT_NE(c, nullptr) << net;
    EXPECT_EQ(c->parent, "cluster_host");
  }
  EXPECT_EQ(d.find_node("n_guest_router")->cluster, "cluster_host");
  EXPECT_EQ(d.find_node("n_port_router_1")->cluster, "cluster_net_dmz");
  EXPECT_EQ(d.find_node("n_bridge_inner")->cluster, "cluster_net_inner");
  EXPECT_EQ(d.find_node("n_wan")->cluster, "");  // outside the host
  EXPECT_EQ(d.find_node("n_legend")->cluster, "cluster_legend");
  // Every cluster a node names exists, parents come first.
  std::set<std::string> seen;
  for (const auto& c : d.clusters) {
    if (!c.parent.empty()) { EXPECT_TRUE(seen.count(c.parent)) << c.id; }
    seen.insert(c.id);
  }
  for (const auto& n : d.nodes)
    if (!n.cluster.empty()) { EXPECT_TRUE(seen.count(n.cluster)) << n.id; }
}

TEST(LabGraph, MixedModesStyledAndRouted) {
  Diagram d = build_lab_diagram(mixed_lab());
  EXPECT_NE(d.find_node("n_route_dmz"), nullptr);
  EXPECT_EQ(d.find_node("n_nat_dmz"), nullptr);
  EXPECT_NE(d.find_node("n_route_dmz")->label.find("forward 10.1.0.0/24 ↔ enp1s0"), std::string::npos);
  EXPECT_TRUE(has_edge(d, "n_route_dmz", "n_nic_enp1s0"));
  EXPECT_TRUE(has_edge(d, "n_nat_outside", "n_nic_enp1s0"));
  EXPECT_EQ(d.find_node("n_bridge_dmz")->color, mode_color(model::NetworkMode::route));
  EXPECT_NE(d.find_node("n_bridge_inner")->label.find("Open vSwitch bridge"), std::string::npos);
  EXPECT_NE(d.find_node("n_bridge_inner")->label.find("no forwarding"), std::string::npos);
  // Isolated: nothing leaves the bridge but the legend anchor; edges dashed.
  for (const auto& e : d.edges) {
    if (e.from == "n_bridge_inner") { ADD_FAILURE() << "isolated bridge forwards to " << e.to; }
    if (e.to == "n_bridge_inner" && e.from != "n_dnsmasq_inner") { EXPECT_EQ(e.style, "dashed"); }
  }
  EXPECT_EQ(d.find_cluster("cluster_net_inner")->style, "rounded,dashed,filled");
  EXPECT_NE(d.find_node("n_guest_db")->label.find("vlan 10"), std::string::npos);
  // One physical NIC node for both forwarding networks.
  EXPECT_EQ(std::count_if(d.nodes.begin(), d.nodes.end(), [](const Node& n) { return n.id.rfind("n_nic_", 0) == 0; }), 1);
}

TEST(LabGraph, IsolatedLabHasNoOutside) {
  Diagram d = build_lab_diagram(isolated_lab());
  EXPECT_EQ(d.find_node("n_wan"), nullptr);
  EXPECT_EQ(d.find_node("n_lan"), nullptr);
  for (const auto& n : d.nodes) EXPECT_NE(n.id.rfind("n_nic_", 0), 0u) << n.id;
  EXPECT_NE(d.find_node("n_dnsmasq_priv"), nullptr);
}

TEST(LabGraph, BridgedLabEnslavesUplinkAndShowsLan) {
  LiveData live;
  live.sandbox = true;
  Diagram d = build_lab_diagram(bridged_lab(), live);
  EXPECT_TRUE(has_edge(d, "n_bridge_lan", "n_nic_eth1"));
  EXPECT_TRUE(has_edge(d, "n_nic_eth1", "n_lan"));
  EXPECT_EQ(d.find_node("n_wan"), nullptr);
  EXPECT_EQ(d.find_node("n_nat_lan"), nullptr);
  EXPECT_NE(d.find_node("n_lan")->label.find("bridged-lan"), std::string::npos);
  EXPECT_NE(d.find_node("n_lan")->label.find("office LAN (its own DHCP)"), std::string::npos);
  EXPECT_NE(d.find_node("n_nic_eth1")->label.find("enslaved to br0"), std::string::npos);
  EXPECT_EQ(d.find_node("n_lan")->cluster, "");
}

TEST(LabGraph, MacvtapSitsOnTheNicWithoutBridge) {
  model::Topology t = bridged_lab();
  t.networks[0].attach = model::Attach::macvtap;
  Diagram d = build_lab_diagram(t);
  EXPECT_EQ(d.find_node("n_bridge_lan"), nullptr);
  EXPECT_TRUE(has_edge(d, "n_port_pc1_0", "n_nic_eth1"));
  EXPECT_EQ(d.find_node("n_port_pc1_0")->label, "macvtap on eth1");
  EXPECT_NE(d.find_node("n_lan")->label.find("physical LAN"), std::string::npos);
}

TEST(LabGraph, VmDrawnWithItsDisk) {
  model::Topology t = nat_lab();
  EXPECT_EQ(build_lab_diagram(t).find_node("n_disk_g2"), nullptr);  // no disk given: none drawn
  model::Disk disk;
  disk.image = "netlab-test";
  disk.provisioning = model::Provisioning::thick;
  t.guests[1].disk = disk;
  t.guests[1].memory_mib = 512;
  Diagram d = build_lab_diagram(t);
  const Node* n = d.find_node("n_disk_g2");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->shape, "cylinder");
  EXPECT_EQ(n->label, "disk vda: thick raw copy\nof netlab-test\n1 vCPU, 512 MiB");
  EXPECT_TRUE(has_edge(d, "n_guest_g2", "n_disk_g2"));
  EXPECT_EQ(d.find_node("n_disk_g1"), nullptr);  // a light guest has none
}

TEST(LabGraph, LiveLeasesAndReservations) {
  model::Topology t = nat_lab();
  model::DhcpHost reserved;
  reserved.mac = testing::mac("52:54:00:00:00:02");
  reserved.ip = testing::ip("192.168.122.20");
  t.networks[0].dhcp->hosts.push_back(reserved);
  EXPECT_NE(build_lab_diagram(t).find_node("n_guest_g2")->label.find("dhcp (reserved 192.168.122.20)"),
            std::string::npos);
  LiveData live;
  live.leases["52:54:00:00:00:02"] = "192.168.122.157";
  EXPECT_NE(build_lab_diagram(t, live).find_node("n_guest_g2")->label.find("192.168.122.157 (lease)"),
            std::string::npos);
  EXPECT_EQ(nic_address_text(t.guests[0].nics[0], &t.networks[0], live), "192.168.122.10/24 (static)");
}

TEST(LabGraph, EscapesUserText) {
  model::Topology t = nat_lab();
  t.guests[0].nics[0].name = "a<b>&c";
  Diagram d = build_lab_diagram(t);
  EXPECT_NE(d.find_node("n_guest_g1")->label.find("a&lt;b&gt;&amp;c"), std::string::npos);
  EXPECT_EQ(d.find_node("n_guest_g1")->label.find("a<b>"), std::string::npos);
  EXPECT_EQ(id_part("my-lab.x"), "my_dlab_x2ex");
  EXPECT_NE(id_part("web-1"), id_part("web_1"));  // one-to-one: both are valid names
  EXPECT_EQ(id_part("g1"), "g1");
}

TEST(LabGraph, Deterministic) {
  LiveData live;
  live.sandbox = true;
  live.leases["52:54:00:00:03:01"] = "192.168.50.101";
  EXPECT_EQ(build_lab_diagram(mixed_lab(), live), build_lab_diagram(mixed_lab(), live));
  EXPECT_EQ(build_lab_diagram(nat_lab()), build_lab_diagram(nat_lab()));
  // Nodes in file order: guests in the order written.
  Diagram d = build_lab_diagram(mixed_lab());
  std::vector<std::string> guests;
  for (const auto& n : d.nodes)
    if (n.id.rfind("n_guest_", 0) == 0) guests.push_back(n.id);
  EXPECT_EQ(guests, (std::vector<std::string>{"n_guest_router", "n_guest_web", "n_guest_db"}));
}

TEST(LabGraph, EveryEdgeEndExists) {
  for (const auto& t : {nat_lab(), bridged_lab(), isolated_lab(), mixed_lab()}) {
    Diagram d = build_lab_diagram(t);
    for (const auto& e : d.edges) {
      EXPECT_NE(d.find_node(e.from), nullptr) << t.name << ": " << e.from;
      EXPECT_NE(d.find_node(e.to), nullptr) << t.name << ": " << e.to;
    }
  }
}

}  // namespace
}  // namespace netlab::graphs

namespace netlab::graphs {
namespace {

TEST(LabGraph, PublishedPortsOnTheNatBox) {
  model::Topology topo = testing::nat_lab();
  topo.networks[0].forwards.push_back({8080, "g1", 80, model::L4Proto::tcp, {}});
  topo.networks[0].forwards.push_back({5353, "g1", 53, model::L4Proto::udp, {}});
  LiveData live;
  live.sandbox = true;
  Diagram d = build_lab_diagram(topo, live);
  const std::string& label = d.find_node("n_nat_default")->label;
  EXPECT_NE(label.find("publish tcp/8080 → g1:80"), std::string::npos) << label;
  EXPECT_NE(label.find("publish udp/5353 → g1:53"), std::string::npos) << label;
}

}  // namespace
}  // namespace netlab::graphs

namespace netlab::graphs {
namespace {

/// topologies/two-hosts.yaml: a1, i1 on h1; b1, i2 on h2 (the gateway); front (nat) and back (isolated) on OVN.
model::Topology two_hosts() {
  auto loaded = model::load_file(std::string(NETLAB_SOURCE_DIR) + "/topologies/two-hosts.yaml");
  EXPECT_TRUE(loaded.ok());
  return loaded.topology;
}

TEST(LabGraph, HostsAreBoxesJoinedByTheUnderlayAndItsTunnels) {
  LiveData live;
  live.sandbox = true;
  Diagram d = build_lab_diagram(two_hosts(), live);
  ASSERT_NE(d.find_cluster("cluster_host"), nullptr);
  ASSERT_NE(d.find_cluster("cluster_host_h2"), nullptr);
  EXPECT_NE(d.find_cluster("cluster_host")->label.find("host h1  (sandbox namespace two-hosts-host) · OVN databases"),
            std::string::npos);
  EXPECT_NE(d.find_cluster("cluster_host_h2")->label.find("gateway chassis"), std::string::npos);
  // Each host: br-int and its tunnel endpoint; the underlay between them; one Geneve tunnel edge.
  for (const char* id : {"n_brint_h1", "n_brint_h2", "n_tunnel_h1", "n_tunnel_h2", "n_underlay"})
    ASSERT_NE(d.find_node(id), nullptr) << id;
  EXPECT_EQ(d.find_node("n_brint_h2")->cluster, "cluster_host_h2");
  EXPECT_EQ(d.find_node("n_underlay")->cluster, "");
  EXPECT_TRUE(has_edge(d, "n_tunnel_h1", "n_underlay"));
  EXPECT_TRUE(has_edge(d, "n_brint_h2", "n_tunnel_h2"));
  size_t tunnels = 0;
  for (const auto& e : d.edges)
    if (e.label == "Geneve tunnel" && e.from == "n_tunnel_h1" && e.to == "n_tunnel_h2") ++tunnels;
  EXPECT_EQ(tunnels, 1u);
  // Guests sit in their host's box, their ports on that host's br-int.
  EXPECT_EQ(d.find_node("n_guest_b1")->cluster, "cluster_host_h2");
  EXPECT_EQ(d.find_node("n_guest_a1")->cluster, "cluster_host");
  EXPECT_TRUE(has_edge(d, "n_port_b1_0", "n_brint_h2"));
  EXPECT_TRUE(has_edge(d, "n_port_a1_0", "n_brint_h1"));
  // Traced hops find the per-host devices by namespace.
  EXPECT_EQ(d.find_node("n_tunnel_h2")->match.count("dev:two-hosts-h2/dc0"), 1u);
}

TEST(LabGraph, OvnNetworksSpanTheHosts) {
  Diagram d = build_lab_diagram(two_hosts(), {});
  const Cluster* front = d.find_cluster("cluster_net_front");
  ASSERT_NE(front, nullptr);
  EXPECT_EQ(front->parent, "");  // outside every host
  EXPECT_NE(front->label.find("spans h1, h2"), std::string::npos);
  ASSERT_NE(d.find_node("n_bridge_front"), nullptr);
  EXPECT_NE(d.find_node("n_bridge_front")->label.find("logical switch front"), std::string::npos);
  EXPECT_NE(d.find_node("n_bridge_front")->label.find("OVN DHCP 10.70.0.100"), std::string::npos);
  EXPECT_TRUE(has_edge(d, "n_brint_h1", "n_bridge_front"));
  EXPECT_TRUE(has_edge(d, "n_brint_h2", "n_bridge_front"));
  // front's logical router leaves by the gateway host's uplink; back (isolated) has none.
  ASSERT_NE(d.find_node("n_nat_front"), nullptr);
  EXPECT_TRUE(has_edge(d, "n_bridge_front", "n_nat_front"));
  EXPECT_TRUE(has_edge(d, "n_nat_front", "n_nic_eth0"));
  EXPECT_EQ(d.find_node("n_nic_eth0")->cluster, "cluster_host_h2");
  EXPECT_EQ(d.find_node("n_nat_back"), nullptr);
  EXPECT_EQ(d.find_node("n_dnsmasq_front"), nullptr);  // OVN answers DHCP itself
}

}  // namespace
}  // namespace netlab::graphs
