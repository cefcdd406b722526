#pragma once
// A namespace that plays a real host, so netlab's real-host mode (no
// --sandbox) is tested without touching the machine. "rh-host" has an "eth0"
// (a veth) to "rh-up", the upstream router: 203.0.113.50/24 and
// 2001:db8:1::50/64 with default routes via 203.0.113.1 and 2001:db8:1::1;
// rh-up also owns 198.51.100.1 (the "internet") and can run the LAN's dnsmasq
// (203.0.113.100-150). netlab runs inside rh-host by setns into that network
// namespace only (host::run's netns option: no new mount namespace, so
// /run/netns and /run/netlab are the machine's own, as for a real user).
// Teardown takes every lab down and checks that nothing of them, and nothing
// of the fixture, is left.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lab_fixture.h"
#include "netlab/host/process.h"

namespace netlab::testing {

inline constexpr const char* kHostNs = "rh-host";
inline constexpr const char* kUpstreamNs = "rh-up";

class RealHostTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The netlab binary run inside rh-host, as the real host's root would run it.
  Outcome netlab_on_host(const std::vector<std::string>& args, int timeout_s = 120);
  /// `ip ARGS` inside rh-host; fails the test when it fails.
  std::string ip_host(const std::vector<std::string>& args);
  /// Writes `yaml` to a temporary file and remembers `lab` for teardown.
  std::string write_topology(const std::string& lab, const std::string& yaml);
  /// topologies/NAME.yaml with its lab renamed to `lab` (labs in tests have unique names).
  std::string copy_topology(const std::string& name, const std::string& lab);
  /// Starts the LAN's DHCP server (dnsmasq on rh-up's up0, leases 203.0.113.100-150).
  void start_lan_dhcp();
  /// eth0's addresses and every route of rh-host (both families, all tables),
  /// lifetimes' remaining seconds masked: equal before `up` and after `down`.
  std::string network_config();

  std::vector<std::string> labs_;
  std::string dir_;
  host::ChildProcess lan_dhcp_;
};

/// "role netns/device" per hop of one packet of `netlab trace --json`.
std::vector<std::string> hops_of(const nlohmann::json& packet);

}  // namespace netlab::testing
