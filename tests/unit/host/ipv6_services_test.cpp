// The IPv6 side of a dual-stack network in the services' texts: dnsmasq's
// router advertisements and DHCPv6 / SLAAC, and the nftables rules (routed
// IPv6 on a nat network unless nat66 masquerades it).
#include <gtest/gtest.h>

#include <string>

#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/nft_rules.h"
#include "tests/unit/host/nft_check.h"

namespace netlab::host {
namespace {

using model::Cidr;
using model::Cidr6;
using model::Ipv4;
using model::Ipv6;
using model::NetworkMode;
using testing::contains;
using testing::expect_nft_accepts;

DnsmasqConfig dual(bool dhcp6, bool router = true) {
  DnsmasqConfig c;
  c.lab = "demo";
  c.network = "lan";
  c.bridge = "demo-lan";
  c.listen_address = *Ipv4::parse("192.168.100.1");
  c.range_start = *Ipv4::parse("192.168.100.50");
  c.range_end = *Ipv4::parse("192.168.100.150");
  c.run_dir = "/run/netlab/demo";
  Dnsmasq6Config v6;
  v6.listen_address = *Ipv6::parse("fd00:10::1");
  v6.advertise_router = router;
  if (dhcp6) {
    v6.range_start = *Ipv6::parse("fd00:10::100");
    v6.range_end = *Ipv6::parse("fd00:10::1ff");
  }
  c.ipv6 = v6;
  return c;
}

TEST(Ipv6Dnsmasq, StatefulDhcpv6WithRouterAdvertisements) {
  auto text = render_dnsmasq_conf(dual(true));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(contains(*text, "listen-address=fd00:10::1\n"));
  EXPECT_TRUE(contains(*text, "enable-ra\n"));
  EXPECT_TRUE(contains(*text, "dhcp-range=fd00:10::100,fd00:10::1ff,slaac,64,1h\n"));
  EXPECT_TRUE(contains(*text, "dhcp-option=option6:dns-server,[fd00:10::1]\n"));
  EXPECT_FALSE(contains(*text, "ra-param"));
  // The IPv4 side is unchanged.
  EXPECT_TRUE(contains(*text, "dhcp-range=192.168.100.50,192.168.100.150,255.255.255.0,1h\n"));
}

TEST(Ipv6Dnsmasq, SlaacOnlyAndIsolated) {
  auto text = render_dnsmasq_conf(dual(false, false));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(contains(*text, "dhcp-range=fd00:10::,ra-only,64\n"));
  EXPECT_TRUE(contains(*text, "ra-param=demo-lan,60,0\n"));  // router lifetime 0: no default route
}

TEST(Ipv6Dnsmasq, Dhcpv6WithoutIpv4DhcpStillKeepsALeaseFile) {
  DnsmasqConfig c = dual(true);
  c.range_start.reset();
  c.range_end.reset();
  auto text = render_dnsmasq_conf(c);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(contains(*text, "dhcp-leasefile=/run/netlab/demo/dnsmasq-lan.leases\n"));
  EXPECT_FALSE(contains(*text, "option:router"));
}

TEST(Ipv6Dnsmasq, RejectsWhatRouterAdvertisementsCannotServe) {
  DnsmasqConfig c = dual(true);
  c.ipv6->prefix = 56;
  EXPECT_FALSE(render_dnsmasq_conf(c));
  c = dual(true);
  std::swap(c.ipv6->range_start, c.ipv6->range_end);
  EXPECT_FALSE(render_dnsmasq_conf(c));
}

NetworkRules dual_net(NetworkMode mode, bool nat66) {
  NetworkRules n{"lan", *Cidr::parse("192.168.100.0/24"), "demo-lan", mode, "uplink"};
  n.subnet6 = *Cidr6::parse("fd00:10::/64");
  n.masquerade6 = nat66;
  return n;
}

TEST(Ipv6Nft, NatNetworkRoutesIpv6WithoutMasquerade) {
  std::string text = render_lab_ruleset({"demo", {dual_net(NetworkMode::nat, false)}});
  EXPECT_TRUE(contains(text, "iifname \"demo-lan\" ip6 saddr fd00:10::/64 oifname \"uplink\" counter accept"));
  EXPECT_TRUE(contains(text, "oifname \"demo-lan\" ip6 daddr fd00:10::/64 ct state established,related counter accept"));
  EXPECT_TRUE(contains(text, "iifname \"uplink\" oifname \"demo-lan\" ip6 daddr fd00:10::/64 counter accept"));
  EXPECT_FALSE(contains(text, "ip6 saddr fd00:10::/64 ip6 daddr != fd00:10::/64"));  // no IPv6 masquerade
  EXPECT_TRUE(contains(text, "ip saddr 192.168.100.0/24 ip daddr != 192.168.100.0/24 oifname \"uplink\" counter masquerade"));
  expect_nft_accepts(text);
}

TEST(Ipv6Nft, Nat66MasqueradesAndAdmitsNothingNewFromOutside) {
  std::string text = render_lab_ruleset({"demo", {dual_net(NetworkMode::nat, true)}});
  EXPECT_FALSE(contains(text, "iifname \"uplink\" oifname \"demo-lan\" ip6 daddr"));
  EXPECT_TRUE(contains(text, "ip6 saddr fd00:10::/64 ip6 daddr ff00::/8 counter return"));
  EXPECT_TRUE(contains(text, "ip6 saddr fd00:10::/64 ip6 daddr != fd00:10::/64 oifname \"uplink\" counter masquerade"));
  expect_nft_accepts(text);
}

TEST(Ipv6Nft, IsolatedNetworkForwardsNoIpv6) {
  std::string text = render_lab_ruleset({"demo", {dual_net(NetworkMode::isolated, false)}});
  EXPECT_FALSE(contains(text, "ip6"));
  EXPECT_TRUE(contains(text, "iifname \"demo-lan\" counter reject"));
}

}  // namespace
}  // namespace netlab::host
