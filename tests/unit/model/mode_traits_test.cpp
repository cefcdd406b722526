// What each network mode implies (mode_traits.h), and the rules derived from
// it: the default gateway, the bridge, the hops of a NIC's path.
#include "netlab/model/mode_traits.h"

#include <gtest/gtest.h>

namespace netlab::model {
namespace {

Network network(NetworkMode mode, const char* subnet = "192.168.50.0/24") {
  Network n;
  n.name = "n";
  n.mode = mode;
  if (subnet) n.subnet = Cidr::parse(subnet);
  return n;
}

TEST(ModeTraits, TableOfTheFourModes) {
  EXPECT_TRUE(forwards(NetworkMode::nat));
  EXPECT_TRUE(masquerades(NetworkMode::nat));
  EXPECT_TRUE(forwards(NetworkMode::route));
  EXPECT_FALSE(masquerades(NetworkMode::route));
  EXPECT_FALSE(forwards(NetworkMode::isolated));
  EXPECT_FALSE(forwards(NetworkMode::bridge));
  EXPECT_FALSE(masquerades(NetworkMode::bridge));
  for (NetworkMode m : {NetworkMode::nat, NetworkMode::route, NetworkMode::isolated}) {
    EXPECT_TRUE(serves_dhcp(m)) << to_string(m);
    EXPECT_TRUE(traits(m).netlab_subnet) << to_string(m);
    EXPECT_FALSE(traits(m).on_lan) << to_string(m);
  }
  EXPECT_FALSE(serves_dhcp(NetworkMode::bridge));
  EXPECT_TRUE(traits(NetworkMode::bridge).on_lan);
}

TEST(ModeTraits, DefaultGatewayIsTheFirstHostOnNetlabsOwnSubnets) {
  for (NetworkMode m : {NetworkMode::nat, NetworkMode::route, NetworkMode::isolated})
    EXPECT_EQ(gateway(network(m)), Ipv4::parse("192.168.50.1")) << to_string(m);
  // A written gateway wins.
  Network n = network(NetworkMode::nat);
  n.gateway = Ipv4::parse("192.168.50.254");
  EXPECT_EQ(gateway(n), Ipv4::parse("192.168.50.254"));
  // No room for one, or no subnet: none.
  EXPECT_EQ(gateway(network(NetworkMode::nat, "10.0.0.0/31")), std::nullopt);
  EXPECT_EQ(gateway(network(NetworkMode::isolated, nullptr)), std::nullopt);
  EXPECT_EQ(default_gateway(NetworkMode::route, Cidr::parse("10.0.0.0/30")), Ipv4::parse("10.0.0.1"));
}

TEST(ModeTraits, BridgedLanHasOnlyTheGatewayTheUserWrote) {
  Network lan = network(NetworkMode::bridge);
  EXPECT_EQ(gateway(lan), std::nullopt);  // the LAN's router is not netlab's to guess
  EXPECT_EQ(default_gateway(NetworkMode::bridge, lan.subnet), std::nullopt);
  lan.gateway = Ipv4::parse("192.168.50.254");
  EXPECT_EQ(gateway(lan), Ipv4::parse("192.168.50.254"));
}

TEST(ModeTraits, OnlyMacvtapBridgeModeHasNoBridge) {
  Network lan = network(NetworkMode::bridge);
  EXPECT_TRUE(has_bridge(lan));
  EXPECT_FALSE(uses_macvtap(lan));
  lan.attach = Attach::macvtap;
  EXPECT_FALSE(has_bridge(lan));
  EXPECT_TRUE(uses_macvtap(lan));
  Network nat = network(NetworkMode::nat);
  nat.attach = Attach::macvtap;  // ignored outside bridge mode
  EXPECT_TRUE(has_bridge(nat));
}

TEST(ModeTraits, NicPathRoles) {
  using R = HopRole;
  using V = std::vector<HopRole>;
  Network nat = network(NetworkMode::nat);
  EXPECT_EQ(nic_path_roles(nat, GuestKind::netns, true),
            (V{R::guest_nic, R::veth, R::bridge, R::nat, R::uplink, R::upstream}));
  EXPECT_EQ(nic_path_roles(nat, GuestKind::kvm, false), (V{R::tap, R::bridge, R::nat, R::uplink}));
  Network route = network(NetworkMode::route);
  route.switch_kind = SwitchKind::ovs;
  EXPECT_EQ(nic_path_roles(route, GuestKind::netns, false), (V{R::guest_nic, R::veth, R::ovs, R::route, R::uplink}));
  EXPECT_EQ(nic_path_roles(network(NetworkMode::isolated), GuestKind::netns, true), (V{R::guest_nic, R::veth, R::bridge}));
  Network lan = network(NetworkMode::bridge);
  EXPECT_EQ(nic_path_roles(lan, GuestKind::netns, true), (V{R::guest_nic, R::veth, R::bridge, R::uplink, R::upstream}));
  lan.attach = Attach::macvtap;
  EXPECT_EQ(nic_path_roles(lan, GuestKind::netns, true), (V{R::guest_nic, R::macvtap, R::upstream}));
  EXPECT_EQ(nic_path_roles(lan, GuestKind::kvm, false), (V{R::macvtap, R::uplink}));
  EXPECT_EQ(guest_link_role(lan, GuestKind::kvm), R::macvtap);
  EXPECT_EQ(guest_link_role(nat, GuestKind::kvm), R::tap);
}

}  // namespace
}  // namespace netlab::model
