#include "netlab/host/dnsmasq_conf.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace netlab::host {
namespace {

using model::Ipv4;
using model::Mac;

DnsmasqConfig base() {
  DnsmasqConfig c;
  c.lab = "demo";
  c.network = "lan";
  c.bridge = "demo-lan";
  c.listen_address = *Ipv4::parse("192.168.100.1");
  c.prefix = 24;
  c.range_start = *Ipv4::parse("192.168.100.50");
  c.range_end = *Ipv4::parse("192.168.100.150");
  c.lease_time = "1h";
  c.run_dir = "/run/netlab/demo";
  return c;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const std::string& l : lines(text))
    if (l == line) return true;
  return false;
}

TEST(DnsmasqConf, FilesLiveInTheRunDirectory) {
  DnsmasqFiles f = dnsmasq_files("/run/netlab/demo", "lan");
  EXPECT_EQ(f.conf, "/run/netlab/demo/dnsmasq-lan.conf");
  EXPECT_EQ(f.pid, "/run/netlab/demo/dnsmasq-lan.pid");
  EXPECT_EQ(f.leases, "/run/netlab/demo/dnsmasq-lan.leases");
  EXPECT_EQ(f.log, "/run/netlab/demo/dnsmasq-lan.log");
}

TEST(DnsmasqConf, RendersLibvirtLikeConfWithNoPing) {
  Result<std::string> conf = render_dnsmasq_conf(base());
  ASSERT_TRUE(conf.ok()) << conf.error().message;
  for (const char* expected :
       {"strict-order", "interface=demo-lan", "bind-interfaces", "except-interface=lo",
        "listen-address=192.168.100.1", "dhcp-range=192.168.100.50,192.168.100.150,255.255.255.0,1h",
        "dhcp-lease-max=101", "dhcp-option=option:router,192.168.100.1",
        "dhcp-option=option:dns-server,192.168.100.1", "dhcp-no-override", "dhcp-authoritative", "no-ping",
        "dhcp-leasefile=/run/netlab/demo/dnsmasq-lan.leases", "pid-file=/run/netlab/demo/dnsmasq-lan.pid",
        "log-facility=/run/netlab/demo/dnsmasq-lan.log", "log-dhcp", "no-resolv", "no-hosts"})
    EXPECT_TRUE(has_line(*conf, expected)) << "missing '" << expected << "' in\n" << *conf;
  EXPECT_FALSE(has_line(*conf, "port=0"));
  EXPECT_TRUE(conf->starts_with("# netlab:demo:lan"));
}

TEST(DnsmasqConf, IsolatedNetworksOfferNoRouter) {
  DnsmasqConfig c = base();
  c.advertise_router = false;
  auto conf = render_dnsmasq_conf(c);
  ASSERT_TRUE(conf) << conf.error().message;
  EXPECT_NE(conf->find("dhcp-option=option:router\n"), std::string::npos);
  EXPECT_EQ(conf->find("dhcp-option=option:router,"), std::string::npos);
}

TEST(DnsmasqConf, DnsOffMeansPortZeroAndNoDnsOption) {
  DnsmasqConfig c = base();
  c.dns = false;
  Result<std::string> conf = render_dnsmasq_conf(c);
  ASSERT_TRUE(conf.ok());
  EXPECT_TRUE(has_line(*conf, "port=0"));
  EXPECT_EQ(conf->find("dns-server"), std::string::npos);
}

TEST(DnsmasqConf, StaticHostsDomainAndMtu) {
  DnsmasqConfig c = base();
  c.hosts.push_back({*Mac::parse("52:54:00:AA:BB:01"), *Ipv4::parse("192.168.100.10"), "web"});
  c.hosts.push_back({*Mac::parse("52:54:00:aa:bb:02"), *Ipv4::parse("192.168.100.11"), ""});
  c.domain = "lab.test";
  c.mtu = 1400;
  c.prefix = 23;
  Result<std::string> conf = render_dnsmasq_conf(c);
  ASSERT_TRUE(conf.ok()) << conf.error().message;
  EXPECT_TRUE(has_line(*conf, "dhcp-host=52:54:00:aa:bb:01,192.168.100.10,web"));
  EXPECT_TRUE(has_line(*conf, "dhcp-host=52:54:00:aa:bb:02,192.168.100.11"));
  EXPECT_TRUE(has_line(*conf, "domain=lab.test"));
  EXPECT_TRUE(has_line(*conf, "local=/lab.test/"));
  EXPECT_TRUE(has_line(*conf, "dhcp-option=option:mtu,1400"));
  EXPECT_TRUE(has_line(*conf, "dhcp-range=192.168.100.50,192.168.100.150,255.255.254.0,1h"));
  EXPECT_TRUE(has_line(*conf, "dhcp-lease-max=103"));
}

TEST(DnsmasqConf, WithoutRangeOrHostsNoDhcpAtAll) {
  DnsmasqConfig c = base();
  c.range_start.reset();
  c.range_end.reset();
  Result<std::string> conf = render_dnsmasq_conf(c);
  ASSERT_TRUE(conf.ok());
  EXPECT_EQ(conf->find("dhcp-"), std::string::npos) << *conf;
  EXPECT_TRUE(has_line(*conf, "interface=demo-lan"));
}

TEST(DnsmasqConf, RefusesTextThatWouldBecomeSyntax) {
  DnsmasqConfig c = base();
  c.bridge = "br0\ndhcp-script=/tmp/x";
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.hosts.push_back({*Mac::parse("52:54:00:00:00:01"), *Ipv4::parse("192.168.100.9"), "a,b"});
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.lease_time = "1h\nconf-file=/etc/passwd";
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.run_dir = "relative/dir";
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.network = "../x";
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.range_end = *Ipv4::parse("192.168.100.10");
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
  c = base();
  c.range_end.reset();
  EXPECT_FALSE(render_dnsmasq_conf(c).ok());
}

}  // namespace
}  // namespace netlab::host
