// A create step that meets a device someone else made under the lab's name:
// the step fails, the device is neither journalled nor removed by the rollback
// (nor, therefore, by a later `down` or `gc`). FakeHost, no root.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_host.h"
#include "netlab/model/names.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/planner.h"
#include "netlab/plan/teardown.h"
#include "netlab/state/lab_state.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

Result<ApplyResult> run(const std::vector<Action>& steps, const std::string& lab, FakeHost& host) {
  auto journal = state::Journal::open(lab);
  if (!journal) return journal.error();
  return apply(steps, *journal, host);
}

bool journalled(const std::string& lab, const std::string& netns, const std::string& name) {
  const auto objects = state::read_journal(lab);
  return std::any_of(objects.begin(), objects.end(), [&](const state::OwnedObject& o) {
    return o.kind == state::ObjectKind::link && o.netns == netns && o.name == name;
  });
}

bool deleted(const FakeHost& host, const std::string& where) {
  return std::find(host.writes.begin(), host.writes.end(), "delete_link " + where) != host.writes.end();
}

// Real host: someone makes a device with the bridge's name between `plan` and `apply`.
TEST(NameClash, ABridgeNameTakenOnTheRealHostFailsTheStepAndTheDeviceSurvives) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  state::remove_lab_dir("nat");
  const model::Topology topo = nat_lab();
  const std::string bridge = model::bridge_name(topo, topo.networks[0]);
  FakeObserved observed;
  FakeHost host(observed);
  observed.sysctls[{"", "net/ipv4/ip_forward"}] = "0";
  const auto steps = make(topo, Target{false, "", "/run/netlab/nat"}, observed);
  observed.links[{"", bridge}] = {"dummy", "", "", true};  // theirs
  const std::string before = dump(observed);
  auto result = run(steps, "nat", host);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("device " + bridge + " already exists and is not the lab's"),
            std::string::npos)
      << result.error().message;
  ASSERT_TRUE(observed.link("", bridge).has_value()) << "the rollback removed someone else's device";
  EXPECT_FALSE(deleted(host, "-/" + bridge));
  EXPECT_FALSE(journalled("nat", "", bridge));
  // Everything the run did make went again; theirs is as it was.
  EXPECT_EQ(dump(observed), before);
}

// A running lab on the real host whose guest veth was deleted, and a foreign
// device took its host-side name: `up` fails at that step and leaves it, and
// `down` removes the lab but not that device (another kind than the lab made).
TEST(NameClash, AVethNameTakenOnTheHostFailsTheStepAndSurvivesDown) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  state::remove_lab_dir("nat");
  const model::Topology topo = nat_lab();
  const Target target{false, "", "/run/netlab/nat"};
  FakeObserved observed;
  FakeHost host(observed);
  observed.sysctls[{"", "net/ipv4/ip_forward"}] = "0";
  ASSERT_TRUE(run(make(topo, target, observed), "nat", host).ok());
  std::string veth;
  for (const auto& v : all_of<CreateVeth>(desired_actions(topo, target)))
    if (v.peer_netns == "nat-g1") veth = v.name;
  ASSERT_FALSE(veth.empty());
  ASSERT_TRUE(host.delete_link("", veth).ok());  // the peer goes with it
  observed.links[{"", veth}] = {"dummy", "", "", true};  // theirs
  host.writes.clear();
  auto result = run(make(topo, target, observed), "nat", host);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("device " + veth + " already exists and is not the lab's"), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(observed.link("", veth).has_value()) << "the rollback removed someone else's device";
  EXPECT_FALSE(deleted(host, "-/" + veth));
  EXPECT_EQ(std::count(host.writes.begin(), host.writes.end(), "create_veth -/" + veth), 0);
  // Journalled once, by the first run that made the lab's veth; the second run added no record.
  const auto objects = state::read_journal("nat");
  EXPECT_EQ(std::count_if(objects.begin(), objects.end(), [&](const state::OwnedObject& o) { return o.name == veth; }),
            1);
  // `down` removes the lab but not the dummy that took its veth's name.
  const TeardownReport report = remove_objects(objects, host);
  ASSERT_TRUE(observed.link("", veth).has_value()) << "down removed someone else's device";
  EXPECT_EQ(observed.link("", veth)->kind, "dummy");
  EXPECT_FALSE(deleted(host, "-/" + veth));
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0], "link " + veth + " is a dummy, not the veth this lab made; left alone");
  EXPECT_FALSE(observed.link("", model::bridge_name(topo, topo.networks[0])).has_value());
  EXPECT_FALSE(observed.netns_exists("nat-g1"));
}

}  // namespace
}  // namespace netlab::plan
