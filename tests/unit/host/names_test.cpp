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

TEST(NetnsIdentity, TheInodesTimeTellsARecreatedNamespaceFromTheOneMade) {
  EXPECT_TRUE(same_netns("4:4026532100:1764633600.123456789", "4:4026532100:1764633600.123456789"));
  // The same inode number, handed to a namespace made later: another namespace.
  EXPECT_FALSE(same_netns("4:4026532100:1764633600.123456789", "4:4026532100:1764633601.000000001"));
  EXPECT_FALSE(same_netns("4:4026532100:1764633600.123456789", "4:4026532101:1764633600.123456789"));
  EXPECT_FALSE(same_netns("4:4026532100:1764633600.123456789", ""));
  // Recorded by an older netlab, without the time: device and inode decide.
  EXPECT_TRUE(same_netns("4:4026532100", "4:4026532100:1764633600.123456789"));
  EXPECT_FALSE(same_netns("4:4026532100", "4:40265321001:1764633600.123456789"));
  EXPECT_FALSE(same_netns("4:4026532100", "5:4026532100:1764633600.123456789"));
  EXPECT_FALSE(same_netns("4:4026532100", ""));
  EXPECT_FALSE(same_netns("", "4:4026532100:1764633600.123456789"));
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
