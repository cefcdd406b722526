// Name and key checks of netlab::host: pure functions.
#include <gtest/gtest.h>

#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"
#include "netlab/host/sysctl.h"

namespace netlab::host {
namespace {

TEST(NetnsName, AcceptsWhatIproute2Accepts) {
  EXPECT_TRUE(valid_netns_name("lab-host"));
  EXPECT_TRUE(valid_netns_name("a"));
  EXPECT_TRUE(valid_netns_name(std::string(255, 'x')));
  EXPECT_FALSE(valid_netns_name(""));
  EXPECT_FALSE(valid_netns_name("."));
  EXPECT_FALSE(valid_netns_name(".."));
  EXPECT_FALSE(valid_netns_name("a/b"));
  EXPECT_FALSE(valid_netns_name(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_netns_name(std::string(256, 'x')));
  EXPECT_EQ(netns_path("lab-host"), "/run/netns/lab-host");
}

TEST(SysctlPath, DotsAndSlashes) {
  EXPECT_EQ(sysctl_path("net/ipv4/ip_forward"), "/proc/sys/net/ipv4/ip_forward");
  EXPECT_EQ(sysctl_path("net.ipv4.ip_forward"), "/proc/sys/net/ipv4/ip_forward");
  // With a '/', dots belong to a name (interface "eth0.10").
  EXPECT_EQ(sysctl_path("net/ipv4/conf/eth0.10/forwarding"), "/proc/sys/net/ipv4/conf/eth0.10/forwarding");
  EXPECT_EQ(sysctl_path("net/bridge/bridge-nf-call-iptables"), "/proc/sys/net/bridge/bridge-nf-call-iptables");
  EXPECT_EQ(sysctl_path(""), "");
  EXPECT_EQ(sysctl_path("../../etc/passwd"), "");
  EXPECT_EQ(sysctl_path("/etc/passwd"), "");
}

TEST(DescribeDevice, NamesKindDeviceAndNamespace) {
  EXPECT_EQ(describe_device("bridge", "br0", ""), "bridge br0");
  EXPECT_EQ(describe_device("bridge", "br0", "lab-host"), "bridge br0 in namespace lab-host");
  EXPECT_EQ(describe_device("", "eth0", "g1"), "device eth0 in namespace g1");
}

}  // namespace
}  // namespace netlab::host
