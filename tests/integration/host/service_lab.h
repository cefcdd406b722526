#pragma once
// A small lab of our own for the tests of netlab/host's services (nftables,
// dnsmasq, DHCP client, OVS), built with `ip` (tests may use
// the real tools) inside namespaces named nlt-hs-*; nothing touches the root
// namespace. Layout (like the sandbox):
//   nlt-hs-host: bridge hsbr0 192.168.150.1/24, uplink hs-up 203.0.113.2/24, ip_forward=1
//   nlt-hs-wan:  wan0 203.0.113.1/24 (veth peer of hs-up)
//   nlt-hs-g1/g2: eth0 (veth peers of hs-g1/hs-g2, enslaved to hsbr0), no address
// TearDown stops what the test started (by pid), removes every namespace and
// the run directory, and checks nothing is left.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "netlab/host/process.h"

namespace netlab::host::service_testing {

inline constexpr const char* kHost = "nlt-hs-host";
inline constexpr const char* kWan = "nlt-hs-wan";
inline constexpr const char* kG1 = "nlt-hs-g1";
inline constexpr const char* kG2 = "nlt-hs-g2";
inline constexpr const char* kBridge = "hsbr0";
inline constexpr const char* kUplink = "hs-up";

/// Names under /run/netns starting with "nlt-hs-".
std::vector<std::string> leftover_namespaces();

/// Runs argv inside `netns` ("" = here), bounded; the result (or a failed RunResult with exit -1).
RunResult run_in(const std::string& netns, const std::vector<std::string>& argv,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// Seconds since `start`, for the figures the tests print.
double seconds_since(std::chrono::steady_clock::time_point start);

class ServiceLab : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Runs argv in netns and records a test failure when it does not exit 0.
  void must(const std::string& netns, const std::vector<std::string>& argv);
  /// Runs the kernel's pending carrier work for these links now (host::Netlink::settle).
  void settle(const std::string& netns, const std::vector<std::string>& devices);
  /// The MAC of `dev` in `netns` ("" when not found).
  std::string mac_of(const std::string& netns, const std::string& dev);
  /// Remembers a pid the test started, stopped by TearDown if still alive.
  void own_pid(pid_t pid) { pids_.push_back(pid); }

  std::string run_dir_;  ///< a fresh directory under /tmp, removed by TearDown

 private:
  std::vector<pid_t> pids_;
};

}  // namespace netlab::host::service_testing
