// Sysctls under /proc/sys/net are per namespace.
#include "host_fixture.h"
#include "netlab/host/process.h"
#include "netlab/host/sysctl.h"

namespace netlab::host::testing {
namespace {

using SysctlTest = HostTest;

TEST_F(SysctlTest, IpForwardChangesOnlyInTheNamespace) {
  std::string ns = make("sys");
  auto root_before = get_sysctl("", "net/ipv4/ip_forward");
  ASSERT_TRUE(root_before.ok()) << root_before.error().message;
  auto before = get_sysctl(ns, "net.ipv4.ip_forward");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*before, "0");  // a fresh namespace does not forward
  std::string wanted = "1";
  ASSERT_TRUE(set_sysctl(ns, "net/ipv4/ip_forward", wanted).ok());
  EXPECT_EQ(*get_sysctl(ns, "net/ipv4/ip_forward"), "1");
  EXPECT_EQ(*get_sysctl("", "net/ipv4/ip_forward"), *root_before);
  // What the real sysctl tool sees inside the namespace.
  auto seen = run({"ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv4/ip_forward"}, {}, std::chrono::seconds(5));
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->out, "1\n");
  ASSERT_TRUE(set_sysctl(ns, "net/ipv4/ip_forward", "0").ok());
  EXPECT_EQ(*get_sysctl(ns, "net/ipv4/ip_forward"), "0");
}

TEST_F(SysctlTest, BridgeNfCallIptablesPerNamespace) {
  std::string ns = make("brnf");
  auto root_before = get_sysctl("", "net/bridge/bridge-nf-call-iptables");
  if (!root_before) GTEST_SKIP() << "br_netfilter not available: " << root_before.error().message;
  ASSERT_TRUE(set_bridge_nf_call_iptables(ns, false).ok());
  EXPECT_EQ(*get_sysctl(ns, "net/bridge/bridge-nf-call-iptables"), "0");
  ASSERT_TRUE(set_bridge_nf_call_iptables(ns, true).ok());
  EXPECT_EQ(*get_sysctl(ns, "net/bridge/bridge-nf-call-iptables"), "1");
  EXPECT_EQ(*get_sysctl("", "net/bridge/bridge-nf-call-iptables"), *root_before);
}

TEST_F(SysctlTest, ErrorsNameTheKey) {
  std::string ns = make("syserr");
  auto missing = get_sysctl(ns, "net/ipv4/no_such_knob");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no_such_knob"), std::string::npos);
  EXPECT_FALSE(set_sysctl(ns, "../etc/passwd", "x").ok());
  auto bad_ns = set_sysctl("nlt-hc-none", "net/ipv4/ip_forward", "1");
  ASSERT_FALSE(bad_ns.ok());
  EXPECT_NE(bad_ns.error().message.find("nlt-hc-none"), std::string::npos);
}

}  // namespace
}  // namespace netlab::host::testing
