// The validator (netlab/model/validator.h): one test per rule, each on a small lab
// that is valid except for the problem under test.
#include "netlab/model/validator.h"

#include <gtest/gtest.h>

#include "netlab/model/loader.h"
#include "test_util.h"

namespace netlab::model {
namespace {

using testing::problems;
using V = std::vector<std::string>;

// A valid lab whose network section is `net` (indented under "networks:") and guest
// section `guests` (indented under "guests:").
std::string lab(const std::string& net, const std::string& guests = "", const std::string& name = "t") {
  return "name: " + name + "\nnetworks:\n" + net + "guests:\n" + guests;
}

const std::string kNat =
    "  n:\n"
    "    subnet: 10.0.0.0/24\n"
    "    dhcp:\n"
    "      range: 10.0.0.100-10.0.0.199\n";

TEST(Validator, AcceptsAValidLab) {
  EXPECT_EQ(problems(lab(kNat, "  g:\n    nics: [{network: n}, {network: n, address: 10.0.0.5/24}]\n")), V{});
}

TEST(Validator, AcceptsAGuestWithoutNics) { EXPECT_EQ(problems(lab(kNat, "  g: {}\n")), V{}); }

TEST(Validator, LabNetworkAndGuestNamesMustMatchThePattern) {
  EXPECT_EQ(problems(lab("  net.1:\n    subnet: 10.0.0.0/24\n", "  _g: {}\n", "-lab")),
            (V{"1:7: invalid lab name '-lab'", "3:3: invalid network name 'net.1'", "6:3: invalid guest name '_g'"}));
  const std::string forty(40, 'a');
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n", "", forty + "b")), (V{"1:7: lab name '" + std::string(40, 'a') + "...' is 41 characters, longer than 40"}));
}

TEST(Validator, AcceptsLettersDigitsDashUnderscoreUpToFortyCharacters) {
  const std::string forty(40, 'x');
  EXPECT_EQ(problems(lab("  Net_1:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.100-10.0.0.199}\n",
                         "  " + forty + ":\n    nics: [{network: Net_1}]\n  1g: {}\n", "Lab_2-" + std::string(34, 'y'))),
            V{});
}

TEST(Validator, DerivedDeviceNamesNeverFail) {
  // "<lab>-<network>" and "<lab>-<guest>-<n>" longer than 15 bytes are derived to fit (names.h).
  EXPECT_EQ(problems(lab("  office-backbone:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.100-10.0.0.199}\n",
                         "  webserver-frontend-01:\n    nics: [{network: office-backbone}]\n",
                         "kvm-networking-course")),
            V{});
}

TEST(Validator, ExplicitBridgeNameIsCheckedAsGiven) {
  EXPECT_EQ(problems(lab("  backbone-net:\n    bridge: br-bb\n    subnet: 10.0.0.0/24\n", "", "campus")), V{});
  auto r = load_string(lab("  n:\n    bridge: a-very-long-bridge\n    subnet: 10.0.0.0/24\n"), "b.yaml");
  ASSERT_TRUE(r.ok());
  auto d = validate(r.topology);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].format(),
            "b.yaml:4:13: error: bridge name 'a-very-long-bridge' is 18 bytes, longer than the kernel's limit of 15\n"
            "  hint: choose a shorter 'bridge:' name, or drop 'bridge:' and netlab derives one that fits");
  EXPECT_EQ(problems(lab("  n:\n    bridge: br/0\n    subnet: 10.0.0.0/24\n")),
            (V{"4:13: bridge name 'br/0' is not a valid interface name"}));
}

TEST(Validator, ALinuxBridgeTakesAtMost1023Ports) {
  auto guests = [](int count) {
    std::string out;
    for (int i = 1; i <= count; ++i) out += "  g" + std::to_string(i) + ": {nics: [{network: n}]}\n";
    return out;
  };
  const std::string linux_net = "  n:\n    subnet: 10.0.0.0/16\n";
  EXPECT_EQ(problems(lab(linux_net, guests(1023))), V{});
  EXPECT_EQ(problems(lab(linux_net, guests(1024))),
            V{"3:3: network 'n' would have 1024 ports on its Linux bridge (1024 guest NICs), more than the kernel's "
              "limit of 1023"});
  EXPECT_EQ(problems(lab("  n:\n    switch: ovs\n    subnet: 10.0.0.0/16\n", guests(1024))), V{});
  // A bridge-mode network's uplink is a port too.
  EXPECT_EQ(problems(lab("  n:\n    mode: bridge\n    uplink: eth1\n", guests(1023))),
            V{"3:3: network 'n' would have 1024 ports on its Linux bridge (1023 guest NICs and the uplink), more "
              "than the kernel's limit of 1023"});
}

TEST(Validator, MacvtapNetworksHaveNoBridgeName) {
  EXPECT_EQ(problems(lab("  a-long-network:\n    mode: bridge\n    uplink: eth1\n    attach: macvtap\n", "", "lab")),
            V{});
}

TEST(Validator, GuestNicNameMustFitAndBeUnique) {
  EXPECT_EQ(problems(lab(kNat, "  g:\n    nics:\n      - {network: n, name: a-very-long-nic-name}\n"
                               "      - {network: n, name: eth2}\n      - {network: n}\n")),
            (V{"10:28: nic name 'a-very-long-nic-name' is 20 bytes, longer than the kernel's limit of 15",
               "12:9: nic name 'eth2' is already used by nic 1 of guest 'g'"}));
}

TEST(Validator, UplinkNamesMustFit) {
  EXPECT_EQ(problems("name: t\nhost:\n  uplink: enp0s31f6-long-name\n"),
            (V{"3:11: uplink 'enp0s31f6-long-name' is 19 bytes, longer than the kernel's limit of 15"}));
}

TEST(Validator, GatewayMustBeAHostOfTheSubnet) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 192.168.122.0/24\n    gateway: 10.0.0.1\n")),
            (V{"5:14: gateway 10.0.0.1 is outside subnet 192.168.122.0/24"}));
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    gateway: 10.0.0.0\n")),
            (V{"5:14: gateway 10.0.0.0 is the network address of subnet 10.0.0.0/24"}));
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    gateway: 10.0.0.255\n")),
            (V{"5:14: gateway 10.0.0.255 is the broadcast address of subnet 10.0.0.0/24"}));
}

TEST(Validator, SubnetMustHaveNoHostBitsAndRoom) {
  auto r = load_string(lab("  n:\n    subnet: 10.0.0.1/24\n"), "s.yaml");
  auto d = validate(r.topology);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "subnet 10.0.0.1/24 has host bits set");
  EXPECT_EQ(d[0].hint, "did you mean 10.0.0.0/24?");
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/31\n")),
            (V{"4:13: subnet 10.0.0.0/31 is too small for a gateway and guests"}));
}

TEST(Validator, NonBridgeNetworksNeedASubnet) {
  EXPECT_EQ(problems(lab("  n:\n    mode: isolated\n")), (V{"3:3: network 'n' needs a 'subnet'"}));
}

TEST(Validator, DhcpRangeMustLieInTheSubnetInOrder) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.0-10.0.1.5}\n")),
            (V{"5:19: dhcp range start 10.0.0.0 is the network address of subnet 10.0.0.0/24",
               "5:19: dhcp range end 10.0.1.5 is outside subnet 10.0.0.0/24"}));
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.200-10.0.0.100}\n")),
            (V{"5:19: dhcp range start 10.0.0.200 is after its end 10.0.0.100"}));
}

TEST(Validator, GatewayMustNotLieInTheDhcpRange) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    gateway: 10.0.0.150\n"
                         "    dhcp: {range: 10.0.0.100-10.0.0.199}\n")),
            (V{"5:14: gateway 10.0.0.150 lies inside the dhcp range 10.0.0.100-10.0.0.199"}));
  // The default gateway (.1) is reported at the range when the range covers it.
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.1-10.0.0.99}\n")),
            (V{"5:19: gateway 10.0.0.1 lies inside the dhcp range 10.0.0.1-10.0.0.99"}));
}

TEST(Validator, DhcpHostsMustBeInTheSubnetAndNotCollide) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    dhcp:\n      range: 10.0.0.100-10.0.0.199\n"
                         "      hosts:\n"
                         "        - {name: a, mac: \"52:54:00:00:00:01\", ip: 10.1.0.10}\n"
                         "        - {name: b, mac: \"52:54:00:00:00:02\", ip: 10.0.0.1}\n"
                         "        - {name: c, mac: \"52:54:00:00:00:03\", ip: 10.0.0.20}\n"
                         "        - {name: d, mac: \"52:54:00:00:00:03\", ip: 10.0.0.20}\n"
                         "        - {name: e, mac: \"52:54:00:00:00:05\", ip: 10.0.0.255}\n",
                         "  g:\n    nics: [{network: n, address: 10.0.0.20/24}]\n")),
            (V{"8:51: dhcp host 'a' address 10.1.0.10 is outside subnet 10.0.0.0/24",
               "9:51: dhcp host 'b' address 10.0.0.1 is already used by the gateway of network 'n'",
               "11:26: dhcp host 'd' mac 52:54:00:00:00:03 is already reserved by dhcp host 'c'",
               "11:51: dhcp host 'd' address 10.0.0.20 is already used by dhcp host 'c'",
               "12:51: dhcp host 'e' address 10.0.0.255 is the broadcast address of subnet 10.0.0.0/24",
               "15:34: address 10.0.0.20/24 of nic 0 of guest 'g' is already used by dhcp host 'c'"}));
}

TEST(Validator, DhcpHostMacMayMatchItsGuestsNic) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    dhcp:\n      range: 10.0.0.100-10.0.0.199\n"
                         "      hosts: [{mac: \"52:54:00:00:00:01\", ip: 10.0.0.10}]\n",
                         "  g:\n    nics: [{network: n, mac: \"52:54:00:00:00:01\"}]\n")),
            V{});
}

TEST(Validator, OverlappingSubnets) {
  EXPECT_EQ(problems(lab("  a:\n    subnet: 10.0.1.0/24\n  b:\n    subnet: 10.0.0.0/16\n"
                         "  c:\n    mode: bridge\n    uplink: eth1\n    subnet: 10.0.1.128/25\n")),
            (V{"6:13: subnet 10.0.0.0/16 of network 'b' overlaps subnet 10.0.1.0/24 of network 'a'",
               "10:13: subnet 10.0.1.128/25 of network 'c' overlaps subnet 10.0.1.0/24 of network 'a'"}));
}

TEST(Validator, DuplicateNicMacsIncludingGenerated) {
  EXPECT_EQ(problems(lab(kNat, "  a:\n    nics: [{network: n, mac: \"52:54:00:00:00:01\"}]\n"
                               "  b:\n    nics: [{network: n, mac: \"52:54:00:00:00:01\"}]\n")),
            (V{"11:30: nic 0 of guest 'b' mac 52:54:00:00:00:01 is already used by nic 0 of guest 'a'"}));
  // A written MAC equal to the one netlab generates for another NIC collides too.
  const std::string generated = generate_mac("t", "a", 0).str();
  auto d = validate(load_string(lab(kNat, "  a:\n    nics: [{network: n}]\n"
                                          "  b:\n    nics: [{network: n, mac: \"" + generated + "\"}]\n"),
                                "m.yaml")
                        .topology);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "nic 0 of guest 'b' mac " + generated + " is already used by nic 0 of guest 'a'");
}

TEST(Validator, MulticastAndZeroMacs) {
  EXPECT_EQ(problems(lab(kNat, "  a:\n    nics:\n      - {network: n, mac: \"01:00:5e:00:00:01\"}\n"
                               "      - {network: n, mac: \"00:00:00:00:00:00\"}\n")),
            (V{"10:27: nic 0 of guest 'a' mac 01:00:5e:00:00:01 is a multicast address",
               "11:27: nic 1 of guest 'a' mac 00:00:00:00:00:00 is not a usable address"}));
}

TEST(Validator, StaticAddressMustMatchTheSubnet) {
  EXPECT_EQ(problems(lab(kNat, "  a:\n    nics:\n      - {network: n, address: 10.9.0.5/24}\n"
                               "      - {network: n, address: 10.0.0.5/16}\n"
                               "      - {network: n, address: 10.0.0.0/24}\n"
                               "      - {network: n, address: 10.0.0.150/24}\n")),
            (V{"10:31: address 10.9.0.5/24 of nic 0 of guest 'a' is outside subnet 10.0.0.0/24",
               "11:31: address 10.0.0.5/16 of nic 1 of guest 'a' has prefix /16 but subnet 10.0.0.0/24 has /24",
               "12:31: address 10.0.0.0/24 of nic 2 of guest 'a' is the network address of subnet 10.0.0.0/24",
               "13:31: address 10.0.0.150/24 of nic 3 of guest 'a' lies inside the dhcp range "
               "10.0.0.100-10.0.0.199"}));
}

TEST(Validator, DuplicateStaticAddresses) {
  EXPECT_EQ(problems(lab(kNat, "  a:\n    nics: [{network: n, address: 10.0.0.5/24}]\n"
                               "  b:\n    nics: [{network: n, address: 10.0.0.5/24}, {network: n, address: "
                               "10.0.0.1/24}]\n")),
            (V{"11:34: address 10.0.0.5/24 of nic 0 of guest 'b' is already used by nic 0 of guest 'a'",
               "11:70: address 10.0.0.1/24 of nic 1 of guest 'b' is already used by the gateway of network 'n'"}));
}

TEST(Validator, UnknownNetworkWithSuggestion) {
  auto d = validate(load_string(lab(kNat, "  a:\n    nics: [{network: m}, {network: lan}]\n"), "u.yaml").topology);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].format(), "u.yaml:9:22: error: unknown network 'm'\n  hint: defined networks: n");
  EXPECT_EQ(d[1].format(), "u.yaml:9:36: error: unknown network 'lan'\n  hint: defined networks: n");
}

TEST(Validator, BridgeModeNeedsUplinkAndNoDhcp) {
  EXPECT_EQ(problems(lab("  lan:\n    mode: bridge\n    gateway: 192.0.2.1\n    dhcp: {range: 1.1.1.1-1.1.1.9}\n")),
            (V{"3:3: bridge-mode network 'lan' needs an 'uplink'",
               "5:14: 'gateway' on bridge-mode network 'lan' needs a 'subnet'",
               "6:5: bridge-mode network 'lan' cannot have 'dhcp'"}));
  // With a subnet, a gateway (the LAN's router) is fine, and guests default to dhcp from the LAN.
  EXPECT_EQ(problems(lab("  lan:\n    mode: bridge\n    uplink: eth1\n    subnet: 192.0.2.0/24\n"
                         "    gateway: 192.0.2.1\n",
                         "  a:\n    nics: [{network: lan}, {network: lan, address: 192.0.2.9/24}]\n")),
            V{});
}

TEST(Validator, BridgeOnlyKeysElsewhere) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    uplink: eth1\n    attach: macvtap\n")),
            (V{"5:13: 'uplink' applies only to bridge-mode networks; network 'n' is nat",
               "6:13: 'attach' applies only to bridge-mode networks; network 'n' is nat"}));
}

TEST(Validator, SharedBridgesAndUplinks) {
  EXPECT_EQ(problems(lab("  a:\n    subnet: 10.0.0.0/24\n    bridge: br0\n  b:\n    subnet: 10.1.0.0/24\n"
                         "    bridge: br0\n  c:\n    mode: bridge\n    uplink: eth1\n  d:\n    mode: bridge\n"
                         "    uplink: eth1\n")),
            (V{"8:13: bridge 'br0' is already used by network 'a'",
               "14:13: uplink 'eth1' is already bridged by network 'c'"}));
}

TEST(Validator, DhcpAddressNeedsDhcpOnTheNetwork) {
  EXPECT_EQ(problems(lab("  n:\n    mode: isolated\n    subnet: 10.0.0.0/24\n    dhcp: false\n",
                         "  a:\n    nics: [{network: n}, {network: n, address: dhcp}, {network: n, address: none}]\n")),
            (V{"9:12: nic 0 of guest 'a' uses dhcp but network 'n' has no 'dhcp'",
               "9:48: nic 1 of guest 'a' uses dhcp but network 'n' has no 'dhcp'"}));
  // Without a `dhcp:` key the network serves its default range: the same NICs are fine.
  EXPECT_EQ(problems(lab("  n:\n    mode: isolated\n    subnet: 10.0.0.0/24\n",
                         "  a:\n    nics: [{network: n}, {network: n, address: dhcp}, {network: n, address: none}]\n")),
            V{});
}

TEST(Validator, StaticAddressInsideTheDefaultRange) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n", "  a:\n    nics: [{network: n, address: 10.0.0.200/24}]\n")),
            V{"7:34: address 10.0.0.200/24 of nic 0 of guest 'a' lies inside the default dhcp range "
              "10.0.0.128-10.0.0.254 (network 'n' has no 'dhcp:')"});
}

TEST(Validator, VlanNeedsOvsAndRange) {
  EXPECT_EQ(problems(lab(kNat + "  o:\n    switch: ovs\n    subnet: 10.1.0.0/24\n",
                         "  a:\n    nics: [{network: n, vlan: 10, address: none}, {network: o, vlan: 4095, address: "
                         "10.1.0.5/24}]\n")),
            (V{"12:31: 'vlan' needs an ovs or ovn network; network 'n' uses a linux bridge",
               "12:70: vlan 4095 is out of range 1..4094"}));
}

TEST(Validator, KvmOnlyKeysOnNetnsGuests) {
  EXPECT_EQ(problems(lab(kNat, "  a:\n    vcpus: 2\n    memory: 512\n    disk: {image: /x.qcow2}\n"
                               "    nics: [{network: n, model: e1000}]\n")),
            (V{"9:12: 'vcpus' applies only to kvm guests; guest 'a' is netns",
               "10:13: 'memory' applies only to kvm guests; guest 'a' is netns",
               "11:11: 'disk' applies only to kvm guests; guest 'a' is netns",
               "12:32: 'model' applies only to kvm guests; guest 'a' is netns"}));
  EXPECT_EQ(problems(lab(kNat, "  a:\n    kind: kvm\n    vcpus: 0\n    memory: 0\n")),
            (V{"10:12: vcpus 0 must be at least 1", "11:13: memory 0 MiB must be at least 1 MiB"}));
}

TEST(Validator, MtuRange) {
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    mtu: 67\n  m:\n    subnet: 10.1.0.0/24\n    mtu: 65536\n")),
            (V{"5:10: mtu 67 is out of range 68..65535", "8:10: mtu 65536 is out of range 68..65535"}));
  EXPECT_EQ(problems(lab("  n:\n    subnet: 10.0.0.0/24\n    mtu: 68\n  m:\n    subnet: 10.1.0.0/24\n    mtu: 65535\n")),
            V{});
}

TEST(Validator, ReportsEverythingSortedByPosition) {
  auto d = validate(load_string(lab("  n:\n    subnet: 10.0.0.0/24\n    mtu: 1\n",
                                    "  a:\n    nics: [{network: x}]\n", "B.D"),
                                "all.yaml")
                        .topology);
  EXPECT_EQ(testing::brief(d), (V{"1:7: invalid lab name 'B.D'", "5:10: mtu 1 is out of range 68..65535",
                                   "8:22: unknown network 'x'"}));
}

TEST(Validator, ReadyTopologiesAreValid) {
  for (const char* name : {"nat", "isolated", "bridged", "routed", "ovs", "mixed"}) {
    auto r = load_file(std::string(NETLAB_SOURCE_DIR) + "/topologies/" + name + ".yaml");
    ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
    EXPECT_EQ(format_all(validate(r.topology)), "") << name;
  }
}

}  // namespace
}  // namespace netlab::model

namespace netlab::model {
namespace {

// A nat network publishing `forward` (flow style), web on it with a static address, dyn with a lease.
std::string forward_lab(const std::string& forward, const std::string& mode = "nat") {
  return "name: t\nnetworks:\n  n:\n    mode: " + mode +
         "\n    subnet: 10.0.0.0/24\n    dhcp:\n      range: 10.0.0.100-10.0.0.199\n"
         "    forward: " + forward + "\n"
         "guests:\n  web:\n    nics: [{network: n, address: 10.0.0.10/24}]\n  dyn:\n    nics: [{network: n}]\n";
}

TEST(Validator, PortForwardToAGuestWithAFixedAddress) {
  EXPECT_EQ(testing::problems(forward_lab("[{port: 8080, to: web:80, proto: tcp}, {port: 53, to: web:53, proto: udp}]")),
            (std::vector<std::string>{}));
}

TEST(Validator, PortForwardNeedsANatNetwork) {
  EXPECT_EQ(testing::problems(forward_lab("[{port: 8080, to: web:80}]", "route")),
            (std::vector<std::string>{"8:15: 'forward' applies only to nat networks; network 'n' is route"}));
}

TEST(Validator, PortForwardNeedsAKnownGuestWithAFixedAddress) {
  EXPECT_EQ(testing::problems(forward_lab("[{port: 8080, to: db:80}]")),
            (std::vector<std::string>{"8:32: forward tcp/8080 goes to 'db', which is no guest of the lab"}));
  EXPECT_EQ(testing::problems(forward_lab("[{port: 8080, to: dyn:80}]")),
            (std::vector<std::string>{"8:32: forward tcp/8080 goes to guest 'dyn', whose address on network 'n' is "
                                      "a dynamic lease"}));
}

TEST(Validator, APortIsPublishedOnce) {
  EXPECT_EQ(testing::problems(forward_lab("[{port: 8080, to: web:80}, {port: 8080, to: web:81}]")),
            (std::vector<std::string>{"8:48: forward tcp/8080 is published twice (also by network 'n')"}));
}

TEST(Loader, PortForwardTargetIsGuestColonPort) {
  EXPECT_EQ(testing::load_problems(forward_lab("[{port: 8080, to: web}]")),
            (std::vector<std::string>{"8:32: 'to: web' must be GUEST:PORT"}));
  EXPECT_EQ(testing::load_problems(forward_lab("[{port: 0, to: web:80}]")),
            (std::vector<std::string>{"8:22: port 0 is out of range 1..65535"}));
  auto loaded = load_string(forward_lab("[{port: 8080, to: web:80, proto: udp}]"), "t.yaml");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.topology.networks[0].forwards.size(), 1u);
  const PortForward& f = loaded.topology.networks[0].forwards[0];
  EXPECT_EQ(f.port, 8080);
  EXPECT_EQ(f.guest, "web");
  EXPECT_EQ(f.to_port, 80);
  EXPECT_EQ(f.proto, L4Proto::udp);
  EXPECT_EQ(fixed_address(loaded.topology.networks[0], *loaded.topology.find_guest("web")), Ipv4::parse("10.0.0.10"));
  EXPECT_EQ(fixed_address(loaded.topology.networks[0], *loaded.topology.find_guest("dyn")), std::nullopt);
}

}  // namespace
}  // namespace netlab::model
