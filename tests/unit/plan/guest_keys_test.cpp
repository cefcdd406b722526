// The input keys of light guests (plan/guest_keys.h): a guest's key follows
// what its steps are expanded from — its own settings, the rest of the file,
// the target — and nothing else, so `up` of a one-guest change expands one guest.
#include <gtest/gtest.h>

#include "converge_lab.h"
#include "netlab/plan/guest_keys.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

const std::string kBase = converge_lab("gk");

GuestKeys keys_of(const std::string& text, const Target& target = sandbox_target("gk")) {
  return guest_input_keys(load_lab(text), target);
}

/// The guests whose keys differ between `a` and `b` (or are in one only).
std::set<std::string> differing(const GuestKeys& a, const GuestKeys& b) {
  std::set<std::string> out;
  for (const auto& [guest, key] : a)
    if (!b.count(guest) || b.at(guest) != key) out.insert(guest);
  for (const auto& [guest, key] : b)
    if (!a.count(guest)) out.insert(guest);
  return out;
}

TEST(GuestKeys, EveryLightGuestHasOneAndTheSameFileGivesTheSame) {
  const auto keys = keys_of(kBase);
  EXPECT_EQ(keys.size(), 4u);  // g1, g2, s1, v1
  EXPECT_EQ(keys, keys_of(kBase));
  for (const auto& [guest, key] : keys) EXPECT_EQ(key.size(), 32u) << guest;
}

TEST(GuestKeys, AChangedGuestChangesItsKeyAlone) {
  const auto before = keys_of(kBase);
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "192.168.122.20/24", "192.168.122.21/24"))),
            std::set<std::string>{"s1"});
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "vlan: 10", "vlan: 20"))), std::set<std::string>{"v1"});
  // Removed or added: that guest alone; the others' lines moved, their keys did not.
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "  g2: {nics: [{network: lan}]}\n", ""))),
            std::set<std::string>{"g2"});
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "guests:\n", "guests:\n  g0: {nics: [{network: dmz}]}\n"))),
            std::set<std::string>{"g0"});
  // Written another way that reads the same (block instead of flow style): the same key.
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "  g2: {nics: [{network: lan}]}\n",
                                               "  g2:\n    nics:\n      - network: lan\n"))),
            std::set<std::string>{});
}

TEST(GuestKeys, AnythingOutsideTheGuestsChangesEveryKey) {
  const auto before = keys_of(kBase);
  const std::set<std::string> all{"g1", "g2", "s1", "v1"};
  // A network no guest of some of them is on still changes them all: the lab's
  // own part of the file is one input of every guest.
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "10.9.0.0/24", "10.9.1.0/24"))), all);
  EXPECT_EQ(differing(before, keys_of(replaced(kBase, "name: gk", "name: gk\nhost: {uplink: eth1}"))), all);
  Target other = sandbox_target("gk");
  other.run_dir += "-elsewhere";
  EXPECT_EQ(differing(before, keys_of(kBase, other)), all);
}

TEST(GuestKeys, ATopologyNotReadFromAFileHasNone) {
  model::Topology topo = load_lab(kBase);
  topo.source_digest.clear();
  EXPECT_TRUE(guest_input_keys(topo, sandbox_target("gk")).empty());
}

}  // namespace
}  // namespace netlab::plan
