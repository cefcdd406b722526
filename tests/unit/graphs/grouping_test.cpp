// Large labs stay readable: more than DiagramOptions::group_above guests of one
// shape on one network are one node (and one port node), carrying every
// member's match keys; other shapes and multi-NIC guests are drawn one by one.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "graphs/lab_graph.h"
#include "tests/unit/graphs/sample_labs.h"

namespace netlab::graphs {
namespace {

using testing::dhcp_nic;
using testing::nat_network;
using testing::static_nic;

std::string mac_of(int i) {
  char text[18];
  std::snprintf(text, sizeof text, "52:54:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
  return text;
}

/// `dhcp` light DHCP guests g1..gN, 3 static ones, one KVM guest and one with two NICs, on network "default".
model::Topology crowd(int dhcp) {
  model::Topology t;
  t.name = "crowd";
  t.networks.push_back(nat_network("default", "10.1.0.0/16", "10.1.1.1", "10.1.250.250"));
  t.networks.push_back(nat_network("other", "10.2.0.0/24", "10.2.0.100", "10.2.0.200"));
  for (int i = 1; i <= dhcp; ++i) {
    model::Guest g;
    g.name = "g" + std::to_string(i);
    g.nics.push_back(dhcp_nic("default", mac_of(i).c_str()));
    t.guests.push_back(g);
  }
  for (int i = 1; i <= 3; ++i) {
    model::Guest g;
    g.name = "s" + std::to_string(i);
    const std::string address = "10.1.0." + std::to_string(10 + i) + "/16";
    g.nics.push_back(static_nic("default", mac_of(1000 + i).c_str(), address.c_str()));
    t.guests.push_back(g);
  }
  model::Guest vm;
  vm.name = "vm";
  vm.kind = model::GuestKind::kvm;
  vm.nics.push_back(dhcp_nic("default", mac_of(2000).c_str()));
  t.guests.push_back(vm);
  model::Guest two;
  two.name = "two";
  two.nics.push_back(dhcp_nic("default", mac_of(3000).c_str()));
  two.nics.push_back(dhcp_nic("other", mac_of(3001).c_str()));
  t.guests.push_back(two);
  return t;
}

TEST(Grouping, SameShapeGuestsBeyondTheThresholdAreOneNode) {
  Diagram d = build_lab_diagram(crowd(30));
  const Node* group = d.find_node("n_group_default_0");
  ASSERT_NE(group, nullptr);
  EXPECT_NE(group->label.find("g1 … g30"), std::string::npos) << group->label;
  EXPECT_NE(group->label.find("30 light guests, DHCP"), std::string::npos) << group->label;
  EXPECT_NE(group->label.find("52:54:00:00:00:01 … 52:54:00:00:00:1e"), std::string::npos) << group->label;
  EXPECT_EQ(d.find_node("n_guest_g1"), nullptr);
  EXPECT_EQ(d.find_node("n_guest_g30"), nullptr);
  // Fewer than the threshold, another kind, several NICs: drawn one by one.
  for (const char* id : {"n_guest_s1", "n_guest_s3", "n_guest_vm", "n_guest_two"})
    EXPECT_NE(d.find_node(id), nullptr) << id;
  EXPECT_EQ(d.find_node("n_group_default_1"), nullptr);
  // Group -> its ports -> the bridge; a traced hop of any member lands on the group.
  const Node* ports = d.find_node("n_gport_default_0");
  ASSERT_NE(ports, nullptr);
  EXPECT_NE(ports->label.find("30 × veth"), std::string::npos) << ports->label;
  bool to_ports = false, to_bridge = false;
  for (const auto& e : d.edges) {
    to_ports |= e.from == group->id && e.to == ports->id && e.from_port == "nic0";
    to_bridge |= e.from == ports->id && e.to == "n_bridge_default";
  }
  EXPECT_TRUE(to_ports);
  EXPECT_TRUE(to_bridge);
  ASSERT_EQ(group->match.count("guest:g17:eth0"), 1u);
  EXPECT_EQ(group->match.at("guest:g17:eth0"), "nic0");
  EXPECT_EQ(ports->match.size(), 30u);
}

TEST(Grouping, AtTheThresholdOrWithAllGuestsEachIsDrawn) {
  Diagram at = build_lab_diagram(crowd(10));
  EXPECT_EQ(at.find_node("n_group_default_0"), nullptr);
  EXPECT_NE(at.find_node("n_guest_g10"), nullptr);
  DiagramOptions all;
  all.group_above = SIZE_MAX;
  Diagram d = build_lab_diagram(crowd(30), {}, all);
  EXPECT_EQ(d.find_node("n_group_default_0"), nullptr);
  for (int i = 1; i <= 30; ++i) EXPECT_NE(d.find_node("n_guest_g" + std::to_string(i)), nullptr) << i;
}

TEST(Grouping, TenThousandGuestsMakeAFigureOfAFewNodes) {
  Diagram d = build_lab_diagram(crowd(10000));
  EXPECT_LT(d.nodes.size(), 30u);
  const Node* group = d.find_node("n_group_default_0");
  ASSERT_NE(group, nullptr);
  EXPECT_NE(group->label.find("g1 … g10000"), std::string::npos);
  EXPECT_NE(group->label.find("10000 light guests, DHCP"), std::string::npos);
}

TEST(Grouping, LiveLeasesAreCounted) {
  LiveData live;
  live.leases[mac_of(1)] = "10.1.1.1";
  live.leases[mac_of(2)] = "10.1.1.2";
  Diagram d = build_lab_diagram(crowd(20), live);
  const Node* group = d.find_node("n_group_default_0");
  ASSERT_NE(group, nullptr);
  EXPECT_NE(group->label.find("2 of 20 hold a lease"), std::string::npos) << group->label;
}

}  // namespace
}  // namespace netlab::graphs
