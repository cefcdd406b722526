// Converging `up` carried out on FakeHost: leases released from dnsmasq's lease
// file, a failed removal kept in the journal, a failure at any step returning
// the lab to its previous file, and a VM whose memory changed redefined and
// restarted.
#include <gtest/gtest.h>

#include <algorithm>

#include "converge_lab.h"
#include "fake_host.h"
#include "netlab/host/dnsmasq_conf.h"
#include "netlab/plan/converge.h"
#include "netlab/plan/planner.h"
#include "netlab/plan/vm.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

const std::string kLab = converge_lab("ca", "52:54:00:00:00:20");

/// A lab built by apply() on a fake host, with its journal in a scratch run directory.
struct Built {
  ScratchRunDir dir;
  FakeObserved observed;
  FakeHost host{observed};
  Target target;
  model::Topology topology;

  explicit Built(const model::Topology& topo) : target(sandbox_target(topo.name)), topology(topo) {
    observed.sysctls[{target.host_netns, "net/ipv4/ip_forward"}] = "0";
    auto journal = state::Journal::open(topo.name);
    EXPECT_TRUE(journal.ok());
    auto built = apply(make(topo, target, observed), *journal, host);
    EXPECT_TRUE(built.ok()) << built.error().message;
    host.writes.clear();
  }
  Owned owned() {
    Owned o = described_by(topology, target);
    o.objects = state::read_journal(topology.name);
    return o;
  }
  std::vector<Action> plan(const model::Topology& next) { return make(next, target, observed, owned()); }
  /// `up` of `next`: the plan applied, returning to `topology` on failure.
  Result<ApplyResult> up(const model::Topology& next, bool* returned = nullptr) {
    const auto steps = plan(next);
    auto journal = state::Journal::open(topology.name);
    if (!journal) return journal.error();
    const ConvergeFrom from{topology.name, target, [this] { return std::optional<model::Topology>(topology); },
                            [this]() -> Observed& { return observed; }};
    auto result = apply_converging(steps, from, *journal, host, {}, returned);
    if (result) topology = next;
    return result;
  }
  std::string lease_file(const std::string& network) { return host::dnsmasq_files(target.run_dir, network).leases; }
};

const char* kLeases =
    "1900000000 52:54:00:00:00:10 192.168.122.130 g1 *\n"
    "1900000000 52:54:00:00:00:20 192.168.122.150 g2 *\n";

TEST(ConvergeApply, RemovedGuestsLeaseLeavesTheLeaseFile) {
  Built lab(load_lab(kLab));
  lab.observed.addrs[{"ca-g2", "eth0"}] = {*model::Cidr::parse("192.168.122.150/24")};
  lab.observed.files[lab.lease_file("lan")] = kLeases;
  const auto next = load_lab(replaced(kLab, "  g2: {nics: [{network: lan, mac: \"52:54:00:00:00:20\"}]}\n", ""));
  EXPECT_EQ(describe_all(lab.plan(next)),
            (std::vector<std::string>{"remove nic eth0 of guest g2 (ca-g2-0)", "remove guest g2 (namespace ca-g2)",
                                      "release the DHCP lease of 192.168.122.150 in dnsmasq for lan in ca-host (restart)"}));
  auto result = lab.up(next);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(lab.observed.files[lab.lease_file("lan")], "1900000000 52:54:00:00:00:10 192.168.122.130 g1 *\n");
  // The daemon was stopped before its file changed, and started after.
  const auto& w = lab.host.writes;
  auto at = [&](const std::string& prefix) {
    return std::find_if(w.begin(), w.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }) - w.begin();
  };
  EXPECT_LT(at("stop_process"), at("write_file " + lab.lease_file("lan"))) << ::testing::PrintToString(w);
  EXPECT_LT(at("write_file " + lab.lease_file("lan")), at("start_dnsmasq ca-host/lan"));
  EXPECT_TRUE(lab.plan(next).empty());
}

TEST(ConvergeApply, GuestMovedAwayReleasesItsOldLease) {
  Built lab(load_lab(kLab));
  lab.observed.addrs[{"ca-g2", "eth0"}] = {*model::Cidr::parse("192.168.122.150/24")};
  lab.observed.files[lab.lease_file("lan")] = kLeases;
  const auto next = load_lab(replaced(kLab, "g2: {nics: [{network: lan,", "g2: {nics: [{network: dmz,"));
  EXPECT_EQ(describe_all(lab.plan(next)),
            (std::vector<std::string>{
                "release the DHCP lease of 192.168.122.150 in dnsmasq for lan in ca-host (restart)",
                "attach ca-g2-0 to bridge ca-dmz in ca-host",
                "change the DHCP lease of g2 on eth0 from 192.168.122.150/24 to a new one in 10.9.0.0/24 (udhcpc in ca-g2)"}));
  lab.host.lease_address = *model::Cidr::parse("10.9.0.130/24");
  auto result = lab.up(next);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(lab.observed.files[lab.lease_file("lan")], "1900000000 52:54:00:00:00:10 192.168.122.130 g1 *\n");
  const std::vector<model::Cidr> renewed{*model::Cidr::parse("10.9.0.130/24")};
  EXPECT_EQ(lab.observed.addrs[std::make_pair(std::string("ca-g2"), std::string("eth0"))], renewed);
}

TEST(ConvergeApply, RemovedNetworksLeaseFileIsEmptied) {
  Built lab(load_lab(kLab));
  lab.observed.files[lab.lease_file("dmz")] = "1900000000 52:54:00:00:00:30 10.9.0.140 x *\n";
  const auto next = load_lab(replaced(kLab, "  dmz:\n    mode: route\n    subnet: 10.9.0.0/24\n", ""));
  auto result = lab.up(next);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(lab.observed.files[lab.lease_file("dmz")], "");
  EXPECT_FALSE(lab.observed.dnsmasq_running(host::dnsmasq_files(lab.target.run_dir, "dmz").pid, ""));
}

TEST(ConvergeApply, AFailedRemovalLeavesTheObjectInTheJournal) {
  Built lab(load_lab(kLab));
  const auto next = load_lab(replaced(kLab, "  g2: {nics: [{network: lan, mac: \"52:54:00:00:00:20\"}]}\n", ""));
  lab.host.fail_on("delete_netns ca-g2");
  bool returned = false;
  auto result = lab.up(next, &returned);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("remove guest g2 (namespace ca-g2)"), std::string::npos)
      << result.error().message;
  const auto journal = state::read_journal("ca");
  EXPECT_TRUE(std::any_of(journal.begin(), journal.end(), [](const state::OwnedObject& o) {
    return o.kind == state::ObjectKind::netns && o.name == "ca-g2";
  }));
  // The lab went back to its previous file (g2's NIC made again), so `up` of
  // the new file tries the whole removal again; `down` would find it too.
  EXPECT_TRUE(returned) << result.error().message;
  lab.host.fail_on("nothing matches this");
  EXPECT_EQ(describe_all(lab.plan(next)),
            (std::vector<std::string>{"remove nic eth0 of guest g2 (ca-g2-0)", "remove guest g2 (namespace ca-g2)"}));
}

/// The changes every step of which is failed in turn below: a removed guest, a
/// retagged OVS port, a changed static address, a changed DHCP range.
std::string changed_lab() {
  std::string text = replaced(kLab, "  g2: {nics: [{network: lan, mac: \"52:54:00:00:00:20\"}]}\n", "");
  text = replaced(text, "vlan: 10", "vlan: 20");
  text = replaced(text, "192.168.122.20/24", "192.168.122.21/24");
  return replaced(text, "    subnet: 192.168.122.0/24\n",
                  "    subnet: 192.168.122.0/24\n    dhcp: {range: 192.168.122.50-192.168.122.99}\n");
}

TEST(ConvergeApply, AFailureAtAnyStepReturnsTheLabToItsPreviousFile) {
  std::vector<std::string> writes;
  std::string before;
  {
    Built lab(load_lab(kLab));
    before = dump(lab.observed);
    auto result = lab.up(load_lab(changed_lab()));
    ASSERT_TRUE(result.ok()) << result.error().message;
    writes = lab.host.writes;
    EXPECT_NE(dump(lab.observed), before);
  }
  ASSERT_GE(writes.size(), 6u);
  for (const auto& failing : writes) {
    SCOPED_TRACE("failing " + failing);
    Built lab(load_lab(kLab));
    lab.host.fail_on(failing);
    bool returned = false;
    auto result = lab.up(load_lab(changed_lab()), &returned);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(returned) << result.error().message;
    EXPECT_EQ(dump(lab.observed), before);
    lab.host.fail_on("nothing matches this");
    EXPECT_EQ(describe_all(lab.plan(load_lab(kLab))), std::vector<std::string>{});
  }
}

/// A lab with one VM (a kvm guest with a disk) of `memory` MiB.
model::Topology vm_lab(int memory) {
  model::Topology t = nat_lab();
  t.name = "cvm";
  auto vm = make_guest("vm", "default", "dhcp");
  vm.kind = model::GuestKind::kvm;
  vm.memory_mib = memory;
  vm.disk = model::Disk{"/images/base.qcow2", "qcow2", model::Provisioning::thin, {}};
  t.guests.push_back(vm);
  return t;
}

TEST(ConvergeApply, VmWhoseMemoryChangedIsRedefinedAndRestarted) {
  Built lab(vm_lab(256));
  EXPECT_EQ(describe_all(lab.plan(vm_lab(512))),
            std::vector<std::string>{"change domain netlab-cvm-vm from 1 vcpu, 256 MiB to 1 vcpu, 512 MiB (redefine and restart)"});
  auto result = lab.up(vm_lab(512));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(lab.host.writes, (std::vector<std::string>{"destroy_domain netlab-cvm-vm",
                                                      "define_domain netlab-cvm-vm copy " + vm_xml_copy(lab.target, vm_lab(512).guests.back()),
                                                      "start_domain netlab-cvm-vm"}));
  EXPECT_NE(lab.host.domains["netlab-cvm-vm"].first.find(">512<"), std::string::npos);
  EXPECT_TRUE(lab.plan(vm_lab(512)).empty());
  // Its disk and its lease stay: only the definition changed.
  EXPECT_TRUE(lab.observed.files.count("/run/netlab/cvm/vms/vm.qcow2"));
  // A restart that fails gives the VM its old definition back, running.
  lab.host.fail_on("start_domain netlab-cvm-vm");
  bool returned = false;
  ASSERT_FALSE(lab.up(vm_lab(1024), &returned).ok());
  lab.host.fail_on("nothing matches this");
  EXPECT_TRUE(returned);
  EXPECT_NE(lab.host.domains["netlab-cvm-vm"].first.find(">512<"), std::string::npos);
  EXPECT_TRUE(lab.host.domains["netlab-cvm-vm"].second);
}

TEST(ConvergeApply, TheJournalForgetsARemovedObjectAndKeepsANamespacesIdentity) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  using state::ObjectKind;
  {
    auto journal = state::Journal::open("cj");
    ASSERT_TRUE(journal.ok());
    ASSERT_TRUE(journal->record({ObjectKind::netns, "", "cj-a", ""}));
    ASSERT_TRUE(journal->record({ObjectKind::netns, "", "cj-a", "4:17"}));  // made: its identity
    ASSERT_TRUE(journal->record({ObjectKind::link, "cj-host", "cj-a-0", "veth"}));
    ASSERT_TRUE(journal->record({ObjectKind::netns, "", "cj-b", ""}));
    ASSERT_TRUE(journal->forget({ObjectKind::link, "cj-host", "cj-a-0", "veth"}));
    ASSERT_TRUE(journal->forget({ObjectKind::netns, "", "cj-b", ""}));
    ASSERT_TRUE(journal->record({ObjectKind::netns, "", "cj-b", "4:18"}));  // made again later
  }
  EXPECT_EQ(state::read_journal("cj"), (std::vector<state::OwnedObject>{{ObjectKind::netns, "", "cj-a", "4:17"},
                                                                        {ObjectKind::netns, "", "cj-b", "4:18"}}));
}

}  // namespace
}  // namespace netlab::plan
