// The resolv.conf `netlab exec` gives a light guest (plan/guest_dns.h).
#include "netlab/plan/guest_dns.h"

#include <gtest/gtest.h>

#include "netlab/model/loader.h"

namespace netlab::plan {
namespace {

model::Topology load(const std::string& yaml) {
  auto loaded = model::load_string(yaml, "lab.yaml");
  EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
  return loaded.topology;
}

const char* kLab = R"(name: dns
networks:
  a: {mode: nat, subnet: 10.1.0.0/24}
  b: {mode: isolated, subnet: 10.2.0.0/24, gateway: 10.2.0.254}
  quiet: {mode: route, subnet: 10.3.0.0/24, dns: false}
guests:
  g1:
    nics: [{network: a}, {network: b}, {network: a}]
  g2:
    nics: [{network: quiet, address: 10.3.0.5/24}]
)";

TEST(GuestDns, EachNetworkServingDnsGivesItsGatewayOnceInNicOrder) {
  auto topo = load(kLab);
  auto text = guest_resolv_conf(topo, *topo.find_guest("g1"), std::nullopt);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("nameserver 10.1.0.1\nnameserver 10.2.0.254\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find("nameserver 10.1.0.1", text->find("10.2.0.254")), std::string::npos) << *text;
}

TEST(GuestDns, NoLabDnsKeepsTheMachinesFile) {
  auto topo = load(kLab);
  EXPECT_FALSE(guest_resolv_conf(topo, *topo.find_guest("g2"), std::string("nameserver 192.0.2.53\n")));
}

TEST(GuestDns, RealHostAddsTheMachinesReachableServersAfterTheLabs) {
  auto topo = load(kLab);
  auto text = guest_resolv_conf(topo, *topo.find_guest("g1"),
                                std::string("# comment\nnameserver 127.0.0.53\nsearch example.org\n"
                                            "nameserver 192.0.2.53\nnameserver ::1\n"));
  ASSERT_TRUE(text);
  auto lab = text->find("nameserver 10.2.0.254");
  auto machine = text->find("nameserver 192.0.2.53");
  ASSERT_NE(machine, std::string::npos) << *text;
  EXPECT_LT(lab, machine);
  EXPECT_EQ(text->find("127.0.0.53"), std::string::npos) << *text;
  EXPECT_EQ(text->find("::1"), std::string::npos) << *text;
}

TEST(GuestDns, HostsFileKeepsTheMachinesLinesAndNamesStaticGuestsSharedNetworkFirst) {
  auto topo = load(R"(name: dns
networks:
  a: {mode: nat, subnet: 10.1.0.0/24}
  b: {mode: isolated, subnet: 10.2.0.0/24}
guests:
  g1:
    nics: [{network: b}]
  g2:
    nics: [{network: a, address: 10.1.0.5/24}, {network: b, address: 10.2.0.5/24}]
  g3:
    nics: [{network: a}]
)");
  auto text = guest_hosts_file(topo, *topo.find_guest("g1"), "127.0.0.1 localhost");
  EXPECT_EQ(text.rfind("127.0.0.1 localhost\n", 0), 0u) << text;
  auto shared = text.find("10.2.0.5 g2\n");
  auto other = text.find("10.1.0.5 g2\n");
  ASSERT_NE(shared, std::string::npos) << text;
  ASSERT_NE(other, std::string::npos) << text;
  EXPECT_LT(shared, other);
  EXPECT_EQ(text.find(" g3"), std::string::npos) << text;  // a DHCP guest: dnsmasq knows it
  EXPECT_EQ(text.find(" g1"), std::string::npos) << text;
}

}  // namespace
}  // namespace netlab::plan
