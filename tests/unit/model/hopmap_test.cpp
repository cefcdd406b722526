// The hop map's JSON: roles and modes travel by name, unknown names are refused.
#include "netlab/model/hopmap.h"

#include <gtest/gtest.h>

namespace netlab::model {
namespace {

HopMap sample() {
  HopMap m;
  m.lab = "nat";
  NicPath p;
  p.guest = "g1";
  p.nic = "eth0";
  p.network = "default";
  p.mode = NetworkMode::route;
  p.mac = "52:54:00:00:00:01";
  p.hops = {{HopRole::guest_nic, "nat-g1", "eth0"}, {HopRole::veth, "nat-host", "nat-g1-0"},
            {HopRole::ovs, "nat-host", "nat-default"}, {HopRole::route, "nat-host", ""}};
  m.nics.push_back(p);
  return m;
}

TEST(HopMapJson, RoundTripsWithNames) {
  const std::string text = hopmap_to_json(sample());
  EXPECT_NE(text.find("\"role\": \"guest-nic\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"mode\": \"route\""), std::string::npos) << text;
  HopMap back;
  std::string err;
  ASSERT_TRUE(hopmap_from_json(text, &back, &err)) << err;
  EXPECT_EQ(back, sample());
  EXPECT_EQ(switch_hop(back.nics[0])->device, "nat-default");
  EXPECT_EQ(find_hop(back.nics[0], HopRole::veth)->device, "nat-g1-0");
  EXPECT_EQ(find_hop(back.nics[0], HopRole::tap), nullptr);
}

TEST(HopMapJson, UnknownRoleOrModeIsAnError) {
  std::string text = hopmap_to_json(sample());
  HopMap back;
  std::string err;
  std::string bad_role = text;
  bad_role.replace(bad_role.find("\"veth\""), 6, "\"vxlan\"");
  EXPECT_FALSE(hopmap_from_json(bad_role, &back, &err));
  EXPECT_NE(err.find("unknown role \"vxlan\""), std::string::npos) << err;
  std::string bad_mode = text;
  const std::string mode = "\"mode\": \"route\"";
  bad_mode.replace(bad_mode.find(mode), mode.size(), "\"mode\": \"routed\"");
  EXPECT_FALSE(hopmap_from_json(bad_mode, &back, &err));
  EXPECT_NE(err.find("unknown mode \"routed\""), std::string::npos) << err;
}

}  // namespace
}  // namespace netlab::model
