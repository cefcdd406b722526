#include "netlab/host/udhcpc_script.h"

#include <gtest/gtest.h>

namespace netlab::host {
namespace {

TEST(UdhcpcOutput, ParsesTheLastLeaseLine) {
  // udhcpc's own chatter on stderr/stdout plus our script's lines.
  std::string out =
      "udhcpc: started, v1.35.0\n"
      "udhcpc: broadcasting discover\n"
      "udhcpc: broadcasting select for 192.168.100.77, server 192.168.100.1\n"
      "udhcpc: lease of 192.168.100.77 obtained from 192.168.100.1, lease time 3600\n"
      "netlab-lease event=bound interface=eth0 ip=192.168.100.77 mask=24 router=192.168.100.1 "
      "serverid=192.168.100.1 lease=3600 mtu= dns=192.168.100.1\n"
      "netlab-lease event=renew interface=eth0 ip=192.168.100.77 mask=24 router=192.168.100.1 "
      "serverid=192.168.100.1 lease=1800 mtu=1400 dns=192.168.100.1,192.168.100.2\n";
  Result<DhcpLease> lease = parse_udhcpc_output(out);
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  EXPECT_EQ(lease->event, "renew");
  EXPECT_EQ(lease->interface, "eth0");
  EXPECT_EQ(lease->address.str(), "192.168.100.77/24");
  ASSERT_TRUE(lease->router.has_value());
  EXPECT_EQ(lease->router->str(), "192.168.100.1");
  ASSERT_TRUE(lease->server.has_value());
  EXPECT_EQ(lease->lease_seconds, 1800u);
  ASSERT_TRUE(lease->mtu.has_value());
  EXPECT_EQ(*lease->mtu, 1400);
  ASSERT_EQ(lease->dns.size(), 2u);
  EXPECT_EQ(lease->dns[1].str(), "192.168.100.2");
}

TEST(UdhcpcOutput, LeaseWithoutRouterOrDns) {
  Result<DhcpLease> lease = parse_udhcpc_output(
      "netlab-lease event=bound interface=eth1 ip=10.0.0.5 mask=8 router= serverid= lease=86400 mtu= dns=\n");
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  EXPECT_EQ(lease->address.str(), "10.0.0.5/8");
  EXPECT_FALSE(lease->router.has_value());
  EXPECT_FALSE(lease->server.has_value());
  EXPECT_FALSE(lease->mtu.has_value());
  EXPECT_TRUE(lease->dns.empty());
  EXPECT_EQ(lease->lease_seconds, 86400u);
}

TEST(UdhcpcOutput, NoLeaseOrMalformedIsAnError) {
  EXPECT_FALSE(parse_udhcpc_output("udhcpc: no lease, failing\n").ok());
  EXPECT_FALSE(parse_udhcpc_output("").ok());
  EXPECT_FALSE(parse_udhcpc_output("netlab-lease event=bound ip=1.2.3 mask=24 lease=1\n").ok());
  EXPECT_FALSE(parse_udhcpc_output("netlab-lease event=bound ip=1.2.3.4 mask=40 lease=1\n").ok());
  EXPECT_FALSE(parse_udhcpc_output("netlab-lease event=bound ip=1.2.3.4 mask=24 lease=x\n").ok());
  EXPECT_FALSE(parse_udhcpc_output("netlab-lease event=deconfig ip=1.2.3.4 mask=24 lease=1\n").ok());
  EXPECT_FALSE(parse_udhcpc_output("netlab-leasex event=bound ip=1.2.3.4 mask=24 lease=1\n").ok());
}

TEST(UdhcpcScript, IsFixedTextUsingBusyboxIp) {
  std::string script = render_udhcpc_script("/usr/bin/busybox");
  EXPECT_TRUE(script.starts_with("#!/usr/bin/busybox sh\n"));
  EXPECT_NE(script.find("BB='/usr/bin/busybox'"), std::string::npos);
  EXPECT_NE(script.find("$BB ip route add default via"), std::string::npos);
  EXPECT_NE(script.find("echo \"netlab-lease event=$event"), std::string::npos);
  EXPECT_EQ(script, render_udhcpc_script("/usr/bin/busybox"));
}

}  // namespace
}  // namespace netlab::host
