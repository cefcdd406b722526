#include "service_lab.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"

namespace netlab::host::service_testing {

std::vector<std::string> leftover_namespaces() {
  std::vector<std::string> out;
  for (const std::string& n : list_netns())
    if (n.rfind("nlt-hs-", 0) == 0) out.push_back(n);
  return out;
}

RunResult run_in(const std::string& netns, const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  SpawnOptions options;
  options.netns = netns;
  Result<RunResult> r = run(argv, options, timeout);
  if (!r) return RunResult{-1, "", r.error().message};
  return std::move(*r);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void ServiceLab::must(const std::string& netns, const std::vector<std::string>& argv) {
  RunResult r = run_in(netns, argv);
  EXPECT_EQ(r.exit_code, 0) << format_argv(argv) << " in " << netns << ": " << r.err;
}

std::string ServiceLab::mac_of(const std::string& netns, const std::string& dev) {
  // Not /sys/class/net: a process that only entered the network namespace still sees the root's sysfs.
  RunResult r = run_in(netns, {"ip", "-o", "link", "show", "dev", dev});
  size_t at = r.out.find("link/ether ");
  return at == std::string::npos ? "" : r.out.substr(at + 11, 17);
}

void ServiceLab::SetUp() {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  ASSERT_TRUE(leftover_namespaces().empty()) << "a previous run left nlt-hs-* namespaces";
  char dir[] = "/tmp/nlt-hs-run-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  run_dir_ = dir;
  for (const char* ns : {kHost, kWan, kG1, kG2}) {
    Status made = create_netns(ns);
    ASSERT_TRUE(made.ok()) << made.error().message;
  }
  must(kHost, {"ip", "link", "add", kUplink, "type", "veth", "peer", "name", "wan0", "netns", kWan});
  must(kHost, {"ip", "addr", "add", "203.0.113.2/24", "dev", kUplink});
  must(kHost, {"ip", "link", "set", kUplink, "up"});
  must(kWan, {"ip", "addr", "add", "203.0.113.1/24", "dev", "wan0"});
  must(kWan, {"ip", "link", "set", "wan0", "up"});
  must(kHost, {"ip", "link", "add", kBridge, "type", "bridge"});
  must(kHost, {"ip", "addr", "add", "192.168.150.1/24", "dev", kBridge});
  must(kHost, {"ip", "link", "set", kBridge, "up"});
  for (const char* g : {kG1, kG2}) {
    std::string host_dev = std::string("hs-") + (g == kG1 ? "g1" : "g2");
    must(kHost, {"ip", "link", "add", host_dev, "type", "veth", "peer", "name", "eth0", "netns", g});
    must(kHost, {"ip", "link", "set", host_dev, "master", kBridge});
    must(kHost, {"ip", "link", "set", host_dev, "up"});
    must(g, {"ip", "link", "set", "eth0", "up"});
  }
  must(kHost, {"ip", "route", "add", "default", "via", "203.0.113.1"});
  must(kHost, {"sysctl", "-qw", "net.ipv4.ip_forward=1"});
  // As `netlab up` does: every link carries traffic before the first test packet.
  settle(kHost, {kUplink, kBridge, "hs-g1", "hs-g2"});
  settle(kWan, {"wan0"});
  settle(kG1, {"eth0"});
  settle(kG2, {"eth0"});
}

void ServiceLab::settle(const std::string& netns, const std::vector<std::string>& devices) {
  auto nl = Netlink::open(netns);
  ASSERT_TRUE(nl.ok()) << nl.error().message;
  for (const auto& dev : devices) {
    Status settled = nl->settle(dev);
    EXPECT_TRUE(settled.ok()) << settled.error().message;
  }
}

void ServiceLab::TearDown() {
  for (pid_t pid : pids_) {
    if (alive(pid)) {
      EXPECT_TRUE(terminate(pid).ok());
    }
  }
  for (const char* ns : {kG2, kG1, kWan, kHost}) {
    if (netns_exists(ns)) {
      EXPECT_TRUE(delete_netns(ns).ok());
    }
  }
  if (!run_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(run_dir_, ec);
    EXPECT_FALSE(std::filesystem::exists(run_dir_));
  }
  EXPECT_TRUE(leftover_namespaces().empty());
  for (pid_t pid : pids_) EXPECT_FALSE(alive(pid)) << "pid " << pid << " is still running";
}

}  // namespace netlab::host::service_testing
