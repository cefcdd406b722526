#include "netlab/host/nft_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/host/nft_check.h"

namespace netlab::host {
namespace {

using model::Cidr;
using model::NetworkMode;
using testing::contains;
using testing::expect_nft_accepts;
using testing::nft_check;

NetworkRules net(const std::string& name, const std::string& cidr, const std::string& bridge, NetworkMode mode,
                 const std::string& uplink = "uplink") {
  return {name, *Cidr::parse(cidr), bridge, mode, uplink};
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

TEST(NftRules, NatNetworkForwardsOutAndMasquerades) {
  LabRules rules{"demo", {net("lan", "192.168.100.1/24", "demo-lan", NetworkMode::nat)}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(text.starts_with("table inet netlab_demo {\n")) << text;
  EXPECT_TRUE(contains(text, "type filter hook forward priority filter; policy accept;"));
  EXPECT_TRUE(contains(text, "type nat hook postrouting priority srcnat; policy accept;"));
  // Guests go out, replies come back, nobody outside initiates in.
  EXPECT_TRUE(contains(text, "iifname \"demo-lan\" ip saddr 192.168.100.0/24 oifname \"uplink\" counter accept"));
  EXPECT_TRUE(contains(text, "oifname \"demo-lan\" ip daddr 192.168.100.0/24 ct state established,related counter accept"));
  EXPECT_FALSE(contains(text, "iifname \"uplink\" oifname \"demo-lan\""));
  EXPECT_TRUE(contains(text, "iifname \"demo-lan\" counter reject"));
  EXPECT_TRUE(contains(text, "oifname \"demo-lan\" counter reject"));
  // libvirt's masquerade rules, multicast and broadcast excluded.
  EXPECT_TRUE(contains(text, "ip saddr 192.168.100.0/24 ip daddr 224.0.0.0/24 counter return"));
  EXPECT_TRUE(contains(text, "ip saddr 192.168.100.0/24 ip daddr 255.255.255.255 counter return"));
  EXPECT_TRUE(contains(text, "meta l4proto { tcp, udp } ip saddr 192.168.100.0/24 ip daddr != 192.168.100.0/24 "
                             "oifname \"uplink\" counter masquerade to :1024-65535"));
  EXPECT_TRUE(contains(text, "ip saddr 192.168.100.0/24 ip daddr != 192.168.100.0/24 oifname \"uplink\" counter masquerade comment"));
  // The returns come before the masquerades.
  EXPECT_LT(text.find("255.255.255.255 counter return"), text.find("masquerade"));
  // Every rule is named for the tracer.
  EXPECT_EQ(count(text, "counter"), count(text, "comment \"netlab:demo:lan\""));
  EXPECT_EQ(count(text, "counter"), 9u);
  expect_nft_accepts(text);
}

TEST(NftRules, RouteNetworkForwardsBothWaysWithoutMasquerade) {
  LabRules rules{"r1", {net("routed", "10.10.0.0/16", "r1-routed", NetworkMode::route, "eth9")}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(contains(text, "iifname \"r1-routed\" ip saddr 10.10.0.0/16 oifname \"eth9\" counter accept"));
  EXPECT_TRUE(contains(text, "iifname \"eth9\" oifname \"r1-routed\" ip daddr 10.10.0.0/16 counter accept"));
  EXPECT_FALSE(contains(text, "masquerade"));
  EXPECT_EQ(count(text, "counter"), count(text, "comment \"netlab:r1:routed\""));
  expect_nft_accepts(text);
}

TEST(NftRules, IsolatedNetworkForwardsNothingButItsOwnBridge) {
  LabRules rules{"iso", {net("priv", "172.16.5.0/24", "iso-priv", NetworkMode::isolated)}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(contains(text, "iifname \"iso-priv\" oifname \"iso-priv\" counter accept"));
  EXPECT_TRUE(contains(text, "iifname \"iso-priv\" counter reject"));
  EXPECT_TRUE(contains(text, "oifname \"iso-priv\" counter reject"));
  EXPECT_FALSE(contains(text, "uplink"));
  EXPECT_FALSE(contains(text, "established"));
  EXPECT_FALSE(contains(text, "masquerade"));
  EXPECT_EQ(count(text, "accept comment"), 1u);
  expect_nft_accepts(text);
}

TEST(NftRules, BridgeModeNetworksGetNoRules) {
  LabRules rules{"b", {net("office", "192.168.1.0/24", "b-office", NetworkMode::bridge)}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_FALSE(contains(text, "b-office"));
  EXPECT_FALSE(contains(text, "comment"));
  expect_nft_accepts(text);
}

TEST(NftRules, AllAcceptsComeBeforeAnyRejectAcrossNetworks) {
  LabRules rules{"multi",
                 {net("a", "192.168.10.0/24", "multi-a", NetworkMode::isolated),
                  net("b", "192.168.20.0/24", "multi-b", NetworkMode::nat),
                  net("c", "192.168.30.0/24", "multi-c", NetworkMode::route)}};
  std::string text = render_lab_ruleset(rules);
  size_t last_accept = text.rfind("counter accept");
  size_t first_reject = text.find("counter reject");
  ASSERT_NE(first_reject, std::string::npos);
  EXPECT_LT(last_accept, first_reject);
  EXPECT_EQ(count(text, "counter reject"), 6u);
  EXPECT_EQ(count(text, "masquerade"), 2u);  // only b: two masquerade rules
  EXPECT_TRUE(contains(text, "comment \"netlab:multi:a\""));
  EXPECT_TRUE(contains(text, "comment \"netlab:multi:c\""));
  expect_nft_accepts(text);
}

TEST(NftRules, WithoutUplinkAnyDeviceButTheBridgeCounts) {
  LabRules rules{"h", {net("n", "192.168.50.0/24", "h-n", NetworkMode::nat, "")}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(contains(text, "iifname \"h-n\" ip saddr 192.168.50.0/24 oifname != \"h-n\" counter accept"));
  EXPECT_TRUE(contains(text, "ip daddr != 192.168.50.0/24 oifname != \"h-n\" counter masquerade comment"));
  expect_nft_accepts(text);
}

TEST(NftRules, TableNameFollowsTheModelAndHostBitsAreCleared) {
  LabRules rules{"my-lab", {net("n", "192.168.7.1/24", "my-lab-n", NetworkMode::nat)}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(text.starts_with("table inet netlab_my_lab {"));
  EXPECT_FALSE(contains(text, "192.168.7.1/24"));
  EXPECT_TRUE(contains(text, "192.168.7.0/24"));
}

TEST(NftRules, ReplaceDeletesAndRecreatesInOneTransaction) {
  LabRules rules{"demo", {net("lan", "192.168.100.0/24", "demo-lan", NetworkMode::nat)}};
  std::string text = render_lab_replace(rules);
  EXPECT_TRUE(text.starts_with("add table inet netlab_demo\ndelete table inet netlab_demo\ntable inet netlab_demo {"));
  expect_nft_accepts(text);
}

TEST(NftRules, TraceChainSetsNftraceForTheMatch) {
  std::string text = render_trace_chain("demo", "ip saddr 192.168.100.10 icmp type echo-request");
  EXPECT_TRUE(contains(text, "add chain inet netlab_demo trace_pre { type filter hook prerouting priority raw - 1; policy accept; }"));
  EXPECT_TRUE(contains(text, "add rule inet netlab_demo trace_pre ip saddr 192.168.100.10 icmp type echo-request meta nftrace set 1 comment \"netlab:demo:trace\""));
  EXPECT_EQ(render_trace_chain_removal("demo"), "delete chain inet netlab_demo trace_pre\n");
  // The chain needs its table: check both together.
  LabRules rules{"demo", {net("lan", "192.168.100.0/24", "demo-lan", NetworkMode::nat)}};
  expect_nft_accepts(render_lab_ruleset(rules) + text);
}

TEST(NftRules, TraceChainRefusesInjectedSyntax) {
  EXPECT_EQ(render_trace_chain("demo", ""), "");
  EXPECT_EQ(render_trace_chain("demo", "ip saddr 1.2.3.4; flush ruleset"), "");
  EXPECT_EQ(render_trace_chain("demo", "ip saddr 1.2.3.4\nflush ruleset"), "");
  EXPECT_EQ(render_trace_chain("demo", "meta mark 1 } chain x {"), "");
}

TEST(NftRules, QuotesInNamesCannotBreakOutOfStrings) {
  LabRules rules{"demo", {net("bad\"name", "192.168.100.0/24", "br\"0", NetworkMode::isolated)}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(contains(text, "iifname \"br0\""));
  EXPECT_TRUE(contains(text, "comment \"netlab:demo:badname\""));
}

TEST(NftRules, SyntaxCheckRejectsBrokenText) {
  // Guards the checker itself: a broken ruleset must not pass.
  std::string check = nft_check("table inet x { chain y { type filter hook forward priority filter; bogus } }\n");
  if (check.rfind("skip:", 0) == 0) GTEST_SKIP() << check;
  EXPECT_NE(check, "");
}

}  // namespace
}  // namespace netlab::host

namespace netlab::host {
namespace {

TEST(NftRules, PublishedPortsAreDnatedOnTheUplinkAndForwarded) {
  NetworkRules lan{"lan", *model::Cidr::parse("192.168.100.0/24"), "demo-lan", model::NetworkMode::nat, "uplink", {}};
  lan.forwards.push_back({model::L4Proto::tcp, 8080, *model::Ipv4::parse("192.168.100.10"), 80});
  lan.forwards.push_back({model::L4Proto::udp, 5353, *model::Ipv4::parse("192.168.100.10"), 53});
  LabRules rules{"demo", {lan}};
  std::string text = render_lab_ruleset(rules);
  EXPECT_TRUE(contains(text, "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"))
      << text;
  EXPECT_TRUE(contains(text, "iifname \"uplink\" fib daddr type local tcp dport 8080 counter dnat ip to "
                             "192.168.100.10:80 comment \"netlab:demo:lan\""))
      << text;
  EXPECT_TRUE(contains(text, "iifname \"uplink\" fib daddr type local udp dport 5353 counter dnat ip to 192.168.100.10:53"));
  // Forwarded in before the rejects.
  const size_t accept = text.find("iifname \"uplink\" oifname \"demo-lan\" ip daddr 192.168.100.10 tcp dport 80 ct status "
                                  "dnat counter accept");
  ASSERT_NE(accept, std::string::npos) << text;
  EXPECT_LT(accept, text.find("reject"));
  EXPECT_EQ(count(text, "counter"), count(text, "comment \"netlab:demo:lan\""));
  expect_nft_accepts(text);
  // Without forwards there is no prerouting chain at all.
  EXPECT_FALSE(contains(render_lab_ruleset({"demo", {net("lan", "192.168.100.1/24", "demo-lan", NetworkMode::nat)}}),
                        "prerouting"));
}

}  // namespace
}  // namespace netlab::host
