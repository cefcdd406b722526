// IPv6 in the model: the address types, the loader's `ipv6:` and `address6:`
// keys, and the validator's IPv6 rules (each on a lab valid but for one problem).
#include <gtest/gtest.h>

#include "netlab/model/address.h"
#include "netlab/model/mode_traits.h"
#include "test_util.h"

namespace netlab::model {
namespace {

using testing::load_problems;
using testing::problems;
using V = std::vector<std::string>;

TEST(Ipv6Address, ParsesAndPrintsTheCanonicalForm) {
  EXPECT_EQ(Ipv6::parse("fd00:10:0:0::1")->str(), "fd00:10::1");
  EXPECT_EQ(Ipv6::parse("FD00::A")->str(), "fd00::a");
  EXPECT_EQ(Ipv6::parse("::")->str(), "::");
  EXPECT_FALSE(Ipv6::parse("fd00::1::2"));
  EXPECT_FALSE(Ipv6::parse("::ffff:1.2.3.4"));  // no dotted form in lab files
  EXPECT_FALSE(Ipv6::parse("192.168.1.1"));
  EXPECT_FALSE(Ipv6::parse("fe80::1%eth0"));
  EXPECT_FALSE(Ipv6::parse(""));
}

TEST(Ipv6Address, PlusCarriesAcrossBytes) {
  EXPECT_EQ(Ipv6::parse("fd00::ff")->plus(1).str(), "fd00::100");
  EXPECT_EQ(Ipv6::parse("fd00::ffff:ffff")->plus(1).str(), "fd00::1:0:0");
}

TEST(Ipv6Cidr, BlocksContainAndOverlap) {
  auto c = *Cidr6::parse("fd00:10::5/64");
  EXPECT_EQ(c.block().str(), "fd00:10::/64");
  EXPECT_TRUE(c.contains(*Ipv6::parse("fd00:10::ffff")));
  EXPECT_FALSE(c.contains(*Ipv6::parse("fd00:11::1")));
  EXPECT_TRUE(Cidr6::parse("fd00::/16")->overlaps(*Cidr6::parse("fd00:10::/64")));
  EXPECT_FALSE(Cidr6::parse("fd00:10::/64")->overlaps(*Cidr6::parse("fd00:11::/64")));
  EXPECT_EQ(Cidr6::parse("fd00:10::/61")->network().str(), "fd00:10::");
  EXPECT_EQ(Cidr6::parse("fd00:10:0:7::/61")->network().str(), "fd00:10::");
  EXPECT_FALSE(Cidr6::parse("fd00::/129"));
  EXPECT_FALSE(Cidr6::parse("fd00::"));
  EXPECT_FALSE(Cidr6::parse("10.0.0.0/8"));
}

const std::string kHead = "name: t\nnetworks:\n  n:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.100-10.0.0.199}\n";

TEST(Ipv6Loader, ReadsTheIpv6MappingAndAddress6) {
  auto loaded = load_string(kHead +
                                "    ipv6:\n      subnet: fd00:10::/64\n      dhcp: {range: fd00:10::100-fd00:10::1ff, "
                                "lease-time: 2h}\n      nat66: true\n"
                                "guests:\n  g:\n    nics:\n      - {network: n, address6: \"fd00:10::10/64\"}\n"
                                "      - {network: n, address6: none}\n",
                            "t.yaml");
  ASSERT_TRUE(loaded.ok());
  const Network& n = loaded.topology.networks[0];
  ASSERT_TRUE(n.ipv6);
  EXPECT_EQ(n.ipv6->subnet->str(), "fd00:10::/64");
  EXPECT_EQ(n.ipv6->dhcp->range_start.str(), "fd00:10::100");
  EXPECT_EQ(n.ipv6->dhcp->lease_time, "2h");
  EXPECT_TRUE(n.ipv6->nat66);
  EXPECT_FALSE(n.ipv6->slaac);
  EXPECT_EQ(gateway6(n)->str(), "fd00:10::1");  // the subnet's ::1 when none is written
  EXPECT_TRUE(masquerades6(n));
  EXPECT_EQ(loaded.topology.guests[0].nics[0].address6->str(), "fd00:10::10/64");
  EXPECT_TRUE(loaded.topology.guests[0].nics[1].address6_none);
  EXPECT_TRUE(loaded.topology.dual_stack());
}

TEST(Ipv6Loader, MalformedValuesPointAtTheirPosition) {
  EXPECT_EQ(load_problems(kHead + "    ipv6:\n      subnet: fd00:10::/129\n      gateway: fd00:10::1/64\n"
                                  "      dhcp: {range: fd00::1}\n      slaac: maybe\n      nat: true\n"),
            (V{"7:15: malformed IPv6 subnet 'fd00:10::/129'", "8:16: malformed IPv6 gateway address 'fd00:10::1/64'",
               "9:21: malformed IPv6 dhcp range 'fd00::1'", "10:14: 'slaac' must be true or false, not 'maybe'",
               "11:7: unknown key 'nat' in 'ipv6' of network 'n'"}));
  EXPECT_EQ(load_problems(kHead + "    ipv6: {slaac: true}\n"),
            (V{"6:5: missing required key 'subnet' in 'ipv6' of network 'n'"}));
  EXPECT_EQ(load_problems(kHead + "guests:\n  g:\n    nics: [{network: n, address6: \"fd00::1\"}]\n"),
            (V{"8:35: malformed address6 'fd00::1'"}));
}

TEST(Ipv6Validator, AcceptsADualStackLab) {
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::/64\", slaac: true}\n"
                             "guests:\n  g:\n    nics: [{network: n}, {network: n, address6: \"fd00:10::10/64\"}]\n"),
            V{});
}

TEST(Ipv6Validator, BadPrefixes) {
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::1/64\", slaac: true}\n"),
            (V{"6:20: IPv6 subnet fd00:10::1/64 has host bits set"}));
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fe80::/64\", slaac: true}\n"),
            (V{"6:20: IPv6 subnet fe80::/64 of network 'n' overlaps the link-local range fe80::/10"}));
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::/56\", slaac: true}\n"),
            (V{"6:20: IPv6 subnet fd00:10::/56 of network 'n' is a /56; router advertisements (SLAAC, DHCPv6) "
               "need a /64"}));
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::/127\"}\n"),
            (V{"6:20: IPv6 subnet fd00:10::/127 of network 'n' is too small for a gateway and guests"}));
}

TEST(Ipv6Validator, GatewayAndRangeMustLieInTheSubnet) {
  EXPECT_EQ(problems(kHead + "    ipv6:\n      subnet: fd00:10::/64\n      gateway: fd00:99::1\n"
                             "      dhcp: {range: fd00:10::100-fd00:11::1ff}\n"),
            (V{"8:16: IPv6 gateway fd00:99::1 is outside IPv6 subnet fd00:10::/64",
               "9:21: IPv6 dhcp range end fd00:11::1ff is outside IPv6 subnet fd00:10::/64"}));
  EXPECT_EQ(problems(kHead + "    ipv6:\n      subnet: fd00:10::/64\n      gateway: \"fd00:10::\"\n"),
            (V{"8:16: IPv6 gateway fd00:10:: is the subnet-router anycast address of fd00:10::/64"}));
  EXPECT_EQ(problems(kHead + "    ipv6:\n      subnet: fd00:10::/64\n      dhcp: {range: fd00:10::1ff-fd00:10::100}\n"),
            (V{"8:21: IPv6 dhcp range start fd00:10::1ff is after its end fd00:10::100"}));
  EXPECT_EQ(problems(kHead + "    ipv6:\n      subnet: fd00:10::/64\n      dhcp: {range: fd00:10::1-fd00:10::ff}\n"),
            (V{"8:21: IPv6 gateway fd00:10::1 lies inside the dhcp range fd00:10::1-fd00:10::ff"}));
}

TEST(Ipv6Validator, DhcpAndSlaacExcludeEachOther) {
  EXPECT_EQ(problems(kHead + "    ipv6:\n      subnet: fd00:10::/64\n      dhcp: {range: fd00:10::100-fd00:10::1ff}\n"
                             "      slaac: true\n"),
            (V{"9:14: 'ipv6' of network 'n' has both 'dhcp' and 'slaac: true'"}));
}

TEST(Ipv6Validator, ModeRules) {
  EXPECT_EQ(problems("name: t\nnetworks:\n  n:\n    mode: route\n    subnet: 10.0.0.0/24\n"
                     "    ipv6: {subnet: \"fd00:10::/64\", slaac: true, nat66: true}\n"),
            (V{"6:56: 'nat66' applies only to nat networks; network 'n' is route"}));
  EXPECT_EQ(problems("name: t\nnetworks:\n  n:\n    mode: bridge\n    uplink: eth1\n"
                     "    ipv6: {subnet: \"fd00:10::/64\", slaac: true}\n"),
            (V{"6:5: 'ipv6' applies to networks netlab owns; network 'n' is bridge"}));
}

TEST(Ipv6Validator, OverlappingIpv6Subnets) {
  EXPECT_EQ(problems("name: t\nnetworks:\n  a:\n    subnet: 10.0.0.0/24\n    ipv6: {subnet: \"fd00::/64\", slaac: true}\n"
                     "  b:\n    subnet: 10.0.1.0/24\n    ipv6: {subnet: \"fd00::/64\", slaac: true}\n"),
            (V{"8:20: IPv6 subnet fd00::/64 of network 'b' overlaps IPv6 subnet fd00::/64 of network 'a'"}));
}

TEST(Ipv6Validator, StaticAddress6) {
  const std::string head = kHead + "    ipv6:\n      subnet: fd00:10::/64\n      dhcp: {range: fd00:10::100-fd00:10::1ff}\n"
                                   "  v4:\n    subnet: 10.0.1.0/24\n"
                                   "guests:\n  g:\n    nics:\n";
  EXPECT_EQ(problems(head + "      - {network: n, address6: \"fd00:11::10/64\"}\n"),
            (V{"14:32: IPv6 address fd00:11::10/64 of nic 0 of guest 'g' is outside IPv6 subnet fd00:10::/64"}));
  EXPECT_EQ(problems(head + "      - {network: n, address6: \"fd00:10::10/48\"}\n"),
            (V{"14:32: IPv6 address fd00:10::10/48 of nic 0 of guest 'g' has prefix /48 but IPv6 subnet "
               "fd00:10::/64 has /64"}));
  EXPECT_EQ(problems(head + "      - {network: n, address6: \"fd00:10::150/64\"}\n"),
            (V{"14:32: IPv6 address fd00:10::150/64 of nic 0 of guest 'g' lies inside the IPv6 dhcp range "
               "fd00:10::100-fd00:10::1ff"}));
  EXPECT_EQ(problems(head + "      - {network: n, address6: \"fd00:10::1/64\"}\n"),
            (V{"14:32: IPv6 address fd00:10::1/64 of nic 0 of guest 'g' is already used by the IPv6 gateway of "
               "network 'n'"}));
  EXPECT_EQ(problems(head + "      - {network: v4, address: 10.0.1.5/24, address6: \"fd00:10::10/64\"}\n"),
            (V{"14:55: 'address6' needs IPv6 on network 'v4'"}));
}

TEST(Ipv6Validator, AutomaticAddressNeedsDhcpOrSlaac) {
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::/64\"}\nguests:\n  g:\n    nics: [{network: n}]\n"),
            (V{"9:12: nic 0 of guest 'g' gets no IPv6 address: network 'n' has neither IPv6 'dhcp' nor 'slaac'"}));
  EXPECT_EQ(problems(kHead + "    ipv6: {subnet: \"fd00:10::/64\"}\nguests:\n  g:\n    nics: [{network: n, address6: none}]\n"),
            V{});
}

}  // namespace
}  // namespace netlab::model
