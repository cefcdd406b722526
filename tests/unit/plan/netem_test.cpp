// Link impairment in the plan: the SetNetem steps desired.cpp emits, the
// planner's drift check (a live change shows until the file says the same),
// apply's writes through HostWriter::set_netem, and a VM's taps getting their
// netem back right after the domain starts.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_host.h"
#include "test_labs.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/planner.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {
namespace {

model::Impairment impairment(const std::string& delay, const std::string& loss) {
  model::Impairment imp;
  EXPECT_TRUE(model::set_impair_parameter(&imp, "delay", delay));
  EXPECT_TRUE(model::set_impair_parameter(&imp, "loss", loss));
  return imp;
}

model::Topology impaired_nat_lab() {
  model::Topology t = nat_lab();
  t.guests[0].nics[0].impair = impairment("50ms", "1%");  // g1, DHCP
  return t;
}

TEST(Netem, ImpairedNicGetsNetemOnBothSidesAfterItsLease) {
  FakeObserved observed;
  const auto steps = make(impaired_nat_lab(), sandbox_target("nat"), observed);
  auto netem = all_of<SetNetem>(steps);
  ASSERT_EQ(netem.size(), 1u);  // g22 has no impairment and no netem: nothing to do for it
  EXPECT_EQ(netem[0].guest, "g1");
  ASSERT_EQ(netem[0].devices.size(), 2u);
  EXPECT_EQ(netem[0].devices[0], (NetemDevice{"nat-host", "nat-g1-0"}));  // toward the guest
  EXPECT_EQ(netem[0].devices[1], (NetemDevice{"nat-g1", "eth0"}));        // from the guest
  EXPECT_EQ(describe(steps.back()), "set netem delay 50ms loss 1% on g1:eth0 (nat-host/nat-g1-0, nat-g1/eth0)");
  auto lease = std::find_if(steps.begin(), steps.end(), [](auto& s) { return std::holds_alternative<ObtainLease>(s); });
  EXPECT_LT(lease - steps.begin(), static_cast<long>(steps.size()) - 1);
}

TEST(Netem, ApplyWritesBothSidesAndTheLabThenMatchesItsFile) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  const auto topo = impaired_nat_lab();
  auto journal = state::Journal::open("nat");
  ASSERT_TRUE(journal.ok());
  auto result = apply(make(topo, sandbox_target("nat"), observed), *journal, host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& w = host.writes;
  EXPECT_EQ(w.back(), "set_netem nat-g1/eth0 delay 50ms loss 1%");
  EXPECT_EQ(w[w.size() - 2], "set_netem nat-host/nat-g1-0 delay 50ms loss 1%");
  EXPECT_TRUE(make(topo, sandbox_target("nat"), observed).empty());
}

TEST(Netem, LiveChangeIsDriftUntilTheFileSaysTheSame) {
  FakeObserved observed;
  const auto topo = impaired_nat_lab();
  for (const auto& s : make(topo, sandbox_target("nat"), observed)) observed.apply(s);
  ASSERT_TRUE(make(topo, sandbox_target("nat"), observed).empty());
  // `netlab impair nat g1 --delay 100ms --loss 2%` and `netlab impair nat g22 --delay 10ms --loss 0%`.
  observed.netems[{"nat-host", "nat-g1-0"}] = impairment("100ms", "2%");
  observed.netems[{"nat-g1", "eth0"}] = impairment("100ms", "2%");
  observed.netems[{"nat-host", "nat-g22-0"}] = impairment("10ms", "0%");
  observed.netems[{"nat-g22", "eth0"}] = impairment("10ms", "0%");
  auto drift = describe_all(make(topo, sandbox_target("nat"), observed));
  ASSERT_EQ(drift.size(), 2u);
  EXPECT_EQ(drift[0], "set netem delay 50ms loss 1% on g1:eth0 (nat-host/nat-g1-0, nat-g1/eth0)");
  EXPECT_EQ(drift[1], "remove netem from g22:eth0 (nat-host/nat-g22-0, nat-g22/eth0)");
  // `up` puts the file's values back.
  for (const auto& s : make(topo, sandbox_target("nat"), observed)) observed.apply(s);
  EXPECT_TRUE(make(topo, sandbox_target("nat"), observed).empty());
  EXPECT_EQ(observed.netems.count({"nat-g22", "eth0"}), 0u);
  // A file that now says what was set live has no drift.
  auto changed = topo;
  changed.guests[1].nics[0].impair = impairment("10ms", "0%");
  observed.netems[{"nat-host", "nat-g22-0"}] = impairment("10ms", "0%");
  observed.netems[{"nat-g22", "eth0"}] = impairment("10ms", "0%");
  EXPECT_TRUE(make(changed, sandbox_target("nat"), observed).empty());
}

TEST(Netem, AVmsTapGetsItsNetemBackEachTimeTheDomainStarts) {
  model::Topology t = nat_lab();
  t.name = "vmn";
  t.guests.resize(1);
  t.guests[0].name = "vm1";
  t.guests[0].kind = model::GuestKind::kvm;
  t.guests[0].disk = model::Disk{"netlab-test"};
  t.guests[0].nics[0].impair = impairment("20ms", "0%");
  const auto steps = desired_actions(t, sandbox_target("vmn"));
  auto domains = all_of<RunDomain>(steps);
  ASSERT_EQ(domains.size(), 1u);
  ASSERT_EQ(domains[0].netem.size(), 1u);  // the tap only: the VM's own NIC is inside the VM
  EXPECT_EQ(domains[0].netem[0].first.netns, "vmn-host");
  EXPECT_EQ(domains[0].netem[0].second, impairment("20ms", "0%"));
  auto netem = all_of<SetNetem>(steps);
  ASSERT_EQ(netem.size(), 1u);
  EXPECT_EQ(netem[0].devices.size(), 1u);
}

}  // namespace
}  // namespace netlab::plan
