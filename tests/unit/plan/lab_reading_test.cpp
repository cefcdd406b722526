// read_lab() and current_reading(): `up` keeps a reading taken ahead of its
// lock only while the lab's files are the ones read.
#include <gtest/gtest.h>

#include "netlab/plan/lab_reading.h"
#include "netlab/state/journal.h"
#include "netlab/state/lab_state.h"
#include "netlab/state/paths.h"
#include "tests/unit/plan/test_labs.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;

/// A lab "rl" whose last `up` completed, owning namespace `ns`.
void write_ready_lab(const std::string& ns) {
  state::LabState st;
  st.lab = "rl";
  st.sandbox = true;
  st.phase = state::Phase::ready;
  ASSERT_TRUE(state::write_state(st).ok());
  ASSERT_TRUE(state::write_lab_file("rl", state::kTopologyCopy, "name: rl\n").ok());
  auto journal = state::Journal::open("rl");
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(journal->record({ObjectKind::netns, "", ns, ""}).ok());
}

TEST(LabReading, ReadsTheLabsFilesAndTheIdentityOfEachNamespaceItsJournalHolds) {
  ScratchRunDir run;
  ASSERT_TRUE(run.ok());
  write_ready_lab("rl-no-such-namespace");
  const LabReading lab = read_lab("rl");
  EXPECT_EQ(lab.lab, "rl");
  ASSERT_TRUE(lab.state);
  EXPECT_EQ(lab.state->phase, state::Phase::ready);
  EXPECT_EQ(lab.topology_copy, std::optional<std::string>("name: rl\n"));
  EXPECT_FALSE(lab.built_text);
  ASSERT_EQ(lab.journal.size(), 1u);
  EXPECT_EQ(lab.journal_lines, 1u);
  // Every journal namespace is looked at, an absent one too ("" is absent).
  ASSERT_EQ(lab.identities.count("rl-no-such-namespace"), 1u);
  EXPECT_EQ(lab.identities.at("rl-no-such-namespace"), "");
}

TEST(LabReading, ALabThatDoesNotExistReadsAsEmpty) {
  ScratchRunDir run;
  ASSERT_TRUE(run.ok());
  const LabReading lab = read_lab("nothere");
  EXPECT_FALSE(lab.state);
  EXPECT_FALSE(lab.topology_copy);
  EXPECT_TRUE(lab.journal.empty());
  EXPECT_TRUE(lab.identities.empty());
}

TEST(LabReading, AReadingAheadIsKeptWhileTheFilesAreUnchanged) {
  ScratchRunDir run;
  ASSERT_TRUE(run.ok());
  write_ready_lab("rl-a");
  LabReading ahead = read_lab("rl");
  ahead.journal_lines = 4242;  // tells this reading from a fresh one
  EXPECT_EQ(current_reading("rl", std::move(ahead)).journal_lines, 4242u);
}

TEST(LabReading, AReadingAheadIsReadAgainOnceAFileChangedOrForAnotherLab) {
  ScratchRunDir run;
  ASSERT_TRUE(run.ok());
  write_ready_lab("rl-a");
  LabReading ahead = read_lab("rl");
  // Another netlab appended to the journal meanwhile.
  auto journal = state::Journal::open("rl");
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(journal->record({ObjectKind::netns, "", "rl-b", ""}).ok());
  const LabReading now = current_reading("rl", std::move(ahead));
  EXPECT_EQ(now.journal.size(), 2u);
  EXPECT_EQ(now.identities.count("rl-b"), 1u);

  // The state rewritten (a rename gives the file another inode).
  LabReading before = read_lab("rl");
  state::LabState st = *before.state;
  st.phase = state::Phase::failed;
  ASSERT_TRUE(state::write_state(st).ok());
  const LabReading after = current_reading("rl", std::move(before));
  ASSERT_TRUE(after.state);
  EXPECT_EQ(after.state->phase, state::Phase::failed);
  EXPECT_TRUE(after.identities.empty());  // only a completed lab's namespaces are looked at

  // A reading of another lab (the name was guessed wrong) is never used.
  LabReading other = read_lab("rl");
  other.lab = "other";
  other.journal_lines = 4242;
  EXPECT_NE(current_reading("rl", std::move(other)).journal_lines, 4242u);
}

}  // namespace
}  // namespace netlab::plan
