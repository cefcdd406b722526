// The planner on a running lab whose file changed: each kind of change gives
// the minimal plan (removals and changes in place, nothing rebuilt), and an
// unchanged lab gives none.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "converge_lab.h"
#include "fake_observed.h"
#include "netlab/plan/guest_keys.h"
#include "netlab/plan/planner.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

const std::string kBase = converge_lab("cv");

/// A running lab built from kBase: the fake host holds its effect, `owned` its journal.
struct Running {
  FakeObserved observed;
  Owned owned;
  Target target = sandbox_target("cv");

  Running() {
    const auto topo = load_lab(kBase);
    for (const auto& step : make(topo, target, observed)) {
      if (auto obj = owned_object(step)) {
        if (obj->kind == state::ObjectKind::sysctl) obj->detail = "0";  // the value before netlab
        owned.objects.push_back(*obj);
      }
      observed.apply(step);
    }
    auto objects = std::move(owned.objects);
    owned = described_by(topo, target);
    owned.objects = std::move(objects);
  }
  std::vector<std::string> plan(const std::string& text) { return describe_all(make(load_lab(text), target, observed, owned)); }
};

using Lines = std::vector<std::string>;

TEST(Converge, UnchangedLabNeedsNothing) {
  Running lab;
  EXPECT_EQ(lab.plan(kBase), Lines{});
}

TEST(Converge, RemovedGuestIsRemovedAlone) {
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "  g2: {nics: [{network: lan}]}\n", "")),
            (Lines{"remove nic eth0 of guest g2 (cv-g2-0)", "remove guest g2 (namespace cv-g2)"}));
}

TEST(Converge, AddedNicIsCreatedAlone) {
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "g2: {nics: [{network: lan}]}", "g2: {nics: [{network: lan}, {network: dmz}]}")),
            (Lines{"create veth cv-g2-1 in cv-host <-> eth1 in cv-g2 (52:54:00:3a:2f:ec)",
                   "attach cv-g2-1 to bridge cv-dmz in cv-host", "bring up cv-g2-1 in cv-host", "bring up eth1 in cv-g2",
                   "obtain a DHCP lease for g2 on eth1 (udhcpc in cv-g2)"}));
}

TEST(Converge, MovedSubnetChangesAddressesRulesDnsmasqAndLeases) {
  Running lab;
  auto lines = lab.plan(replaced(kBase, "192.168.122.", "192.168.123."));
  ASSERT_EQ(lines.size(), 7u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "change address of cv-lan in cv-host from 192.168.122.1/24 to 192.168.123.1/24");
  EXPECT_EQ(lines[1], "change nftables table inet netlab_cv in cv-host from 18 rules to 18 rules (new ruleset)");
  EXPECT_EQ(lines[2], "change dnsmasq for lan in cv-host from DHCP 192.168.122.128-192.168.122.254 to DHCP "
                      "192.168.123.128-192.168.123.254 (restart)");
  EXPECT_EQ(lines[3], "change address of eth0 in cv-s1 from 192.168.122.20/24 to 192.168.123.20/24");
  EXPECT_EQ(lines[4], "add route default via 192.168.123.1 dev eth0 in cv-s1");  // the old went with its address
  EXPECT_EQ(lines[5], "change the DHCP lease of g1 on eth0 from 192.168.122.100/24 to a new one in 192.168.123.0/24 "
                      "(udhcpc in cv-g1)");
  EXPECT_EQ(lines[6], "change the DHCP lease of g2 on eth0 from 192.168.122.100/24 to a new one in 192.168.123.0/24 "
                      "(udhcpc in cv-g2)");
}

TEST(Converge, NatToRouteReplacesTheRulesAndRoutesBack) {
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "  lan:\n", "  lan:\n    mode: route\n")),
            (Lines{"add route 192.168.122.0/24 via 203.0.113.2 dev wan0 in cv-wan",
                   "change nftables table inet netlab_cv in cv-host from 18 rules to 15 rules (new ruleset)"}));
}

TEST(Converge, RouteToIsolatedStopsForwarding) {
  Running lab;
  // No network forwards any more: ip_forward gets its old value back.
  auto text = replaced(replaced(kBase, "  lan:\n", "  lan:\n    mode: isolated\n"), "mode: route", "mode: isolated");
  auto lines = lab.plan(text);
  ASSERT_GE(lines.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "restore net/ipv4/ip_forward=0 in cv-host (no network needs it any more)");
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "change nftables table inet netlab_cv in cv-host from 18 rules to 9 rules (new ruleset)"),
            lines.end())
      << ::testing::PrintToString(lines);
  // Isolated dnsmasqs stop offering a router (DHCP option 3): both restart.
  EXPECT_EQ(lines.size(), 4u) << ::testing::PrintToString(lines);
  for (const auto& l : lines) EXPECT_EQ(l.find("create"), std::string::npos) << l;
}

TEST(Converge, VlanTagChangesInPlace) {
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "vlan: 10", "vlan: 20")),
            Lines{"change cv-v1-0 on OVS bridge cv-sw from VLAN 10 to VLAN 20"});
}

TEST(Converge, DhcpRangeChangeRestartsOnlyThatDnsmasq) {
  Running lab;
  auto text = replaced(kBase, "    subnet: 192.168.122.0/24\n",
                       "    subnet: 192.168.122.0/24\n    dhcp: {range: 192.168.122.50-192.168.122.99}\n");
  EXPECT_EQ(lab.plan(text), Lines{"change dnsmasq for lan in cv-host from DHCP 192.168.122.128-192.168.122.254 to "
                                  "DHCP 192.168.122.50-192.168.122.99 (restart)"});
}

TEST(Converge, ChangedStaticAddressTakesItsDefaultRouteBack) {
  // The old address goes first, and the kernel flushes the routes over the NIC with it.
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "192.168.122.20/24", "192.168.122.30/24")),
            (Lines{"change address of eth0 in cv-s1 from 192.168.122.20/24 to 192.168.122.30/24",
                   "add route default via 192.168.122.1 dev eth0 in cv-s1"}));
}

TEST(Converge, GuestMovedToAnotherNetworkIsReattachedAndRenewed) {
  Running lab;
  EXPECT_EQ(lab.plan(replaced(kBase, "g2: {nics: [{network: lan}]}", "g2: {nics: [{network: dmz}]}")),
            (Lines{"attach cv-g2-0 to bridge cv-dmz in cv-host",
                   "change the DHCP lease of g2 on eth0 from 192.168.122.100/24 to a new one in 10.9.0.0/24 (udhcpc in "
                   "cv-g2)"}));
}

/// The digests of a topology's steps (what `up` records when it completes).
StepDigests digests_of(const model::Topology& topo, const Target& target) {
  const Desired d = desired_of(topo, target);
  return step_digests(d.steps, d.owners);
}

TEST(Converge, StepDigestsFollowEachGuestsSteps) {
  Running lab;
  const auto before = digests_of(load_lab(kBase), lab.target);
  EXPECT_EQ(before.size(), 5u);  // the lab's own, g1, g2, s1, v1
  EXPECT_EQ(before, digests_of(load_lab(kBase), lab.target));
  // A retagged port changes v1's digest (a host-side step) and nothing else.
  const auto retagged = digests_of(load_lab(replaced(kBase, "vlan: 10", "vlan: 20")), lab.target);
  for (const auto& [owner, digest] : before) EXPECT_EQ(digest == retagged.at(owner), owner != "v1") << owner;
  // A moved subnet changes the lab's own steps and every guest on it.
  const auto moved = digests_of(load_lab(replaced(kBase, "192.168.122.", "192.168.123.")), lab.target);
  for (const auto& owner : {"", "g1", "g2", "s1"}) EXPECT_NE(before.at(owner), moved.at(owner)) << owner;
  EXPECT_EQ(before.at("v1"), moved.at("v1"));
}

TEST(Converge, AChangedFileReadsOnlyTheGuestsItChangesOrThatWereReplaced) {
  Running lab;
  for (auto& o : lab.owned.objects)
    if (o.kind == state::ObjectKind::netns) o.detail = "id:" + o.name;  // as `up` journals each once made
  // Changed by hand inside g1 and s1, and g1's host side; s1's namespace is moreover not the lab's any more.
  lab.observed.links[{"cv-g1", "eth0"}].up = false;
  lab.observed.links[{"cv-host", "cv-g1-0"}].up = false;
  lab.observed.links[{"cv-s1", "eth0"}].up = false;
  lab.observed.identities["cv-s1"] = "someone else's";
  const auto before = digests_of(load_lab(kBase), lab.target);
  const auto next = load_lab(replaced(kBase, "vlan: 10", "vlan: 20"));
  mark_unchanged(next, before, digests_of(next, lab.target), lab.owned, lab.observed);
  EXPECT_EQ(lab.owned.unchanged, (std::set<std::string>{"cv-g1", "cv-g2"}));
  EXPECT_EQ(lab.owned.untouched, (std::set<std::string>{"g1", "g2"}));
  auto lines = describe_all(make(next, lab.target, lab.observed, lab.owned));
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"bring up eth0 in cv-s1", "change cv-v1-0 on OVS bridge cv-sw from VLAN 10 to VLAN 20"}));
  // When the lab's own steps need something, the untouched guests' host sides are read too (not inside them).
  lab.observed.links[{"cv-host", "cv-lan"}].up = false;
  lines = describe_all(make(next, lab.target, lab.observed, lab.owned));
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"bring up cv-g1-0 in cv-host", "bring up cv-lan in cv-host", "bring up eth0 in cv-s1",
                          "change cv-v1-0 on OVS bridge cv-sw from VLAN 10 to VLAN 20"}));
  lab.observed.links[{"cv-host", "cv-lan"}].up = true;
  // A guest whose steps change is read: g2 moved to another address kind.
  auto moved = load_lab(replaced(kBase, "g2: {nics: [{network: lan}]}", "g2: {nics: [{network: lan, address: 192.168.122.30/24}]}"));
  mark_unchanged(moved, before, digests_of(moved, lab.target), lab.owned, lab.observed);
  EXPECT_FALSE(lab.owned.unchanged.count("cv-g2"));
  EXPECT_FALSE(lab.owned.untouched.count("g2"));
  // The unchanged file trusts nothing: `up` of it repairs g1 too.
  mark_unchanged(load_lab(kBase), before, before, lab.owned, lab.observed);
  EXPECT_TRUE(lab.owned.unchanged.empty());
  EXPECT_TRUE(lab.owned.untouched.empty());
  lines = describe_all(make(load_lab(kBase), lab.target, lab.observed, lab.owned));
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"bring up cv-g1-0 in cv-host", "bring up eth0 in cv-g1", "bring up eth0 in cv-s1"}));
}

TEST(Converge, AGuestLeftUnexpandedKeepsWhatItOwnsAndIsNotRead) {
  Running lab;
  for (auto& o : lab.owned.objects)
    if (o.kind == state::ObjectKind::netns) o.detail = "id:" + o.name;
  const auto base = load_lab(kBase);
  const auto next = load_lab(replaced(kBase, "192.168.122.20/24", "192.168.122.21/24"));
  const Desired full = desired_of(base, lab.target);
  // g1 and g2 as the last `up` recorded them; s1 changed; g2's namespace is not the one the lab made.
  GuestKeys recorded = guest_input_keys(base, lab.target);
  lab.observed.identities["cv-g2"] = "someone else's";
  const auto skipped = mark_unexpanded(next, guest_input_keys(next, lab.target), recorded, lab.owned, lab.observed);
  EXPECT_EQ(skipped, (std::set<std::string>{"g1", "v1"}));
  EXPECT_EQ(lab.owned.unchanged, (std::set<std::string>{"cv-g1", "cv-v1"}));
  lab.observed.identities.erase("cv-g2");
  Desired wanted = desired_of(next, lab.target, skipped);
  for (const auto& owner : wanted.owners) EXPECT_TRUE(owner != "g1" && owner != "v1") << owner;
  // Changed by hand inside g1: not seen, g1 is not read.
  lab.observed.links[{"cv-g1", "eth0"}].up = false;
  const auto objects = guest_object_keys(full);
  for (const auto& guest : skipped) wanted.kept.insert(objects.at(guest).begin(), objects.at(guest).end());
  ASSERT_FALSE(lab_needs_steps(wanted, lab.observed, lab.owned, lab.target.host_netns));
  EXPECT_EQ(describe_all(make(wanted, lab.observed, lab.owned, lab.target.host_netns)),
            (Lines{"change address of eth0 in cv-s1 from 192.168.122.20/24 to 192.168.122.21/24",
                   "add route default via 192.168.122.1 dev eth0 in cv-s1"}));
  // Without what they own kept, the skipped guests would look removed from the file.
  wanted.kept.clear();
  const auto lines = describe_all(make(wanted, lab.observed, lab.owned, lab.target.host_netns));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "remove guest g1 (namespace cv-g1)"), lines.end());
  // When the lab's own steps need something, the caller expands every guest first.
  lab.observed.links[{"cv-host", "cv-lan"}].up = false;
  EXPECT_TRUE(lab_needs_steps(wanted, lab.observed, lab.owned, lab.target.host_netns));
}

}  // namespace
}  // namespace netlab::plan
