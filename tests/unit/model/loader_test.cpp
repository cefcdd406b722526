// The YAML loader (netlab/model/loader.h): values, defaults, positions, and every
// kind of structural problem it reports.
#include "netlab/model/loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace netlab::model {
namespace {

using testing::load_problems;
using V = std::vector<std::string>;

const char* const kFull = R"(name: lab
host:
  uplink: eth0
networks:
  default:
    mode: route
    switch: ovs
    bridge: br7
    subnet: 10.1.0.0/24
    gateway: 10.1.0.254
    dhcp:
      range: 10.1.0.100 - 10.1.0.199
      lease-time: 30m
      hosts:
        - {name: web, mac: "52:54:00:00:00:10", ip: 10.1.0.10}
    dns: false
    mtu: 9000
  lan:
    mode: bridge
    uplink: eth1
    attach: macvtap
guests:
  g1:
    nics:
      - network: default
        address: 10.1.0.5/24
        mac: "52:54:00:aa:bb:01"
        name: wan0
        vlan: 10
      - {network: lan, address: none}
  vm1:
    kind: kvm
    vcpus: 2
    memory: 1G
    disk: {image: /var/lib/vm1.qcow2, format: raw, provisioning: thick}
    nics:
      - {network: default, model: e1000}
)";

TEST(Loader, ReadsEveryKey) {
  auto r = load_string(kFull, "full.yaml");
  ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
  const Topology& t = r.topology;
  EXPECT_EQ(t.name, "lab");
  EXPECT_EQ(t.host.uplink, "eth0");
  ASSERT_EQ(t.networks.size(), 2u);
  const Network& n = t.networks[0];
  EXPECT_EQ(n.name, "default");
  EXPECT_EQ(n.mode, NetworkMode::route);
  EXPECT_EQ(n.switch_kind, SwitchKind::ovs);
  EXPECT_EQ(n.bridge, "br7");
  EXPECT_EQ(n.subnet->str(), "10.1.0.0/24");
  EXPECT_EQ(n.gateway->str(), "10.1.0.254");
  ASSERT_TRUE(n.dhcp);
  EXPECT_EQ(n.dhcp->range_start.str(), "10.1.0.100");
  EXPECT_EQ(n.dhcp->range_end.str(), "10.1.0.199");
  EXPECT_EQ(n.dhcp->lease_time, "30m");
  ASSERT_EQ(n.dhcp->hosts.size(), 1u);
  EXPECT_EQ(n.dhcp->hosts[0].name, "web");
  EXPECT_EQ(n.dhcp->hosts[0].mac->str(), "52:54:00:00:00:10");
  EXPECT_EQ(n.dhcp->hosts[0].ip.str(), "10.1.0.10");
  EXPECT_FALSE(n.dns);
  EXPECT_EQ(n.mtu, 9000);
  EXPECT_EQ(t.networks[1].mode, NetworkMode::bridge);
  EXPECT_EQ(t.networks[1].uplink, "eth1");
  EXPECT_EQ(t.networks[1].attach, Attach::macvtap);
  EXPECT_FALSE(t.networks[1].gateway);  // a bridged LAN's router is unknown

  ASSERT_EQ(t.guests.size(), 2u);
  const Guest& g1 = t.guests[0];
  EXPECT_EQ(g1.kind, GuestKind::netns);
  ASSERT_EQ(g1.nics.size(), 2u);
  EXPECT_EQ(g1.nics[0].address_kind, AddressKind::static_cidr);
  EXPECT_EQ(g1.nics[0].address->str(), "10.1.0.5/24");
  EXPECT_EQ(g1.nics[0].mac->str(), "52:54:00:aa:bb:01");
  EXPECT_FALSE(g1.nics[0].mac_generated);
  EXPECT_EQ(g1.nics[0].name, "wan0");
  EXPECT_EQ(g1.nics[0].vlan, 10);
  EXPECT_EQ(g1.nics[1].address_kind, AddressKind::none);
  const Guest& vm = t.guests[1];
  EXPECT_EQ(vm.kind, GuestKind::kvm);
  EXPECT_EQ(vm.vcpus, 2);
  EXPECT_EQ(vm.memory_mib, 1024);
  ASSERT_TRUE(vm.disk);
  EXPECT_EQ(vm.disk->image, "/var/lib/vm1.qcow2");
  EXPECT_EQ(vm.disk->format, "raw");
  EXPECT_EQ(vm.disk->provisioning, Provisioning::thick);
  EXPECT_EQ(vm.nics[0].model, "e1000");
}

TEST(Loader, KeepsPositions) {
  auto r = load_string(kFull, "full.yaml");
  ASSERT_TRUE(r.ok());
  const Network& n = r.topology.networks[0];
  EXPECT_EQ(n.pos.node.file, "full.yaml");
  EXPECT_EQ(n.pos.node.line, 5);  // the network's name
  EXPECT_EQ(n.pos.node.column, 3);
  EXPECT_EQ(n.pos.at("subnet").line, 9);
  EXPECT_EQ(n.pos.at("subnet").column, 13);
  EXPECT_EQ(n.pos.at("no-such-key").line, 5);  // falls back to the node
  EXPECT_EQ(n.dhcp->hosts[0].pos.node.line, 15);
  EXPECT_EQ(n.dhcp->hosts[0].pos.at("ip").column, 53);
  const Nic& nic = r.topology.guests[0].nics[0];
  EXPECT_EQ(nic.pos.node.line, 25);
  EXPECT_EQ(nic.pos.node.column, 9);
  EXPECT_EQ(nic.pos.at("address").line, 26);
  EXPECT_EQ(nic.pos.at("address").column, 18);
  EXPECT_EQ(r.topology.pos.at("name").line, 1);
  EXPECT_EQ(r.topology.pos.at("name").column, 7);
}

TEST(Loader, AppliesDefaults) {
  auto r = load_string("name: d\nnetworks:\n  n:\n    subnet: 10.0.0.0/24\n    dhcp: {range: 10.0.0.10-10.0.0.20}\n"
                       "guests:\n  g:\n    nics: [{network: n}]\n",
                       "d.yaml");
  ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
  const Network& n = r.topology.networks[0];
  EXPECT_EQ(n.mode, NetworkMode::nat);
  EXPECT_EQ(n.switch_kind, SwitchKind::linux_bridge);
  EXPECT_EQ(n.bridge, "");
  EXPECT_EQ(n.gateway->str(), "10.0.0.1");  // first host address
  EXPECT_TRUE(n.dns);
  EXPECT_EQ(n.mtu, 1500);
  EXPECT_EQ(n.dhcp->lease_time, "1h");
  const Guest& g = r.topology.guests[0];
  EXPECT_EQ(g.kind, GuestKind::netns);
  EXPECT_EQ(g.nics[0].address_kind, AddressKind::dhcp);
  EXPECT_EQ(g.nics[0].model, "virtio");
  EXPECT_FALSE(g.nics[0].vlan);
  EXPECT_TRUE(g.nics[0].mac_generated);
}

TEST(Loader, DefaultDhcpIsTheUpperHalfOfTheSubnet) {
  auto r = load_string("name: d\nnetworks:\n  a:\n    subnet: 10.0.0.0/24\n  b:\n    mode: isolated\n"
                       "    subnet: 10.1.0.0/28\n  c:\n    subnet: 10.2.0.0/24\n    dhcp: false\n"
                       "  d:\n    subnet: 10.3.0.0/30\n  e:\n    mode: route\n    subnet: 10.4.0.0/24\n    dhcp: true\n",
                       "d.yaml");
  ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
  const auto& nets = r.topology.networks;
  ASSERT_TRUE(nets[0].dhcp);
  EXPECT_TRUE(nets[0].dhcp->implicit);
  EXPECT_EQ(nets[0].dhcp->range_start.str(), "10.0.0.128");
  EXPECT_EQ(nets[0].dhcp->range_end.str(), "10.0.0.254");
  ASSERT_TRUE(nets[1].dhcp);
  EXPECT_EQ(nets[1].dhcp->range_start.str(), "10.1.0.8");
  EXPECT_EQ(nets[1].dhcp->range_end.str(), "10.1.0.14");
  EXPECT_FALSE(nets[2].dhcp);  // dhcp: false
  EXPECT_FALSE(nets[3].dhcp);  // a /30 has no room for a range
  ASSERT_TRUE(nets[4].dhcp);   // dhcp: true asks for the default explicitly
  EXPECT_EQ(nets[4].dhcp->range_start.str(), "10.4.0.128");
}

TEST(Loader, EmptySectionsAreFine) {
  auto r = load_string("name: e\nnetworks:\nguests:\n  g:\n", "e.yaml");
  ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
  EXPECT_TRUE(r.topology.networks.empty());
  ASSERT_EQ(r.topology.guests.size(), 1u);
  EXPECT_TRUE(r.topology.guests[0].nics.empty());
}

TEST(Loader, GeneratedMacsAreStableAndDistinct) {
  const std::string yaml = "name: s\nguests:\n  a:\n    nics: [{network: x}, {network: x}]\n  b:\n    nics: [{network: x}]\n";
  auto first = load_string(yaml, "s.yaml");
  auto second = load_string(yaml, "other-name.yaml");
  ASSERT_TRUE(first.ok());
  const Mac a0 = *first.topology.guests[0].nics[0].mac;
  const Mac a1 = *first.topology.guests[0].nics[1].mac;
  const Mac b0 = *first.topology.guests[1].nics[0].mac;
  EXPECT_EQ(a0, *second.topology.guests[0].nics[0].mac);
  EXPECT_NE(a0, a1);
  EXPECT_NE(a0, b0);
  EXPECT_EQ(a0, generate_mac("s", "a", 0));
  EXPECT_EQ(b0, generate_mac("s", "b", 0));
  for (const Mac& m : {a0, a1, b0}) {
    EXPECT_EQ(m.bytes[0], 0x52);
    EXPECT_EQ(m.bytes[1], 0x54);
    EXPECT_EQ(m.bytes[2], 0x00);
  }
  // Pinned (FNV-1a of "nat/g2/0", computed independently): the MAC of a lab's NIC
  // must never change between releases, or DHCP leases and reservations break.
  EXPECT_EQ(generate_mac("nat", "g2", 0).str(), "52:54:00:b7:f4:1f");
  EXPECT_NE(generate_mac("nat", "g2", 0), generate_mac("nat", "g2", 1));
  EXPECT_NE(generate_mac("lab", "g1", 0), generate_mac("lab2", "g1", 0));
}

TEST(Loader, BridgeMacsAreFixedAndNeverANicMac) {
  Topology topo;
  topo.name = "nat";
  const Mac first = generate_bridge_mac(topo, "default");
  EXPECT_EQ(first, generate_bridge_mac(topo, "default"));  // same lab and network, same MAC
  EXPECT_EQ(first.str().rfind("52:54:00:", 0), 0u);
  EXPECT_NE(first, generate_bridge_mac(topo, "other"));
  EXPECT_EQ(first.str(), "52:54:00:37:60:0e");  // pinned: `netlab export` writes it, `up` sets it
  // A guest NIC that happens to hold that MAC pushes the bridge to another one.
  Guest g;
  g.name = "g";
  Nic nic;
  nic.mac = first;
  g.nics.push_back(nic);
  topo.guests.push_back(g);
  const Mac moved = generate_bridge_mac(topo, "default");
  EXPECT_NE(moved, first);
  EXPECT_EQ(moved.str().rfind("52:54:00:", 0), 0u);
}

TEST(Loader, MemorySizes) {
  auto mem = [](const std::string& value) {
    auto r = load_string("name: m\nguests:\n  v:\n    kind: kvm\n    memory: " + value + "\n", "m.yaml");
    return r.ok() ? r.topology.guests[0].memory_mib : -1;
  };
  EXPECT_EQ(mem("512"), 512);
  EXPECT_EQ(mem("512M"), 512);
  EXPECT_EQ(mem("512MiB"), 512);
  EXPECT_EQ(mem("2G"), 2048);
  EXPECT_EQ(mem("1GiB"), 1024);
  EXPECT_EQ(mem("1T"), -1);
  EXPECT_EQ(mem("M"), -1);
  EXPECT_EQ(mem("-5M"), -1);
  EXPECT_EQ(mem("99999999999G"), -1);
  EXPECT_EQ(load_problems("name: m\nguests:\n  v:\n    memory: 1.5G\n"),
            (V{"4:13: malformed memory size '1.5G'"}));
}

TEST(Loader, LeaseTimes) {
  auto lease_ok = [](const std::string& value) {
    return load_string("name: l\nnetworks:\n  n:\n    dhcp: {range: 1.1.1.1-1.1.1.2, lease-time: " + value + "}\n",
                       "l.yaml")
        .ok();
  };
  for (const char* good : {"3600", "1h", "30m", "2d", "1w", "45s", "infinite"}) EXPECT_TRUE(lease_ok(good)) << good;
  for (const char* bad : {"h", "1x", "1hh", "-1h", "forever", "1 h"}) EXPECT_FALSE(lease_ok(bad)) << bad;
}

TEST(Loader, ReportsUnknownKeysWithSuggestion) {
  auto r = load_string("name: u\nnetworks:\n  n:\n    subnt: 10.0.0.0/24\n    colour: red\n", "u.yaml");
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].format(),
            "u.yaml:4:5: error: unknown key 'subnt' in network 'n'\n  hint: did you mean 'subnet'?");
  EXPECT_EQ(r.diagnostics[1].message, "unknown key 'colour' in network 'n'");
  EXPECT_EQ(r.diagnostics[1].hint,
            "known keys: mode, switch, bridge, subnet, gateway, dhcp, dns, mtu, uplink, attach, forward or ipv6");
}

TEST(Loader, ReportsDuplicateKeys) {
  EXPECT_EQ(load_problems("name: a\nname: b\n"), (V{"2:1: duplicate key 'name' in the top level"}));
  auto r = load_string("name: a\nguests:\n  g: {}\n  g: {}\n", "d.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(),
            "d.yaml:4:3: error: duplicate key 'g' in 'guests'\n  hint: first written at line 3");
}

TEST(Loader, ReportsWrongTypes) {
  EXPECT_EQ(load_problems("name: t\nnetworks: [a, b]\n"),
            (V{"2:11: 'networks' must be a mapping of network names to their settings, not a list"}));
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    mtu: big\n    dns: maybe\n"),
            (V{"4:10: 'mtu' must be an integer, not 'big'", "5:10: 'dns' must be true or false, not 'maybe'"}));
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    mtu: \"1500\"\n"),
            (V{"4:10: 'mtu' must be an integer, not '1500'"}));
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    mtu: 99999999999\n"),
            (V{"4:10: 'mtu' value 99999999999 is out of range"}));
  EXPECT_EQ(load_problems("name: [t]\n"), (V{"1:7: 'name' must be a string, not a list"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  g:\n    nics: {network: n}\n"),
            (V{"4:11: 'nics' must be a list, not a mapping"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  g:\n    nics: [eth0]\n"),
            (V{"4:12: nic 0 of guest 'g' must be a mapping, not 'eth0'"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  g: 5\n"), (V{"3:6: 'g' must be a mapping, not '5'"}));
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  ? [a]\n  : {}\n"),
            (V{"3:5: key in 'networks' must be a plain name, not a list"}));
}

TEST(Loader, ReportsBadEnumValuesWithChoices) {
  auto r = load_string("name: t\nnetworks:\n  n:\n    mode: nta\n    switch: vpp\n", "e.yaml");
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].format(),
            "e.yaml:4:11: error: invalid mode 'nta', expected nat, route, isolated or bridge\n"
            "  hint: did you mean 'nat'?");
  EXPECT_EQ(r.diagnostics[1].format(), "e.yaml:5:13: error: invalid switch 'vpp', expected linux, ovs or ovn");
}

TEST(Loader, ReportsMalformedValues) {
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    subnet: 10.0.0/24\n    gateway: 10.0.0.1/24\n"
                          "    dhcp: {range: 10.0.0.5}\n"),
            (V{"4:13: malformed subnet '10.0.0/24'", "5:14: malformed gateway address '10.0.0.1/24'",
               "6:19: malformed dhcp range '10.0.0.5'"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  g:\n    nics:\n      - {network: n, mac: \"52:54:00:zz:00:01\", "
                          "address: 10.0.0.5}\n"),
            (V{"5:27: malformed mac '52:54:00:zz:00:01'", "5:57: malformed address '10.0.0.5'"}));
  auto r = load_string("name: t\nnetworks:\n  n:\n    subnet: 10.0.0.0\n", "h.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].hint, "add the prefix length, e.g. 10.0.0.0/24");
}

TEST(Loader, ReportsMissingRequiredKeys) {
  EXPECT_EQ(load_problems("networks: {}\n"), (V{"1:1: missing required key 'name' in the top level"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  g:\n    nics:\n      - {address: dhcp}\n"),
            (V{"5:9: missing required key 'network' in nic 0 of guest 'g'"}));
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    dhcp: {lease-time: 1h, hosts: [{name: a}]}\n"),
            (V{"4:5: missing required key 'range' in 'dhcp' of network 'n'",
               "4:36: missing required key 'ip' in dhcp host 0 of network 'n'"}));
  EXPECT_EQ(load_problems("name: t\nguests:\n  v:\n    kind: kvm\n    disk: {format: raw}\n"),
            (V{"5:5: missing required key 'image' in 'disk' of guest 'v'"}));
}

TEST(Loader, ReportsYamlSyntaxErrorsWithPosition) {
  auto r = load_string("name: t\nnetworks:\n  n: {mode: nat\n", "s.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].pos.line, 4);
  EXPECT_EQ(r.diagnostics[0].message, "invalid yaml: end of map flow not found");
  auto tab = load_string("name: t\n\tnetworks: {}\n", "tab.yaml");
  ASSERT_EQ(tab.diagnostics.size(), 1u);
  EXPECT_EQ(tab.diagnostics[0].pos.line, 2);
}

TEST(Loader, ReportsEmptyAndNonMappingDocuments) {
  EXPECT_EQ(load_problems(""), (V{"1:1: the file is empty"}));
  EXPECT_EQ(load_problems("# only a comment\n"), (V{"1:1: the file is empty"}));
  EXPECT_EQ(load_problems("- a\n- b\n"), (V{"1:1: the top level must be a mapping, not a list"}));
  EXPECT_EQ(load_problems("hello\n"), (V{"1:1: the top level must be a mapping, not 'hello'"}));
}

TEST(Loader, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = "name: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto r = load_string(deep, "deep.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message, "invalid yaml: nested too deeply (500 levels)");
  EXPECT_EQ(r.diagnostics[0].pos.line, 1);
}

TEST(Loader, ControlCharactersAndLongValuesAreEscapedInMessages) {
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    mode: \"n\\ta\\x01t\"\n"),
            (V{"4:11: invalid mode 'n\\x09a\\x01t', expected nat, route, isolated or bridge"}));
  const std::string long_value(100, 'x');
  EXPECT_EQ(load_problems("name: t\nnetworks:\n  n:\n    mode: " + long_value + "\n"),
            (V{"4:11: invalid mode '" + std::string(40, 'x') + "...', expected nat, route, isolated or bridge"}));
}

TEST(Diagnostic, ExcerptEscapesAndCuts) {
  EXPECT_EQ(excerpt("plain"), "plain");
  EXPECT_EQ(excerpt(std::string("a\0b\n", 4)), "a\\x00b\\x0a");
  EXPECT_EQ(excerpt(std::string(41, 'y')), std::string(40, 'y') + "...");
  // 39 ASCII bytes then a 2-byte character across the cut: the character is left out whole.
  EXPECT_EQ(excerpt(std::string(39, 'z') + "\xc3\xa9tail"), std::string(39, 'z') + "...");
}

TEST(Loader, AliasesAndAnchorsWork) {
  auto r = load_string("name: a\nnetworks:\n  n: &net {subnet: 10.0.0.0/24}\n  m: *net\n", "a.yaml");
  ASSERT_TRUE(r.ok()) << format_all(r.diagnostics);
  ASSERT_EQ(r.topology.networks.size(), 2u);
  EXPECT_EQ(r.topology.networks[1].subnet->str(), "10.0.0.0/24");
}

TEST(Loader, LoadFileReportsMissingFile) {
  auto r = load_file("/nonexistent/netlab/x.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(),
            "/nonexistent/netlab/x.yaml: error: cannot open the file: No such file or directory");
}

TEST(Loader, LoadFileUsesThePathInPositions) {
  const std::string path = ::testing::TempDir() + "netlab_loader_test.yaml";
  {
    std::ofstream out(path);
    out << "name: f\nnetworks:\n  n:\n    mtu: x\n";
  }
  auto r = load_file(path);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), path + ":4:10: error: 'mtu' must be an integer, not 'x'");
}

TEST(Diagnostic, FormatsWithAndWithoutHint) {
  Diagnostic d{{"f.yaml", 3, 5}, "unknown network 'lan'", "did you mean 'lab'?"};
  EXPECT_EQ(d.format(), "f.yaml:3:5: error: unknown network 'lan'\n  hint: did you mean 'lab'?");
  d.hint.clear();
  EXPECT_EQ(format_all({d, d}), "f.yaml:3:5: error: unknown network 'lan'\nf.yaml:3:5: error: unknown network 'lan'\n");
  EXPECT_EQ((Diagnostic{{"f.yaml", 0, 0}, "x", ""}).format(), "f.yaml: error: x");
}

}  // namespace
}  // namespace netlab::model
