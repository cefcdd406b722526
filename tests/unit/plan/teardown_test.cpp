// remove_objects() against FakeHost, without root: the removal order (daemons,
// nft tables, links, namespaces, then sysctls restored), newest first within a
// kind, what goes with its namespace, and what is already gone.
#include "netlab/plan/teardown.h"

#include <gtest/gtest.h>

#include "fake_host.h"
#include "test_labs.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/planner.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

const std::string kForward = "net/ipv4/ip_forward";

/// A host holding one of each kind of object a lab owns, and the journal that
/// recorded them, oldest first.
struct LabOnHost {
  FakeObserved observed;
  FakeHost host{observed};
  std::vector<OwnedObject> objects;
  std::string pid_file;

  LabOnHost() {
    observed.sysctls[{"", kForward}] = "0";
    host.add_nic("", "eth0");
    host::DnsmasqConfig dns;
    dns.network = "n";
    dns.bridge = "br1";
    dns.run_dir = "/run/netlab/t";
    pid_file = host::dnsmasq_files(dns.run_dir, dns.network).pid;
    host::BridgeSpec br0, br1;
    br0.name = "br0";
    br1.name = "br1";
    EXPECT_TRUE(host.create_netns("t-a", true).ok());
    EXPECT_TRUE(host.set_sysctl("", kForward, "1").ok());
    EXPECT_TRUE(host.create_bridge("", br1).ok());
    EXPECT_TRUE(host.create_tap("", "tap0", "netlab:t").ok());
    EXPECT_TRUE(host.create_bridge("t-a", br0).ok());
    EXPECT_TRUE(host.replace_nft_table("", "netlab_t", "table inet netlab_t { comment \"one\" }").ok());
    EXPECT_TRUE(host.start_ovs("", "/run/netlab/t").ok());
    EXPECT_TRUE(host.start_dnsmasq("", dns).ok());
    objects = {
        {ObjectKind::netns, "", "t-a", ""},
        {ObjectKind::sysctl, "", kForward, "0"},
        {ObjectKind::link, "", "br1", "bridge"},
        {ObjectKind::link, "", "tap0", "tun"},
        {ObjectKind::link, "t-a", "br0", "bridge"},
        {ObjectKind::nft_table, "", "inet netlab_t", ""},
        {ObjectKind::ovs, "", "/run/netlab/t", ""},
        {ObjectKind::process, "", pid_file, "/run/netlab/t/n.conf"},
    };
    host.writes.clear();
  }
};

TEST(Teardown, RemovesByKindNewestFirstAndRestoresSysctlsLast) {
  LabOnHost lab;
  TeardownReport report = remove_objects(lab.objects, lab.host);
  EXPECT_EQ(lab.host.writes, (std::vector<std::string>{
                                 "stop_process 1000",
                                 "stop_ovs /run/netlab/t",
                                 "delete_nft_table -/inet netlab_t",
                                 "delete_link -/tap0",
                                 "delete_link -/br1",
                                 "delete_netns t-a",  // its bridge br0 goes with it
                                 "set_sysctl -/net/ipv4/ip_forward=0",
                             }));
  EXPECT_EQ(report.removed, (std::vector<std::string>{
                                "dnsmasq pid 1000",
                                "OVS daemons of /run/netlab/t",
                                "nft table inet netlab_t",
                                "link tap0",
                                "link br1",
                                "namespace t-a",
                                "sysctl net/ipv4/ip_forward restored to 0",
                            }));
  EXPECT_TRUE(report.problems.empty());
  FakeObserved untouched;
  untouched.sysctls[{"", kForward}] = "0";
  untouched.links[{"", "eth0"}] = {"", "", "", true};
  EXPECT_EQ(dump(lab.observed), dump(untouched));
}

TEST(Teardown, WhatIsAlreadyGoneIsSkippedSilently) {
  LabOnHost lab;
  remove_objects(lab.objects, lab.host);
  lab.host.writes.clear();
  TeardownReport again = remove_objects(lab.objects, lab.host);
  EXPECT_TRUE(again.problems.empty());
  // Only the sysctl is written again: it is restored, not deleted.
  EXPECT_EQ(again.removed, std::vector<std::string>{"sysctl net/ipv4/ip_forward restored to 0"});
  for (const auto& w : lab.host.writes)
    EXPECT_TRUE(w.rfind("delete_nft_table", 0) == 0 || w.rfind("set_sysctl", 0) == 0) << w;
}

TEST(Teardown, AFailedRemovalIsReportedAndTheRestStillGoes) {
  LabOnHost lab;
  lab.host.fail_on("delete_link -/tap0");
  TeardownReport report = remove_objects(lab.objects, lab.host);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0], "injected failure");
  EXPECT_EQ(report.removed.size(), 6u);
  EXPECT_TRUE(lab.observed.link("", "tap0").has_value());
  EXPECT_FALSE(lab.observed.netns_exists("t-a"));
}

TEST(Teardown, SandboxLabGoesWithItsNamespaces) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  auto journal = state::Journal::open("nat");
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  auto applied = apply(make(nat_lab(), sandbox_target("nat"), observed), *journal, host);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  host.writes.clear();
  TeardownReport report = remove_objects(state::read_journal("nat"), host);
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(dump(observed), "");
  // Links and tables inside the lab's namespaces are not removed one by one.
  ASSERT_FALSE(host.writes.empty());
  EXPECT_EQ(host.writes.front(), "stop_process 1000");
  for (size_t i = 1; i < host.writes.size(); ++i)
    EXPECT_EQ(host.writes[i].rfind("delete_netns ", 0), 0u) << host.writes[i];
}

}  // namespace
}  // namespace netlab::plan
