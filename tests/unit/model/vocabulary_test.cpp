// The name tables of the vocabularies: every value has a name that parses back
// to it, names are unique, anything else is rejected.
#include "netlab/model/vocabulary.h"

#include <gtest/gtest.h>

#include <set>

namespace netlab::model {
namespace {

template <typename E>
void expect_round_trip(std::initializer_list<E> all) {
  std::set<std::string> names;
  for (E v : all) {
    const std::string name = to_string(v);
    EXPECT_FALSE(name.empty()) << "a value without a name";
    EXPECT_TRUE(names.insert(name).second) << "two values named " << name;
    auto back = from_name<E>(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, v) << name;
  }
  EXPECT_EQ(name_table<E>().size(), all.size()) << "the table lists a value the test does not know";
  for (const auto& [name, v] : name_table<E>()) EXPECT_EQ(to_string(v), name);
}

TEST(Vocabulary, EveryValueRoundTrips) {
  expect_round_trip({NetworkMode::nat, NetworkMode::route, NetworkMode::isolated, NetworkMode::bridge});
  expect_round_trip({SwitchKind::linux_bridge, SwitchKind::ovs, SwitchKind::ovn});
  expect_round_trip({Attach::bridge, Attach::macvtap});
  expect_round_trip({GuestKind::netns, GuestKind::kvm});
  expect_round_trip({AddressKind::dhcp, AddressKind::static_cidr, AddressKind::none});
  expect_round_trip({HopRole::unknown, HopRole::guest_nic, HopRole::veth, HopRole::tap, HopRole::macvtap,
                     HopRole::bridge, HopRole::ovs, HopRole::route, HopRole::nat, HopRole::uplink,
                     HopRole::upstream, HopRole::tunnel_out, HopRole::tunnel_in});
  expect_round_trip({Direction::unknown, Direction::in, Direction::out, Direction::fwd, Direction::point});
  expect_round_trip({Leg::request, Leg::reply});
}

TEST(Vocabulary, SpellingsAreTheDocumentedOnes) {
  EXPECT_STREQ(to_string(HopRole::guest_nic), "guest-nic");
  EXPECT_STREQ(to_string(HopRole::tunnel_out), "tunnel-out");
  EXPECT_STREQ(to_string(HopRole::tunnel_in), "tunnel-in");
  EXPECT_TRUE(on_guest_side(HopRole::tunnel_in));
  EXPECT_TRUE(is_tunnel(HopRole::tunnel_out));
  EXPECT_FALSE(is_tunnel(HopRole::uplink));
  EXPECT_STREQ(to_string(SwitchKind::linux_bridge), "linux");
  EXPECT_STREQ(to_string(AddressKind::static_cidr), "static");
  EXPECT_STREQ(to_string(Direction::point), "-");
  EXPECT_STREQ(to_string(Direction::unknown), "?");
  EXPECT_STREQ(to_string(NetworkMode::isolated), "isolated");
}

TEST(Vocabulary, UnknownNamesAreRejected) {
  EXPECT_FALSE(from_name<NetworkMode>("bridged").has_value());
  EXPECT_FALSE(from_name<NetworkMode>("NAT").has_value());
  EXPECT_FALSE(from_name<NetworkMode>("").has_value());
  EXPECT_FALSE(from_name<HopRole>("guest_nic").has_value());
  EXPECT_FALSE(from_name<HopRole>("vxlan").has_value());
  EXPECT_FALSE(from_name<SwitchKind>("linux_bridge").has_value());
  EXPECT_FALSE(from_name<GuestKind>("vm").has_value());
  EXPECT_FALSE(from_name<AddressKind>("static_cidr").has_value());
  EXPECT_FALSE(from_name<Direction>("back").has_value());
  EXPECT_FALSE(from_name<Leg>("out").has_value());
  EXPECT_FALSE(from_name<Attach>("nat ").has_value());
}

TEST(Vocabulary, RolePredicates) {
  EXPECT_TRUE(is_switch(HopRole::bridge));
  EXPECT_TRUE(is_switch(HopRole::ovs));
  EXPECT_FALSE(is_switch(HopRole::macvtap));
  EXPECT_TRUE(is_point(HopRole::nat));
  EXPECT_TRUE(is_point(HopRole::route));
  EXPECT_FALSE(is_point(HopRole::uplink));
  EXPECT_TRUE(is_guest_link(HopRole::tap));
  EXPECT_FALSE(is_guest_link(HopRole::guest_nic));
  EXPECT_TRUE(is_path_end(HopRole::upstream));
  EXPECT_TRUE(on_guest_side(HopRole::ovs));
  EXPECT_FALSE(on_guest_side(HopRole::nat));
  EXPECT_FALSE(on_guest_side(HopRole::unknown));
}

}  // namespace
}  // namespace netlab::model
