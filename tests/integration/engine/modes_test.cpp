// Whole labs in the sandbox, one per network mode: leases, who can reach whom,
// and what the upstream router sees.
#include <nlohmann/json.hpp>
#include <thread>

#include "lab_fixture.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

/// Counts ICMP echo requests arriving in `netns` from `source` (an nft counter
/// the test adds in the lab's own upstream namespace).
class SourceCounter {
 public:
  SourceCounter(std::string netns, std::string source)
      : netns_(std::move(netns)), source_(std::move(source)), chain_("in" + std::to_string(next_id_++)) {
    in_netns(netns_, {"nft", "add", "table", "ip", "probe"});
    in_netns(netns_, {"nft", "add", "chain", "ip", "probe", chain_, "{ type filter hook input priority 0; }"});
    auto o = in_netns(netns_, {"nft", "add", "rule", "ip", "probe", chain_, "ip", "saddr", source_, "icmp", "type",
                               "echo-request", "counter"});
    EXPECT_EQ(o.exit_code, 0) << o.err;
  }
  int packets() {
    auto o = in_netns(netns_, {"nft", "-j", "list", "chain", "ip", "probe", chain_});
    auto doc = json::parse(o.out, nullptr, false);
    if (!doc.is_object()) return -1;
    for (const auto& item : doc["nftables"])
      if (item.contains("rule"))
        for (const auto& expr : item["rule"]["expr"])
          if (expr.contains("counter")) return expr["counter"]["packets"].get<int>();
    return -1;
  }

 private:
  static inline int next_id_ = 0;
  std::string netns_, source_, chain_;
};

json status_json(const std::string& lab) {
  auto o = netlab({"status", lab, "--json"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  return json::parse(o.out, nullptr, false);
}

/// The address (without prefix) a guest NIC holds, from `status --json`.
std::string guest_address(const json& status, const std::string& guest) {
  for (const auto& g : status["guests"])
    if (g["name"] == guest) {
      std::string cidr = g["nics"][0]["address"];
      return cidr.substr(0, cidr.find('/'));
    }
  return "";
}

TEST_F(LabTest, NatGuestsLeaseReachTheInternetMasqueradedAndEachOther) {
  auto file = write_topology("tnat", R"(name: tnat
networks:
  default:
    mode: nat
    subnet: 192.168.140.0/24
    dhcp: {range: 192.168.140.100-192.168.140.199}
guests:
  a: {nics: [{network: default}]}
  b: {nics: [{network: default}]}
)");
  up_ok(file);
  json st = status_json("tnat");
  ASSERT_TRUE(st.is_object());
  EXPECT_EQ(st["schema"], 1);
  EXPECT_EQ(st["phase"], "ready");
  EXPECT_TRUE(st["drift"].empty());
  for (const auto& g : st["guests"]) {
    const auto& nic = g["nics"][0];
    ASSERT_FALSE(nic["lease"].is_null()) << g.dump();
    EXPECT_EQ(nic["lease"]["mac"], nic["mac"]);
    EXPECT_EQ(nic["address"].get<std::string>(), nic["lease"]["ip"].get<std::string>() + "/24");
  }
  ASSERT_EQ(st["networks"][0]["leases"].size(), 2u);

  SourceCounter masqueraded("tnat-wan", "203.0.113.2");
  SourceCounter unmasqueraded("tnat-wan", "192.168.140.0/24");
  for (const char* guest : {"tnat-a", "tnat-b"}) {
    EXPECT_TRUE(ping(guest, "203.0.113.1")) << guest;
    EXPECT_TRUE(ping(guest, "198.51.100.1")) << guest;
  }
  EXPECT_EQ(masqueraded.packets(), 4);
  EXPECT_EQ(unmasqueraded.packets(), 0);
  EXPECT_TRUE(ping("tnat-a", guest_address(st, "b")));
  EXPECT_TRUE(ping("tnat-b", guest_address(st, "a")));
  // The WAN cannot start a connection into the NAT network.
  EXPECT_FALSE(ping("tnat-wan", guest_address(st, "a")));
}

TEST_F(LabTest, IsolatedGuestsReachEachOtherAndTheHostNotTheWan) {
  auto file = write_topology("tiso", R"(name: tiso
networks:
  lab:
    mode: isolated
    subnet: 10.30.0.0/24
guests:
  a: {nics: [{network: lab, address: 10.30.0.11/24}]}
  b: {nics: [{network: lab, address: 10.30.0.12/24}]}
)");
  up_ok(file);
  EXPECT_TRUE(ping("tiso-a", "10.30.0.12"));
  EXPECT_TRUE(ping("tiso-b", "10.30.0.11"));
  EXPECT_TRUE(ping("tiso-a", "10.30.0.1"));  // the host's address on the bridge
  EXPECT_FALSE(ping("tiso-a", "203.0.113.1"));
  EXPECT_TRUE(ping("tiso-host", "10.30.0.11"));  // and the host reaches them
}

TEST_F(LabTest, RoutedGuestsAreSeenUnmasqueradedAndReachableFromUpstream) {
  auto file = write_topology("trtd", R"(name: trtd
networks:
  lab:
    mode: route
    subnet: 10.40.0.0/24
guests:
  a: {nics: [{network: lab, address: 10.40.0.11/24}]}
)");
  up_ok(file);
  SourceCounter guest_source("trtd-wan", "10.40.0.11");
  EXPECT_TRUE(ping("trtd-a", "203.0.113.1"));
  EXPECT_TRUE(ping("trtd-a", "198.51.100.1"));
  EXPECT_EQ(guest_source.packets(), 2);
  EXPECT_TRUE(ping("trtd-wan", "10.40.0.11"));  // route mode: upstream may initiate
}

TEST_F(LabTest, BridgedGuestLeasesFromTheLanAndReachesIt) {
  auto file = write_topology("tbrg", R"(name: tbrg
networks:
  office:
    mode: bridge
    uplink: eth1
guests:
  pc: {nics: [{network: office}]}
)");
  up_ok(file);
  // The bridge carries the uplink's MAC: the host keeps its identity on the LAN.
  const std::string uplink_mac = mac_of("tbrg-host", "eth1");
  EXPECT_FALSE(uplink_mac.empty());
  EXPECT_EQ(mac_of("tbrg-host", "tbrg-office"), uplink_mac);
  json st = status_json("tbrg");
  const std::string address = guest_address(st, "pc");
  ASSERT_EQ(address.rfind("192.0.2.", 0), 0u) << st.dump();  // the LAN's range, 192.0.2.100-199
  int host_part = std::stoi(address.substr(8));
  EXPECT_GE(host_part, 100);
  EXPECT_LE(host_part, 199);
  EXPECT_TRUE(ping("tbrg-pc", "192.0.2.1"));
  // The lease is the LAN dnsmasq's: its lease file in the lab's run directory knows the MAC.
  EXPECT_FALSE(st["guests"][0]["nics"][0]["lease"].is_null());
}

TEST_F(LabTest, MacvtapGuestSitsDirectlyOnTheUplinkAndLeasesFromTheLan) {
  auto file = write_topology("tmvt", R"(name: tmvt
networks:
  office:
    mode: bridge
    uplink: eth1
    attach: macvtap
guests:
  pc: {nics: [{network: office}]}
  vm:
    kind: kvm
    nics: [{network: office, mac: "52:54:00:70:00:01"}]
)");
  up_ok(file);
  json st = status_json("tmvt");
  EXPECT_EQ(guest_address(st, "pc").rfind("192.0.2.", 0), 0u) << st.dump();
  EXPECT_TRUE(ping("tmvt-pc", "192.0.2.1"));
  // No bridge and no host-side device: the guest's NIC is a macvlan on eth1.
  auto links = in_netns("tmvt-host", {"ip", "-o", "link", "show"}).out;
  EXPECT_EQ(links.find("tmvt-office"), std::string::npos) << links;
  EXPECT_NE(in_netns("tmvt-pc", {"ip", "-d", "link", "show", "eth0"}).out.find("macvlan mode bridge"), std::string::npos);
  // The KVM guest's NIC: a macvtap on eth1 with the NIC's MAC, for the VM to open (libvirt's type='direct').
  const std::string vm = in_netns("tmvt-host", {"ip", "-d", "link", "show", "tmvt-vm-0"}).out;
  EXPECT_NE(vm.find("tmvt-vm-0@eth1"), std::string::npos) << vm;
  EXPECT_NE(vm.find("macvtap mode bridge"), std::string::npos) << vm;
  EXPECT_NE(vm.find("link/ether 52:54:00:70:00:01"), std::string::npos) << vm;
  EXPECT_NE(vm.find("alias netlab:tmvt"), std::string::npos) << vm;
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
}

TEST_F(LabTest, OvsVlansSeparateGuestsAndTcpCrossesTheUserspaceDatapath) {
  auto file = write_topology("tovs", R"(name: tovs
networks:
  core:
    mode: nat
    switch: ovs
    subnet: 10.50.0.0/24
guests:
  r1: {nics: [{network: core, vlan: 10, address: 10.50.0.11/24}]}
  r2: {nics: [{network: core, vlan: 10, address: 10.50.0.12/24}]}
  b1: {nics: [{network: core, vlan: 20, address: 10.50.0.21/24}]}
)");
  up_ok(file);
  EXPECT_TRUE(ping("tovs-r1", "10.50.0.12"));
  EXPECT_FALSE(ping("tovs-r1", "10.50.0.21"));  // another VLAN on the same switch
  // TCP needs TX checksum offload off on the guests' veths (userspace datapath).
  auto server = host::spawn({"busybox", "nc", "-l", "-p", "5555"}, {.netns = "tovs-r2", .stdout_path = dir_ + "/nc.out"});
  ASSERT_TRUE(server) << server.error().message;
  host::ChildProcess owned(*server);
  Outcome client;
  for (int attempt = 0; attempt < 20; ++attempt) {  // until the listener is up
    client = in_netns("tovs-r1", {"busybox", "nc", "-w", "2", "10.50.0.12", "5555"}, 10);
    if (client.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(client.exit_code, 0) << client.err;
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
}

}  // namespace
}  // namespace netlab::testing
