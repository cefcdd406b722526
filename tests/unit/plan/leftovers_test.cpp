// What `up` or `down` killed half-way leaves, and that `gc` and `down` collect it.
// No root: a temporary NETLAB_RUN_DIR, labs with no objects in any namespace.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>

#include "netlab/plan/lab.h"
#include "netlab/state/lab_state.h"
#include "netlab/state/lock.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {
namespace fs = std::filesystem;

class Leftovers : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netlab-leftovers-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    top_ = tmpl;
    ::setenv("NETLAB_RUN_DIR", (top_ + "/run").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NETLAB_RUN_DIR");
    fs::remove_all(top_);
  }
  /// A pid that is certainly gone: a child that exited and was reaped.
  static int dead_pid() {
    pid_t child = ::fork();
    if (child == 0) _exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
  }
  static void write(const std::string& lab, state::Phase phase, int pid) {
    state::LabState s;
    s.lab = lab;
    s.phase = phase;
    s.pid = pid;
    ASSERT_TRUE(state::write_state(s));
  }
  std::string top_;
};

TEST_F(Leftovers, ARunDirectoryWithoutStateIsCollected) {
  // What a `kill -9` between creating the directory and writing state.json leaves.
  { auto lock = state::LabLock::acquire("early"); ASSERT_TRUE(lock); }
  fs::create_directories(state::lab_dir("early"));
  EXPECT_TRUE(abandoned("early"));
  auto removed = down("early");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(fs::exists(state::lab_dir("early")));
  EXPECT_FALSE(fs::exists(state::lock_path("early")));
  // Nothing left at all: the next down says so.
  auto again = down("early");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().bad_input);
  EXPECT_FALSE(fs::exists(state::lock_path("early")));
}

TEST_F(Leftovers, AHalfDoneDownIsCollectedOnceItsProcessIsGone) {
  write("halfdown", state::Phase::removing, dead_pid());
  EXPECT_TRUE(abandoned("halfdown"));
  write("halfdown", state::Phase::removing, static_cast<int>(::getpid()));  // still at work
  EXPECT_FALSE(abandoned("halfdown"));
  write("halfup", state::Phase::building, dead_pid());
  EXPECT_TRUE(abandoned("halfup"));
  write("fine", state::Phase::ready, dead_pid());
  EXPECT_FALSE(abandoned("fine"));
  write("broken", state::Phase::failed, dead_pid());
  EXPECT_FALSE(abandoned("broken"));  // a failed `up` is kept for `status` and a retry
}

TEST_F(Leftovers, AHeldLockMeansSomeoneIsAtWork) {
  write("busy", state::Phase::removing, dead_pid());
  auto lock = state::LabLock::acquire("busy");
  ASSERT_TRUE(lock);
  pid_t child = ::fork();  // held_by_other needs another process to ask
  if (child == 0) _exit(abandoned("busy") ? 1 : 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a lab whose lock is held was called abandoned";
}

}  // namespace
}  // namespace netlab::plan
