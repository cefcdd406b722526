// A dual-stack NAT lab in the sandbox: every light guest holds an IPv4 lease and
// an IPv6 address (a DHCPv6 lease, which `status` lists beside the IPv4 one, and
// a dhclient left running that `down` stops; SLAAC from dnsmasq's router
// advertisement on a SLAAC-only network; or static), reaches
// the remote server on both families, its IPv6 arrives upstream unmasqueraded
// (routed, as libvirt routes a nat network's IPv6), and doctor names IPv6
// forwarding switched off as the problem.
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <map>
#include <thread>

#include "lab_fixture.h"
#include "netlab/model/address.h"
#include "netlab/model/file_io.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

const char* const kLab = R"(name: tdual
networks:
  lan:
    mode: nat
    subnet: 192.168.160.0/24
    dhcp: {range: 192.168.160.100-192.168.160.199}
    ipv6:
      subnet: fd00:160::/64
      dhcp: {range: fd00:160::100-fd00:160::1ff}
guests:
  a: {nics: [{network: lan}]}
  b: {nics: [{network: lan}]}
  s: {nics: [{network: lan, address: 192.168.160.10/24, address6: "fd00:160::10/64"}]}
)";

/// Counts ICMPv6 echo requests from `source` arriving in `netns` (a table the test adds there).
int echo_requests_from(const std::string& netns, const std::string& source) {
  auto o = in_netns(netns, {"nft", "-j", "list", "table", "ip6", "probe6"});
  auto doc = json::parse(o.out, nullptr, false);
  if (!doc.is_object()) return -1;
  for (const auto& item : doc["nftables"]) {
    if (!item.contains("rule")) continue;
    bool ours = false;
    int packets = -1;
    for (const auto& expr : item["rule"]["expr"]) {
      if (expr.contains("match") && expr["match"]["right"] == source) ours = true;
      if (expr.contains("counter")) packets = expr["counter"]["packets"].get<int>();
    }
    if (ours) return packets;
  }
  return -1;
}

TEST_F(LabTest, DualStackGuestsHoldBothAddressesAndReachBothServers) {
  up_ok(write_topology("tdual", kLab));
  auto st = json::parse(netlab({"status", "tdual", "--json"}).out, nullptr, false);
  ASSERT_TRUE(st.is_object());
  EXPECT_TRUE(st["drift"].empty()) << st["drift"].dump();
  EXPECT_EQ(st["networks"][0]["subnet6"], "fd00:160::/64");
  EXPECT_EQ(st["networks"][0]["gateway6"], "fd00:160::1");
  // The bridge holds both gateways.
  auto br = in_netns("tdual-host", {"ip", "-6", "addr", "show", "dev", st["networks"][0]["bridge"]});
  EXPECT_NE(br.out.find("fd00:160::1/64"), std::string::npos) << br.out;

  const std::string wan = "tdual-wan";
  ASSERT_EQ(in_netns(wan, {"nft", "add", "table", "ip6", "probe6"}).exit_code, 0);
  ASSERT_EQ(in_netns(wan, {"nft", "add", "chain", "ip6", "probe6", "in", "{ type filter hook input priority 0; }"})
                .exit_code,
            0);
  std::map<std::string, std::string> v6;  // guest -> its IPv6 address
  std::vector<pid_t> dhclients;           // the DHCPv6 clients of a and b
  const auto range_start = *model::Ipv6::parse("fd00:160::100");
  const auto range_end = *model::Ipv6::parse("fd00:160::1ff");
  for (const auto& g : st["guests"]) {
    const std::string name = g["name"];
    const auto& nic = g["nics"][0];
    EXPECT_NE(nic["address"], "") << g.dump();
    ASSERT_EQ(nic["addresses6"].size(), 1u) << g.dump();
    std::string a6 = nic["addresses6"][0];
    ASSERT_EQ(a6.rfind("fd00:160::", 0), 0u) << a6;
    v6[name] = a6.substr(0, a6.find('/'));
    auto o = in_netns(wan, {"nft", "add", "rule", "ip6", "probe6", "in", "ip6", "saddr", v6[name], "icmpv6", "type",
                            "echo-request", "counter"});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    if (name == "s") {  // static: no DHCPv6
      EXPECT_TRUE(nic["lease6"].is_null()) << g.dump();
      continue;
    }
    // A DHCPv6 lease within the range, the very address the guest holds, and
    // among the network's leases.
    ASSERT_TRUE(nic["lease6"].is_object()) << g.dump();
    const std::string leased = nic["lease6"]["ip"];
    auto ip = model::Ipv6::parse(leased);
    ASSERT_TRUE(ip) << leased;
    EXPECT_TRUE(range_start <= *ip && *ip <= range_end) << leased;
    EXPECT_EQ(v6[name], leased);
    EXPECT_EQ(a6, leased + "/64");
    bool listed = false;
    for (const auto& l : st["networks"][0]["leases6"]) listed |= l["ip"] == leased;
    EXPECT_TRUE(listed) << st["networks"][0].dump();
    // The client stays running, in the guest's namespace, to renew it.
    auto pid_text = model::read_file_bounded("/run/netlab/tdual/dhclient6/tdual-" + name + ".eth0.pid", 64);
    ASSERT_TRUE(pid_text) << name;
    EXPECT_EQ(in_netns("tdual-" + name, {"ip", "-6", "addr", "show", "dev", "eth0", "scope", "global"}).out.find(leased) !=
                  std::string::npos,
              true);
    dhclients.push_back(std::stoi(*pid_text));
    EXPECT_EQ(host::process_name(dhclients.back()), "dhclient") << name;
  }
  EXPECT_EQ(v6["s"], "fd00:160::10");
  EXPECT_EQ(dhclients.size(), 2u);
  // The text form shows the DHCPv6 lease beside the IPv4 one.
  auto text = netlab({"status", "tdual"});
  EXPECT_NE(text.out.find(", " + v6["a"] + " expires in "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("2 DHCPv6"), std::string::npos) << text.out;
  for (const auto& [name, address] : v6) {
    const std::string ns = "tdual-" + name;
    EXPECT_TRUE(ping(ns, "198.51.100.1")) << name;
    EXPECT_TRUE(ping(ns, "2001:db8:100::1")) << name;
    // Routed, not masqueraded: the server sees the guest's own address.
    EXPECT_EQ(echo_requests_from(wan, address), 1) << name;
    // The guests reach each other on IPv6 across the bridge.
    EXPECT_TRUE(ping(ns, "fd00:160::10")) << name;
  }

  // IPv6 forwarding switched off on the host: the ping fails, and doctor names the cause.
  ASSERT_EQ(in_netns("tdual-host", {"sysctl", "-qw", "net.ipv6.conf.all.forwarding=0"}).exit_code, 0);
  EXPECT_FALSE(ping("tdual-a", "2001:db8:100::1"));
  EXPECT_TRUE(ping("tdual-a", "198.51.100.1"));
  auto doctor = netlab({"doctor", "tdual", "a"});
  EXPECT_NE(doctor.exit_code, 0);
  EXPECT_NE(doctor.out.find("IPv6 forwarding off: net.ipv6.conf.all.forwarding=0 in tdual-host"), std::string::npos)
      << doctor.out << doctor.err;
  // `up` puts it back.
  up_ok(write_topology("tdual", kLab));
  EXPECT_EQ(in_netns("tdual-host", {"sysctl", "-n", "net.ipv6.conf.all.forwarding"}).out, "1\n");
  EXPECT_TRUE(ping("tdual-a", "2001:db8:100::1"));

  // A killed client is drift, and `up` starts it again with the same lease.
  ASSERT_EQ(::kill(dhclients[0], SIGKILL), 0);
  for (int i = 0; i < 200 && host::alive(dhclients[0]); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_FALSE(host::alive(dhclients[0]));
  auto drifted = json::parse(netlab({"status", "tdual", "--json"}).out, nullptr, false);
  ASSERT_TRUE(drifted.is_object());
  EXPECT_EQ(drifted["drift"].size(), 1u) << drifted["drift"].dump();
  EXPECT_NE(drifted["drift"].dump().find("DHCPv6"), std::string::npos) << drifted["drift"].dump();
  up_ok(write_topology("tdual", kLab));
  auto again = json::parse(netlab({"status", "tdual", "--json"}).out, nullptr, false);
  EXPECT_TRUE(again["drift"].empty()) << again["drift"].dump();
  for (const auto& g : again["guests"]) {
    if (g["name"] != "s") {
      EXPECT_EQ(g["nics"][0]["addresses6"][0], v6[g["name"]] + "/64") << g.dump();
    }
  }

  // `down` stops every client.
  std::vector<pid_t> now;
  for (const std::string name : {"a", "b"})
    if (auto t = model::read_file_bounded("/run/netlab/tdual/dhclient6/tdual-" + name + ".eth0.pid", 64))
      now.push_back(std::stoi(*t));
  ASSERT_EQ(now.size(), 2u);
  auto down = netlab({"down", "tdual"});
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
  for (pid_t pid : now) EXPECT_FALSE(host::alive(pid)) << pid;
}

TEST_F(LabTest, SlaacOnRoutedAndIsolatedNetworks) {
  up_ok(write_topology("tdual6", R"(name: tdual6
networks:
  routed:
    mode: route
    subnet: 192.168.162.0/24
    dhcp: {range: 192.168.162.100-192.168.162.199}
    ipv6: {subnet: "fd00:162::/64", slaac: true}
  closed:
    mode: isolated
    subnet: 192.168.163.0/24
    dhcp: {range: 192.168.163.100-192.168.163.199}
    ipv6: {subnet: "fd00:163::/64", slaac: true}
guests:
  r: {nics: [{network: routed}]}
  i: {nics: [{network: closed}]}
)"));
  auto st = json::parse(netlab({"status", "tdual6", "--json"}).out, nullptr, false);
  ASSERT_TRUE(st.is_object());
  EXPECT_TRUE(st["drift"].empty()) << st["drift"].dump();
  for (const auto& g : st["guests"]) {
    ASSERT_EQ(g["nics"][0]["addresses6"].size(), 1u) << g.dump();
    const std::string a6 = g["nics"][0]["addresses6"][0];
    EXPECT_EQ(a6.rfind(g["name"] == "r" ? "fd00:162::" : "fd00:163::", 0), 0u) << a6;
  }
  EXPECT_TRUE(ping("tdual6-r", "2001:db8:100::1"));
  // Isolated: the advertisement names no router, so there is no IPv6 default route at all.
  auto routes = in_netns("tdual6-i", {"ip", "-6", "route", "show", "default"});
  EXPECT_EQ(routes.out, "") << routes.out;
  EXPECT_FALSE(ping("tdual6-i", "2001:db8:100::1"));
  EXPECT_TRUE(ping("tdual6-i", "fd00:163::1"));  // the gateway on its own bridge answers
}

TEST_F(LabTest, Ipv4OnlyLabKeepsIpv6OffInItsNamespaces) {
  up_ok(write_topology("tdual4", R"(name: tdual4
networks:
  lan:
    subnet: 192.168.161.0/24
    dhcp: {range: 192.168.161.100-192.168.161.199}
guests:
  a: {nics: [{network: lan}]}
)"));
  auto host = in_netns("tdual4-host", {"sysctl", "-n", "net.ipv6.conf.default.disable_ipv6"});
  EXPECT_EQ(host.out, "1\n");
  auto guest = in_netns("tdual4-a", {"ip", "-6", "addr", "show", "dev", "eth0"});
  EXPECT_EQ(guest.out, "") << guest.out;
}

}  // namespace
}  // namespace netlab::testing
