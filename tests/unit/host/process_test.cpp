// Child processes in the caller's namespace: no root needed.
#include "netlab/host/process.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace netlab::host {
namespace {

using namespace std::chrono_literals;

TEST(FormatArgv, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(format_argv({"ip", "-n", "lab-host", "link"}), "ip -n lab-host link");
  EXPECT_EQ(format_argv({"echo", "a b", ""}), "echo 'a b' ''");
  EXPECT_EQ(format_argv({"echo", "it's"}), "echo 'it'\\''s'");
  EXPECT_EQ(format_argv({}), "");
}

TEST(FindProgram, SearchesPathAndKeepsPathsWithSlash) {
  EXPECT_EQ(find_program("/bin/sh", ""), "/bin/sh");
  EXPECT_EQ(find_program("./x", "/usr/bin"), "./x");
  std::string sh = find_program("sh", "/nonexistent:/bin:/usr/bin");
  EXPECT_FALSE(sh.empty());
  EXPECT_EQ(access(sh.c_str(), X_OK), 0);
  EXPECT_EQ(find_program("surely-no-such-program-xyz", "/bin:/usr/bin"), "");
  EXPECT_EQ(find_program("", "/bin"), "");
}

TEST(MergeEnvironment, AddsAndReplaces) {
  auto env = merge_environment({"PATH=/bin", "HOME=/root"}, {"HOME=/tmp", "LANG=C"});
  EXPECT_EQ(env, (std::vector<std::string>{"PATH=/bin", "HOME=/tmp", "LANG=C"}));
  // A key that is a prefix of another is not confused with it.
  auto env2 = merge_environment({"PATHX=1"}, {"PATH=/bin"});
  EXPECT_EQ(env2, (std::vector<std::string>{"PATHX=1", "PATH=/bin"}));
}

TEST(Run, CapturesOutputErrorAndExitCode) {
  auto r = run({"sh", "-c", "echo out; echo err >&2; exit 3"}, {}, 10s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(Run, ArgumentsAreNotInterpretedByAShell) {
  auto r = run({"echo", "$HOME; rm -rf /", "*"}, {}, 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "$HOME; rm -rf / *\n");
}

TEST(Run, ExtraEnvironmentReachesTheChild) {
  SpawnOptions opts;
  opts.env_extra = {"NETLAB_TEST_VAR=hello"};
  auto r = run({"sh", "-c", "printf %s \"$NETLAB_TEST_VAR\""}, opts, 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "hello");
}

TEST(Run, LargeOutputOnBothStreamsDoesNotDeadlock) {
  auto r = run({"sh", "-c", "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2"}, {}, 10s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->out.size(), 300000u);
  EXPECT_EQ(r->err.size(), 200000u);
}

TEST(Run, TimeoutKillsTheChildAndItsGroup) {
  auto start = std::chrono::steady_clock::now();
  // The grandchild `sleep` keeps stdout open; it must die with the group.
  auto r = run({"sh", "-c", "sleep 30 & sleep 30"}, {}, 300ms);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("did not finish within 300 ms"), std::string::npos) << r.error().message;
  EXPECT_LT(elapsed, 5s);
}

TEST(Run, SignalDeathIsReportedAs128PlusSignal) {
  auto r = run({"sh", "-c", "kill -9 $$"}, {}, 10s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 128 + 9);
}

TEST(Spawn, MissingProgramIsAnError) {
  auto r = spawn({"surely-no-such-program-xyz"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("surely-no-such-program-xyz"), std::string::npos);
  EXPECT_NE(r.error().message.find("not found"), std::string::npos);
  EXPECT_FALSE(spawn({}).ok());
}

TEST(Spawn, ExecFailureIsReportedThroughThePipe) {
  // A file that exists but cannot be executed: execve fails in the child.
  char path[] = "/tmp/netlab-hc-noexec-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto r = spawn({path});
  unlink(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Permission denied"), std::string::npos) << r.error().message;
}

TEST(Spawn, UnwritableOutputFileIsAnError) {
  SpawnOptions opts;
  opts.stdout_path = "/nonexistent-dir/out.log";
  auto r = spawn({"true"}, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent-dir/out.log"), std::string::npos) << r.error().message;
}

TEST(Spawn, OutputGoesToTheFilesGiven) {
  char dir[] = "/tmp/netlab-hc-out-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string out = std::string(dir) + "/out", err = std::string(dir) + "/err";
  SpawnOptions opts;
  opts.stdout_path = out;
  opts.stderr_path = err;
  auto pid = spawn({"sh", "-c", "echo to-out; echo to-err >&2"}, opts);
  ASSERT_TRUE(pid.ok());
  auto code = wait_exit(*pid, 10s);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  std::ifstream o(out), e(err);
  std::string line;
  std::getline(o, line);
  EXPECT_EQ(line, "to-out");
  std::getline(e, line);
  EXPECT_EQ(line, "to-err");
  unlink(out.c_str());
  unlink(err.c_str());
  rmdir(dir);
}

TEST(Terminate, StopsAChildThatIgnoresSigterm) {
  auto pid = spawn({"sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"});
  ASSERT_TRUE(pid.ok());
  std::this_thread::sleep_for(100ms);  // let the trap be installed
  EXPECT_TRUE(alive(*pid));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(terminate(*pid, 200ms).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_FALSE(alive(*pid));
  // Already gone: still success.
  EXPECT_TRUE(terminate(*pid, 100ms).ok());
}

TEST(ChildProcess, TerminatesOnDestructionUnlessReleased) {
  pid_t owned_pid = 0;
  {
    auto child = ChildProcess::start({"sleep", "30"});
    ASSERT_TRUE(child.ok());
    owned_pid = child->pid();
    EXPECT_TRUE(child->running());
    EXPECT_EQ(process_name(owned_pid), "sleep");
    EXPECT_EQ(cmdline(owned_pid), "sleep 30");
  }
  EXPECT_FALSE(alive(owned_pid));
  EXPECT_EQ(process_name(owned_pid), "");

  pid_t released = 0;
  {
    auto child = ChildProcess::start({"sleep", "30"});
    ASSERT_TRUE(child.ok());
    released = child->release();
  }
  EXPECT_TRUE(alive(released));
  EXPECT_TRUE(terminate(released, 1s).ok());
  EXPECT_FALSE(alive(released));
}

TEST(ChildProcess, WaitReturnsTheExitCode) {
  auto child = ChildProcess::start({"sh", "-c", "exit 5"});
  ASSERT_TRUE(child.ok());
  auto code = child->wait(10s);
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code, 5);
  EXPECT_EQ(child->pid(), 0);
}

TEST(WaitExit, TimesOutOnARunningChild) {
  auto child = ChildProcess::start({"sleep", "30"});
  ASSERT_TRUE(child.ok());
  auto code = wait_exit(child->pid(), 100ms);
  ASSERT_FALSE(code.ok());
  EXPECT_NE(code.error().message.find("still runs"), std::string::npos);
  EXPECT_FALSE(wait_exit(1, 10ms).ok());  // init is not our child
}

}  // namespace
}  // namespace netlab::host
