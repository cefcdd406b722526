#include <gtest/gtest.h>

#include <fstream>

#include "service_lab.h"
#include "netlab/host/dhcp_client.h"
#include "netlab/host/dnsmasq.h"

namespace netlab::host::service_testing {
namespace {

using model::Ipv4;

DnsmasqConfig lan_config(const std::string& run_dir) {
  DnsmasqConfig c;
  c.lab = "nlt-hs";
  c.network = "lan";
  c.bridge = kBridge;
  c.listen_address = *Ipv4::parse("192.168.150.1");
  c.prefix = 24;
  c.range_start = *Ipv4::parse("192.168.150.50");
  c.range_end = *Ipv4::parse("192.168.150.99");
  c.lease_time = "1h";
  c.dns = false;
  c.run_dir = run_dir;
  return c;
}

using DhcpTest = ServiceLab;

TEST_F(DhcpTest, DnsmasqHandsLeasesToUdhcpcAndStopsCleanly) {
  const std::string g2_mac = mac_of(kG2, "eth0");
  ASSERT_FALSE(g2_mac.empty());
  DnsmasqConfig config = lan_config(run_dir_);
  config.hosts.push_back({*model::Mac::parse(g2_mac), *Ipv4::parse("192.168.150.20"), "g2"});
  config.mtu = 1400;
  Dnsmasq dnsmasq(config);

  auto start = std::chrono::steady_clock::now();
  Status started = dnsmasq.start(kHost);
  double start_s = seconds_since(start);
  ASSERT_TRUE(started.ok()) << started.error().message;
  std::optional<pid_t> pid = dnsmasq.pid();
  ASSERT_TRUE(pid.has_value());
  own_pid(*pid);
  EXPECT_TRUE(dnsmasq.running());
  EXPECT_TRUE(dnsmasq.start(kHost).ok());  // already running: left alone
  EXPECT_EQ(dnsmasq.pid(), pid);

  DhcpClientOptions o;
  o.netns = kG1;
  o.run_dir = run_dir_;
  o.hostname = "g1";
  start = std::chrono::steady_clock::now();
  Result<DhcpLease> lease = obtain_lease(o);
  double lease_s = seconds_since(start);
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  EXPECT_EQ(lease->event, "bound");
  EXPECT_EQ(lease->interface, "eth0");
  EXPECT_EQ(lease->address.prefix, 24);
  EXPECT_GE(lease->address.address, *Ipv4::parse("192.168.150.50"));
  EXPECT_LE(lease->address.address, *Ipv4::parse("192.168.150.99"));
  ASSERT_TRUE(lease->router.has_value());
  EXPECT_EQ(lease->router->str(), "192.168.150.1");
  ASSERT_TRUE(lease->server.has_value());
  EXPECT_EQ(lease->server->str(), "192.168.150.1");
  EXPECT_EQ(lease->lease_seconds, 3600u);
  ASSERT_TRUE(lease->mtu.has_value());
  EXPECT_EQ(*lease->mtu, 1400);
  std::printf("figure: dnsmasq start %.3f s; udhcpc lease (no-ping) %.3f s; lease time %u s\n", start_s, lease_s,
              lease->lease_seconds);

  // The script configured the guest: address, default route, MTU.
  RunResult addr = run_in(kG1, {"ip", "-4", "-o", "addr", "show", "dev", "eth0"});
  EXPECT_NE(addr.out.find(lease->address.str()), std::string::npos) << addr.out;
  RunResult route = run_in(kG1, {"ip", "route", "show", "default"});
  EXPECT_NE(route.out.find("default via 192.168.150.1 dev eth0"), std::string::npos) << route.out;
  RunResult link = run_in(kG1, {"ip", "-o", "link", "show", "dev", "eth0"});
  EXPECT_NE(link.out.find(" mtu 1400 "), std::string::npos) << link.out;
  EXPECT_EQ(run_in(kG1, {"busybox", "ping", "-c", "1", "-W", "2", "192.168.150.1"}).exit_code, 0);

  // The static reservation for g2's MAC.
  DhcpClientOptions o2 = o;
  o2.netns = kG2;
  o2.hostname = "";
  Result<DhcpLease> lease2 = obtain_lease(o2);
  ASSERT_TRUE(lease2.ok()) << lease2.error().message;
  EXPECT_EQ(lease2->address.str(), "192.168.150.20/24");
  EXPECT_EQ(run_in(kG1, {"busybox", "ping", "-c", "1", "-W", "2", "192.168.150.20"}).exit_code, 0);

  // dnsmasq's lease file names both guests.
  Result<std::vector<Lease>> leases = dnsmasq.leases();
  ASSERT_TRUE(leases.ok()) << leases.error().message;
  ASSERT_EQ(leases->size(), 2u);
  const std::string g1_mac = mac_of(kG1, "eth0");
  bool saw_g1 = false, saw_g2 = false;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (const Lease& l : *leases) {
    if (l.mac.str() == g1_mac) {
      saw_g1 = true;
      EXPECT_EQ(l.ip, lease->address.address);
      EXPECT_EQ(l.hostname, "g1");
    }
    if (l.mac.str() == g2_mac) {
      saw_g2 = true;
      EXPECT_EQ(l.ip.str(), "192.168.150.20");
    }
    EXPECT_GT(l.expiry, now + 3500);
    EXPECT_LE(l.expiry, now + 3601);
  }
  EXPECT_TRUE(saw_g1);
  EXPECT_TRUE(saw_g2);

  ASSERT_TRUE(dnsmasq.stop().ok());
  EXPECT_FALSE(dnsmasq.running());
  EXPECT_FALSE(alive(*pid));
  EXPECT_TRUE(dnsmasq.stop().ok());  // stopping twice is fine
}

TEST_F(DhcpTest, StartFailureCarriesDnsmasqsMessage) {
  DnsmasqConfig config = lan_config(run_dir_);
  config.bridge = "hs-nosuch";
  Dnsmasq dnsmasq(config);
  Status started = dnsmasq.start(kHost);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("hs-nosuch"), std::string::npos) << started.error().message;
  EXPECT_FALSE(dnsmasq.running());
}

TEST_F(DhcpTest, NeverSignalsAPidThatIsNotOurDnsmasq) {
  Dnsmasq dnsmasq(lan_config(run_dir_));
  // A pid file naming a live process that is not our dnsmasq: a sleep we own.
  Result<pid_t> sleeper = spawn({"sleep", "30"});
  ASSERT_TRUE(sleeper.ok()) << sleeper.error().message;
  own_pid(*sleeper);
  { std::ofstream(dnsmasq.files().pid) << *sleeper << "\n"; }
  EXPECT_FALSE(dnsmasq.running());
  EXPECT_TRUE(dnsmasq.stop().ok());
  EXPECT_TRUE(alive(*sleeper));
  EXPECT_TRUE(terminate(*sleeper).ok());
}

TEST_F(DhcpTest, NoServerMeansABoundedFailure) {
  DhcpClientOptions o;
  o.netns = kG1;
  o.run_dir = run_dir_;
  o.discover_tries = 2;
  auto start = std::chrono::steady_clock::now();
  Result<DhcpLease> lease = obtain_lease(o);
  double took = seconds_since(start);
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.error().message.find("no lease"), std::string::npos) << lease.error().message;
  EXPECT_LT(took, 20.0);  // bounded by the options, not a speed claim
  std::printf("figure: udhcpc giving up after 2 tries: %.2f s\n", took);
}

}  // namespace
}  // namespace netlab::host::service_testing
