// The hop map's JSON: roles and modes travel by name, unknown names are refused.
#include "netlab/model/hopmap.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

// The writer builds the text by hand: it must be exactly what nlohmann::json's
// dump(2) makes of the same document (sorted keys, indent, escapes), and read back.
TEST(HopMapJson, TextIsNlohmannsIndentedDump) {
  std::vector<HopMap> maps;
  maps.push_back(sample());
  HopMap m = sample();
  m.nics[0].vlan = 0;
  m.nics[0].address = "10.0.0.2/24";
  m.nics[0].address6 = "fd00::2/64";
  m.nics[0].hops[1].friendly = "g1:eth0";
  m.nics[0].hops[2].friendly = "quote \" back\\slash \t tab \n\x01\x1f\x7f caf\xc3\xa9";
  NicPath bare = m.nics[0];
  bare.hops.clear();
  m.nics.push_back(bare);
  maps.push_back(m);
  maps.push_back(HopMap{"empty", {}});
  for (const auto& map : maps) {
    const std::string text = hopmap_to_json(map);
    EXPECT_EQ(text, nlohmann::json::parse(text).dump(2) + "\n");
    HopMap back;
    std::string err;
    ASSERT_TRUE(hopmap_from_json(text, &back, &err)) << err << "\n" << text;
    EXPECT_EQ(back, map);
  }
}

TEST(HopMapJson, VlanIsWrittenOnlyForATaggedNic) {
  HopMap m = sample();
  EXPECT_EQ(hopmap_to_json(m).find("\"vlan\""), std::string::npos);
  m.nics[0].vlan = 20;
  const std::string text = hopmap_to_json(m);
  EXPECT_NE(text.find("\"vlan\": 20"), std::string::npos) << text;
  HopMap back;
  std::string err;
  ASSERT_TRUE(hopmap_from_json(text, &back, &err)) << err;
  EXPECT_EQ(back.nics[0].vlan, 20);
  ASSERT_TRUE(hopmap_from_json(hopmap_to_json(sample()), &back, &err)) << err;
  EXPECT_EQ(back.nics[0].vlan, -1);  // absent: untagged (also in hop maps written before the key)
}

TEST(HopMapJson, Address6IsWrittenOnlyForADualStackNic) {
  HopMap m = sample();
  EXPECT_EQ(hopmap_to_json(m).find("\"address6\""), std::string::npos);
  m.nics[0].address6 = "fd00:10::10/64";
  const std::string text = hopmap_to_json(m);
  EXPECT_NE(text.find("\"address6\": \"fd00:10::10/64\""), std::string::npos) << text;
  HopMap back;
  std::string err;
  ASSERT_TRUE(hopmap_from_json(text, &back, &err)) << err;
  EXPECT_EQ(back, m);
  ASSERT_TRUE(hopmap_from_json(hopmap_to_json(sample()), &back, &err)) << err;
  EXPECT_EQ(back.nics[0].address6, "");  // absent: IPv4 only (also in hop maps written before the key)
}

TEST(HopMapJson, OvnPortAndGatewayAreWrittenOnlyOnOvn) {
  HopMap m = sample();
  EXPECT_EQ(hopmap_to_json(m).find("\"ovn_"), std::string::npos);
  m.nics[0].ovn_port = "0bd8c3a0-1f4e-4c2b-a9d1-5e6f7a8b9c0d";
  m.nics[0].ovn_gateway = "h2";
  const std::string text = hopmap_to_json(m);
  EXPECT_NE(text.find("\"ovn_port\": \"0bd8c3a0-1f4e-4c2b-a9d1-5e6f7a8b9c0d\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"ovn_gateway\": \"h2\""), std::string::npos) << text;
  HopMap back;
  std::string err;
  ASSERT_TRUE(hopmap_from_json(text, &back, &err)) << err;
  EXPECT_EQ(back, m);
  ASSERT_TRUE(hopmap_from_json(hopmap_to_json(sample()), &back, &err)) << err;
  EXPECT_EQ(back.nics[0].ovn_port, "");  // absent: no OVN (also in hop maps written before the key)
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

// A parser's message that carries the file's text ("last read: '...'") is cut
// short and escaped: a megabyte of it does not end up on the terminal.
TEST(HopMapJson, ErrorsQuoteOnlyAShortEscapedExcerpt) {
  HopMap back;
  std::string err;
  const std::string unterminated = "{\"lab\": \"" + std::string(1 << 20, 'x');
  EXPECT_FALSE(hopmap_from_json(unterminated, &back, &err));
  EXPECT_LE(err.size(), 220u) << err.substr(0, 300);
  EXPECT_NE(err.find("..."), std::string::npos) << err;
  const std::string control = "{\"lab\": \"a\x1b[2Jb";
  EXPECT_FALSE(hopmap_from_json(control, &back, &err));
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << err;
  std::string long_role = hopmap_to_json(sample());
  long_role.replace(long_role.find("\"veth\""), 6, "\"" + std::string(5000, 'v') + "\"");
  EXPECT_FALSE(hopmap_from_json(long_role, &back, &err));
  EXPECT_LE(err.size(), 120u) << err.substr(0, 300);
}

}  // namespace
}  // namespace netlab::model
