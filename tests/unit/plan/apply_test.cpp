// apply() against FakeHost, without root: the order of writes, the write-ahead
// journal, the veth fold, namespace pre-creation, the uplink's addresses moving
// to its bridge, and the rollback after a failure injected at every step.
#include "netlab/plan/apply.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_host.h"
#include "netlab/host/uplink_move.h"
#include "test_labs.h"
#include "netlab/model/names.h"
#include "netlab/plan/planner.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

const std::string kAlias = "netlab:t";

/// Applies `steps` for lab `lab` (a fresh journal) on `host`; `boundaries`, when
/// given, receives writes.size() as each step begins.
Result<ApplyResult> run(const std::vector<Action>& steps, const std::string& lab, FakeHost& host,
                        std::vector<size_t>* boundaries = nullptr) {
  state::remove_lab_dir(lab);
  auto journal = state::Journal::open(lab);
  if (!journal) return journal.error();
  ApplyOptions options;
  if (boundaries) options.on_step = [&](size_t, size_t, const std::string&) { boundaries->push_back(host.writes.size()); };
  return apply(steps, *journal, host, options);
}

size_t index_of(const std::vector<std::string>& writes, const std::string& prefix) {
  for (size_t i = 0; i < writes.size(); ++i)
    if (writes[i].rfind(prefix, 0) == 0) return i;
  ADD_FAILURE() << "no write starting with: " << prefix;
  return writes.size();
}

/// The journal object a creating write needs recorded before it; nullopt for other writes.
std::optional<OwnedObject> journalled_by(const std::string& write) {
  auto space = write.find(' ');
  const std::string verb = write.substr(0, space);
  std::string rest = write.substr(space + 1);
  rest = rest.substr(0, rest.find(' '));
  if (verb == "create_netns") return OwnedObject{ObjectKind::netns, "", rest, ""};
  auto slash = rest.find('/');
  std::string ns = rest.substr(0, slash), name = rest.substr(slash + 1);
  if (ns == "-") ns.clear();
  if (verb == "create_bridge") return OwnedObject{ObjectKind::link, ns, name, "bridge"};
  if (verb == "create_veth") return OwnedObject{ObjectKind::link, ns, name, "veth"};
  if (verb == "create_tap") return OwnedObject{ObjectKind::link, ns, name, "tun"};
  if (verb == "create_macvtap") return OwnedObject{ObjectKind::link, ns, name, "macvtap"};
  if (verb == "replace_nft_table") return OwnedObject{ObjectKind::nft_table, ns, name + " " + write.substr(write.rfind(' ') + 1), ""};
  if (verb == "set_sysctl") return OwnedObject{ObjectKind::sysctl, ns, name.substr(0, name.find('=')), "?"};
  return std::nullopt;
}

bool journal_holds(const std::vector<OwnedObject>& journal, const OwnedObject& want) {
  return std::any_of(journal.begin(), journal.end(), [&](const OwnedObject& o) {
    return o.kind == want.kind && o.netns == want.netns && o.name == want.name && (want.detail == "?" || o.detail == want.detail);
  });
}

TEST(Apply, NatLabInTheSandboxBuildsWhatThePlannerAskedFor) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  const auto steps = make(nat_lab(), sandbox_target("nat"), observed);
  auto result = run(steps, "nat", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->steps_done, steps.size());
  ASSERT_EQ(result->leases.size(), 1u);
  EXPECT_EQ(result->leases[0].guest, "g1");
  EXPECT_EQ(result->leases[0].address.str(), "192.168.122.100/24");
  // What the fake host now holds is what the planner wanted: nothing is left to do.
  EXPECT_TRUE(make(nat_lab(), sandbox_target("nat"), observed).empty());
  // The bridge before its ports and its dnsmasq; leases once dnsmasq runs.
  const auto& w = host.writes;
  EXPECT_LT(index_of(w, "create_bridge nat-host/nat-default"), index_of(w, "create_veth nat-host/nat-g1-0"));
  EXPECT_LT(index_of(w, "set_up nat-host/nat-default"), index_of(w, "start_dnsmasq nat-host/default"));
  EXPECT_LT(index_of(w, "start_dnsmasq nat-host/default"), index_of(w, "obtain_lease nat-g1/eth0"));
  EXPECT_EQ(w.back(), "obtain_lease nat-g1/eth0");
  // The links touched were settled before the DHCP exchange.
  EXPECT_NE(std::find(host.settled.begin(), host.settled.end(), "nat-g1/eth0"), host.settled.end());
  EXPECT_NE(std::find(host.settled.begin(), host.settled.end(), "nat-host/nat-default"), host.settled.end());
}

TEST(Apply, EveryObjectIsJournalledBeforeItIsCreated) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  size_t checked = 0;
  host.before_write = [&](const std::string& write) {
    auto want = journalled_by(write);
    if (!want) return;
    ++checked;
    EXPECT_TRUE(journal_holds(state::read_journal("nat"), *want)) << "not in the journal before: " << write;
  };
  auto result = run(make(nat_lab(), sandbox_target("nat"), observed), "nat", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(checked, 10u);
  // The sysctl's value from before the run is what the journal keeps (to restore it).
  const OwnedObject forward{ObjectKind::sysctl, "nat-host", "net/ipv4/ip_forward", "0"};
  EXPECT_TRUE(journal_holds(state::read_journal("nat"), forward));
}

TEST(Apply, VethIsCreatedEnslavedAndUpWhenTheNextStepsSaySo) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  const std::vector<Action> steps = {
      CreateNetns{"t-a"},
      CreateNetns{"t-b"},
      CreateBridge{"t-a", "br0", 1500, kAlias, std::nullopt, ""},
      CreateVeth{"t-a", "v0", "t-b", "eth0", 1500, std::nullopt, kAlias},
      SetMaster{"t-a", "v0", "br0"},
      plan::SetUp{"t-a", "v0"},
      // Not adjacent to its veth: carried out as its own write.
      CreateVeth{"t-a", "v1", "t-b", "eth1", 1500, std::nullopt, kAlias},
      AddAddress{"t-b", "eth1", *Cidr::parse("10.0.0.2/24")},
      plan::SetUp{"t-b", "eth1"},
      SetMaster{"t-a", "v1", "br0"},
  };
  auto result = run(steps, "t", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_GE(host.writes.size(), 2u);
  const std::vector<std::string> after_namespaces(host.writes.begin() + 2, host.writes.end());
  EXPECT_EQ(after_namespaces, (std::vector<std::string>{
                                  "create_bridge t-a/br0",
                                  "create_veth t-a/v0 peer t-b/eth0 master=br0 up",
                                  "set_alias t-b/eth0 netlab:t",
                                  "set_no_ipv6_addresses t-b/eth0",
                                  "create_veth t-a/v1 peer t-b/eth1",
                                  "set_alias t-b/eth1 netlab:t",
                                  "set_no_ipv6_addresses t-b/eth1",
                                  "add_address t-b/eth1 10.0.0.2/24",
                                  "set_up t-b/eth1",
                                  "set_master t-a/v1 br0",
                              }));
  EXPECT_EQ(observed.link("t-a", "v0")->master, "br0");
  EXPECT_TRUE(observed.link("t-a", "v0")->up);
  EXPECT_EQ(observed.link("t-a", "v1")->master, "br0");
}

TEST(Apply, NamespacesAreJournalledAndCreatedFirst) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  std::vector<size_t> journal_at_first_netns;
  host.before_write = [&](const std::string& write) {
    if (write.rfind("create_netns", 0) == 0 && journal_at_first_netns.empty())
      journal_at_first_netns.push_back(state::read_journal("t").size());
  };
  const std::vector<Action> steps = {CreateNetns{"t-a"}, CreateBridge{"t-a", "br0", 1500, kAlias, std::nullopt, ""},
                                     CreateNetns{"t-b"}, CreateNetns{"t-c"}};
  auto result = run(steps, "t", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(host.writes.size(), 4u);
  std::vector<std::string> first(host.writes.begin(), host.writes.begin() + 3);
  std::sort(first.begin(), first.end());  // made two at a time: any order
  EXPECT_EQ(first, (std::vector<std::string>{"create_netns t-a ipv6_off", "create_netns t-b ipv6_off",
                                             "create_netns t-c ipv6_off"}));
  EXPECT_EQ(host.writes[3], "create_bridge t-a/br0");
  EXPECT_EQ(journal_at_first_netns, std::vector<size_t>{3});
}

TEST(Apply, FailedNamespaceIsReportedAtItsStepAndTheOthersGo) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  host.fail_on("create_netns t-c");
  const std::vector<Action> steps = {CreateNetns{"t-a"}, CreateBridge{"t-a", "br0", 1500, kAlias, std::nullopt, ""},
                                     CreateNetns{"t-b"}, CreateNetns{"t-c"}};
  auto result = run(steps, "t", host);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("step 4/4 failed: create namespace t-c: injected failure"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("rolled back: 2 objects made by this run"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(dump(observed), "");
  // Newest first; the bridge went with its namespace.
  const std::vector<std::string> tail(host.writes.end() - 2, host.writes.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"delete_netns t-b", "delete_netns t-a"}));
}

TEST(Apply, UplinkJoiningItsBridgeHandsOverAddressesRoutesAndMac) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  const model::Topology t = bridged_lab("eth0");
  FakeObserved observed;
  FakeHost host(observed);
  host.add_nic("", "eth0", "52:54:00:aa:bb:cc");
  observed.addrs[{"", "eth0"}] = {*Cidr::parse("192.0.2.50/24")};
  observed.routes[""] = {{std::nullopt, Ipv4::parse("192.0.2.1"), "eth0", 100, "dhcp"}};
  const Target real_host{false, "", "/run/netlab/brg"};
  auto result = run(make(t, real_host, observed), "brg", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::string bridge = model::bridge_name(t, t.networks[0]);
  EXPECT_NE(std::find(host.writes.begin(), host.writes.end(), "create_bridge -/" + bridge + " mac=52:54:00:aa:bb:cc"),
            host.writes.end());
  // One step moves the NIC with everything it holds, after the bridge exists, and the journal knew it first.
  EXPECT_LT(index_of(host.writes, "create_bridge -/" + bridge), index_of(host.writes, "move_uplink -/eth0 " + bridge));
  bool journalled = false;
  for (const auto& o : state::read_journal("brg"))
    if (o.kind == state::ObjectKind::uplink && o.name == "eth0") {
      auto snapshot = host::uplink_snapshot_from_json(o.detail);
      ASSERT_TRUE(snapshot) << o.detail;
      ASSERT_EQ(snapshot->addresses.size(), 1u);
      EXPECT_EQ(snapshot->addresses[0].str(), "192.0.2.50/24");
      ASSERT_EQ(snapshot->routes.size(), 1u);
      EXPECT_EQ(snapshot->routes[0].gateway, "192.0.2.1");
      journalled = true;
    }
  EXPECT_TRUE(journalled);
  EXPECT_EQ(observed.link("", "eth0")->master, bridge);
  EXPECT_TRUE(observed.addresses("", "eth0").empty());
  EXPECT_EQ(observed.addresses("", bridge), std::vector<Cidr>{*Cidr::parse("192.0.2.50/24")});
  ASSERT_EQ(observed.routes[""].size(), 1u);
  EXPECT_EQ(observed.routes[""][0].dev, bridge);
  EXPECT_EQ(observed.routes[""][0].metric, 100);
  EXPECT_TRUE(observed.has_route("", std::nullopt, *Ipv4::parse("192.0.2.1")));
}

TEST(Apply, AFailureAfterTheUplinkMovedGivesTheNicBackEverything) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  const model::Topology t = bridged_lab("eth0");
  FakeObserved observed;
  FakeHost host(observed);
  host.add_nic("", "eth0");
  observed.addrs[{"", "eth0"}] = {*Cidr::parse("192.0.2.50/24")};
  observed.routes[""] = {{std::nullopt, Ipv4::parse("192.0.2.1"), "eth0", 100, "dhcp"}};
  host.fail_on("create_veth");  // the guest's link, after the move
  auto result = run(make(t, Target{false, "", "/run/netlab/brg"}, observed), "brg", host);
  ASSERT_FALSE(result.ok());
  const std::string bridge = model::bridge_name(t, t.networks[0]);
  // Restored before the bridge goes, so the host keeps its routes throughout.
  EXPECT_LT(index_of(host.writes, "restore_uplink -/eth0 " + bridge), index_of(host.writes, "delete_link -/" + bridge));
  EXPECT_EQ(observed.link("", "eth0")->master, "");
  EXPECT_EQ(observed.addresses("", "eth0"), std::vector<Cidr>{*Cidr::parse("192.0.2.50/24")});
  ASSERT_EQ(observed.routes[""].size(), 1u);
  EXPECT_EQ(observed.routes[""][0].dev, "eth0");
}

/// A fresh host as a test wants it before the lab: a namespace and a NIC that
/// are not the lab's (and that rollback must leave alone).
struct Host {
  FakeObserved observed;
  FakeHost host{observed};
  Host() {
    observed.namespaces.insert("someone-else");
    host.add_nic("someone-else", "eth0");
    host.add_nic("", "eth9");
    observed.sysctls[{"", "net/ipv4/ip_forward"}] = "0";
  }
};

/// Fails the first write of every step in turn: each time, the Error names the
/// step, the host is as it was before the run, and rollback only removed
/// (never created), namespaces newest first.
void check_rollback_at_every_step(const model::Topology& topo, const Target& target) {
  std::vector<Action> steps;
  std::vector<size_t> boundaries;
  std::vector<std::string> clean_writes;
  {
    Host h;
    steps = make(topo, target, h.observed);
    auto result = run(steps, topo.name, h.host, &boundaries);
    ASSERT_TRUE(result.ok()) << result.error().message;
    clean_writes = h.host.writes;
  }
  boundaries.push_back(clean_writes.size());
  size_t tried = 0;
  for (size_t k = 0; k < steps.size(); ++k) {
    if (boundaries[k] == boundaries[k + 1]) continue;  // no write of its own (folded or pre-created)
    SCOPED_TRACE("failing step " + std::to_string(k + 1) + ": " + describe(steps[k]));
    Host h;
    const std::string before = dump(h.observed);
    const std::string failing = clean_writes[boundaries[k]];
    h.host.fail_on(failing);
    auto result = run(steps, topo.name, h.host);
    ASSERT_FALSE(result.ok());
    const std::string want = "step " + std::to_string(k + 1) + "/" + std::to_string(steps.size()) +
                             " failed: " + describe(steps[k]) + ": ";
    EXPECT_EQ(result.error().message.rfind(want, 0), 0u) << result.error().message;
    EXPECT_EQ(dump(h.observed), before);
    auto failed_at = std::find(h.host.writes.begin(), h.host.writes.end(), failing);
    ASSERT_NE(failed_at, h.host.writes.end());
    std::vector<std::string> deleted_namespaces;
    for (auto it = failed_at + 1; it != h.host.writes.end(); ++it) {
      const bool removal = it->rfind("delete_", 0) == 0 || it->rfind("stop_", 0) == 0 || it->rfind("set_sysctl", 0) == 0 ||
                           it->rfind("destroy_", 0) == 0 || it->rfind("undefine_", 0) == 0 ||
                           it->rfind("remove_", 0) == 0;
      EXPECT_TRUE(removal) << "rollback did more than remove: " << *it;
      if (it->rfind("delete_netns ", 0) == 0) deleted_namespaces.push_back(it->substr(13));
    }
    std::vector<std::string> journalled;
    for (const auto& o : state::read_journal(topo.name))
      if (o.kind == ObjectKind::netns && std::find(deleted_namespaces.begin(), deleted_namespaces.end(), o.name) !=
                                             deleted_namespaces.end())
        journalled.push_back(o.name);
    std::reverse(journalled.begin(), journalled.end());
    EXPECT_EQ(deleted_namespaces, journalled);
    ++tried;
  }
  EXPECT_GE(tried, 10u);
}

TEST(Apply, RollbackAfterAFailureAtAnyStepInTheSandbox) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  check_rollback_at_every_step(nat_lab(), sandbox_target("nat"));
}

TEST(Apply, RollbackAfterAFailureAtAnyStepOnARealHostRestoresTheSysctl) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  check_rollback_at_every_step(nat_lab(), Target{false, "", "/run/netlab/nat"});
}

TEST(Apply, RollbackOfAnOvsLabStopsItsDaemons) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  check_rollback_at_every_step(ovs_lab(), sandbox_target("ovs"));
}

}  // namespace
/// The nat lab plus a VM with a thin disk (a kvm guest with a disk is booted).
model::Topology vm_lab() {
  model::Topology t = nat_lab();
  t.name = "vml";
  auto vm = make_guest("vm", "default", "dhcp");
  vm.kind = model::GuestKind::kvm;
  vm.disk = model::Disk{"/images/base.qcow2", "qcow2", model::Provisioning::thin, {}};
  t.guests.push_back(vm);
  return t;
}

TEST(Apply, VmLabStartsLibvirtdMakesTheDiskThenTheDomainAndWaitsForItsLease) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  const auto steps = make(vm_lab(), sandbox_target("vml"), observed);
  auto result = run(steps, "vml", host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& w = host.writes;
  EXPECT_LT(index_of(w, "create_tap vml-host/vml-vm-0"), index_of(w, "start_domain netlab-vml-vm"));
  EXPECT_LT(index_of(w, "start_libvirtd vml-host/"), index_of(w, "define_domain netlab-vml-vm"));
  EXPECT_LT(index_of(w, "create_vm_disk /run/netlab/vml/vms/vm.qcow2 thin on /images/base.qcow2"),
            index_of(w, "define_domain netlab-vml-vm"));
  EXPECT_LT(index_of(w, "define_domain netlab-vml-vm"), index_of(w, "start_domain netlab-vml-vm"));
  // The light guest's DHCP runs while the VM boots; up returns with both leases.
  EXPECT_LT(index_of(w, "start_domain netlab-vml-vm"), index_of(w, "obtain_lease vml-g1/eth0"));
  ASSERT_EQ(result->leases.size(), 2u);
  EXPECT_EQ(result->leases[1].guest, "vm");
  // Journalled before made: the daemon, the disk, the domain.
  const auto journal = state::read_journal("vml");
  auto has = [&](ObjectKind kind, const std::string& name) {
    return std::any_of(journal.begin(), journal.end(), [&](const auto& o) { return o.kind == kind && o.name == name; });
  };
  EXPECT_TRUE(has(ObjectKind::libvirtd, "/run/netlab/vml"));
  EXPECT_TRUE(has(ObjectKind::file, "/run/netlab/vml/vms/vm.qcow2"));
  EXPECT_TRUE(has(ObjectKind::domain, "netlab-vml-vm"));
  EXPECT_TRUE(make(vm_lab(), sandbox_target("vml"), observed).empty());
  // A VM that died is drift: only its domain is started again.
  host.domains["netlab-vml-vm"].second = false;
  observed.domains.erase("netlab-vml-vm");
  auto again = describe_all(make(vm_lab(), sandbox_target("vml"), observed));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].rfind("define and start domain netlab-vml-vm", 0), 0u) << again[0];
}

TEST(Apply, RollbackOfAVmLabRemovesDomainDiskAndDaemon) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  check_rollback_at_every_step(vm_lab(), sandbox_target("vml"));
}

}  // namespace netlab::plan
