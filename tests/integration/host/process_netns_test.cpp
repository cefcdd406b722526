// Child processes started inside a named namespace.
#include <sys/stat.h>

#include <thread>

#include "host_fixture.h"
#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"
#include "netlab/host/netns_processes.h"
#include "netlab/host/process.h"

namespace netlab::host::testing {
namespace {

using ProcessNetnsTest = HostTest;
using namespace std::chrono_literals;

TEST_F(ProcessNetnsTest, RunInANamespaceSeesItsDevices) {
  std::string ns = make("proc");
  auto nl = Netlink::open(ns);
  ASSERT_TRUE(nl.ok());
  ASSERT_TRUE(nl->create_bridge({.name = "hcbr0"}).ok());

  SpawnOptions in_ns;
  in_ns.netns = ns;
  auto inside = run({"ip", "-o", "link", "show"}, in_ns, 10s);
  ASSERT_TRUE(inside.ok()) << inside.error().message;
  EXPECT_EQ(inside->exit_code, 0);
  EXPECT_NE(inside->out.find("hcbr0"), std::string::npos) << inside->out;

  auto outside = run({"ip", "-o", "link", "show"}, {}, 10s);
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(outside->out.find("hcbr0"), std::string::npos);
}

TEST_F(ProcessNetnsTest, SpawnedDaemonLivesInTheNamespaceUntilTerminated) {
  std::string ns = make("daemon");
  SpawnOptions opts;
  opts.netns = ns;
  opts.stdout_path = "/dev/null";
  auto child = ChildProcess::start({"sleep", "30"}, opts);
  ASSERT_TRUE(child.ok()) << child.error().message;
  pid_t pid = child->pid();
  EXPECT_TRUE(alive(pid));
  EXPECT_EQ(process_name(pid), "sleep");
  EXPECT_EQ(cmdline(pid), "sleep 30");
  // The child's network namespace is the named one.
  struct stat mine {}, named {};
  ASSERT_EQ(stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &mine), 0);
  ASSERT_EQ(stat(netns_path(ns).c_str(), &named), 0);
  EXPECT_EQ(mine.st_ino, named.st_ino);
  ASSERT_TRUE(child->stop().ok());
  EXPECT_FALSE(alive(pid));
}

TEST_F(ProcessNetnsTest, TheProcessesOfEachNamespaceAreFoundAlsoOnesStartedSinceTheLastLook) {
  const std::string a = make("pa"), b = make("pb");
  NetnsProcesses processes;
  EXPECT_TRUE(processes.in(a).empty());
  SpawnOptions in_a;
  in_a.netns = a;
  in_a.stdout_path = "/dev/null";
  auto first = ChildProcess::start({"sleep", "30"}, in_a);
  ASSERT_TRUE(first.ok()) << first.error().message;
  // Started after the first look: found all the same (the walk is made again).
  EXPECT_EQ(processes.in(a), std::vector<pid_t>{first->pid()});
  EXPECT_TRUE(processes.in(b).empty());
  SpawnOptions in_b = in_a;
  in_b.netns = b;
  auto second = ChildProcess::start({"sleep", "30"}, in_b);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(processes.in(b), std::vector<pid_t>{second->pid()});
  EXPECT_EQ(processes.in(a), std::vector<pid_t>{first->pid()});
  EXPECT_TRUE(processes.in("nlt-hc-nowhere").empty());
  ASSERT_TRUE(first->stop().ok());
  ASSERT_TRUE(second->stop().ok());
}

TEST_F(ProcessNetnsTest, MissingNamespaceIsAnErrorBeforeAnyChild) {
  SpawnOptions opts;
  opts.netns = "nlt-hc-nowhere";
  auto r = run({"true"}, opts, 5s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nlt-hc-nowhere"), std::string::npos) << r.error().message;
}

TEST_F(ProcessNetnsTest, PingBetweenTwoNamespacesThroughAVethPair) {
  std::string a = make("pa");
  std::string b = make("pb");
  auto nl = Netlink::open(a);
  ASSERT_TRUE(nl.ok());
  ASSERT_TRUE(nl->create_veth({.name = "hc-a", .peer_name = "hc-b", .peer_netns = b, .up = true, .peer_up = true}).ok());
  ASSERT_TRUE(nl->add_address("hc-a", *model::Cidr::parse("10.250.0.1/30")).ok());
  auto nlb = Netlink::open(b);
  ASSERT_TRUE(nlb.ok());
  ASSERT_TRUE(nlb->add_address("hc-b", *model::Cidr::parse("10.250.0.2/30")).ok());
  SpawnOptions opts;
  opts.netns = a;
  auto ping = run({"busybox", "ping", "-c1", "-W2", "10.250.0.2"}, opts, 10s);
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ(ping->exit_code, 0) << ping->out << ping->err;
}

}  // namespace
}  // namespace netlab::host::testing
