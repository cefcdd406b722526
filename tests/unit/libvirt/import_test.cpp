#include "netlab/libvirt/import_xml.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

namespace netlab::libvirt {
namespace {

std::string data(const std::string& name) {
  std::ifstream in(std::string(NETLAB_SOURCE_DIR) + "/tests/data/libvirt/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ImportedNetwork parse_ok(const std::string& text, const std::string& file = "net.xml") {
  auto r = parse_network_xml(text, file);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ImportedNetwork{};
}

std::string parse_error(const std::string& text, const std::string& file = "net.xml") {
  auto r = parse_network_xml(text, file);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

/// The YAML of `networks`, loaded and validated: every problem fails the test.
model::Topology valid_topology(const std::string& yaml) {
  auto loaded = model::load_string(yaml, "imported.yaml");
  EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics) << yaml;
  auto problems = model::validate(loaded.topology);
  EXPECT_TRUE(problems.empty()) << model::format_all(problems) << yaml;
  return loaded.topology;
}

bool has_note(const ImportedNetwork& n, const std::string& text) {
  for (const auto& note : n.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

TEST(Import, LibvirtsStockDefaultNetwork) {
  auto net = parse_ok(data("default.xml"), "default.xml");
  EXPECT_EQ(net.libvirt_name, "default");
  EXPECT_EQ(net.network.mode, model::NetworkMode::nat);  // <forward/> without mode is nat
  EXPECT_EQ(net.network.bridge, "virbr0");
  EXPECT_EQ(net.network.subnet->str(), "192.168.122.0/24");
  EXPECT_EQ(net.network.gateway->str(), "192.168.122.1");
  ASSERT_TRUE(net.network.dhcp.has_value());
  EXPECT_EQ(net.network.dhcp->range_start.str(), "192.168.122.2");
  EXPECT_EQ(net.network.dhcp->range_end.str(), "192.168.122.254");
  EXPECT_TRUE(net.notes.empty());
  std::string yaml = topology_yaml({net}, {});
  auto topo = valid_topology(yaml);
  EXPECT_EQ(topo.name, "default");  // libvirt's own name, kept
  ASSERT_EQ(topo.networks.size(), 1u);
  EXPECT_EQ(topo.networks[0].name, "default");
  EXPECT_EQ(topo.networks[0].bridge, "virbr0");
  EXPECT_EQ(yaml.find("# netlab import:"), std::string::npos) << yaml;
}

TEST(Import, SystemDefaultNetworkWhenInstalled) {
  std::ifstream in("/usr/share/libvirt/networks/default.xml");
  if (!in) GTEST_SKIP() << "libvirt-daemon-system's default.xml is not installed";
  std::stringstream s;
  s << in.rdbuf();
  auto net = parse_ok(s.str(), "/usr/share/libvirt/networks/default.xml");
  valid_topology(topology_yaml({net}, {.name = "virt", .uplink = {}}));
}

TEST(Import, ForwardModesMapBack) {
  auto route = parse_ok(
      "<network><name>r</name><forward mode='route' dev='eth7'/>"
      "<ip address='10.5.0.1' prefix='24'/></network>");
  EXPECT_EQ(route.network.mode, model::NetworkMode::route);
  EXPECT_EQ(route.forward_dev, "eth7");
  EXPECT_EQ(route.network.subnet->str(), "10.5.0.0/24");

  auto open = parse_ok("<network><name>o</name><forward mode='open'/><ip address='10.6.0.1' prefix='24'/></network>");
  EXPECT_EQ(open.network.mode, model::NetworkMode::route);
  EXPECT_TRUE(has_note(open, "forward mode 'open' imported as 'route'"));

  auto iso = parse_ok("<network><name>i</name><ip address='10.7.0.1' netmask='255.255.0.0'/></network>");
  EXPECT_EQ(iso.network.mode, model::NetworkMode::isolated);
  EXPECT_EQ(iso.network.subnet->str(), "10.7.0.0/16");

  auto yaml = topology_yaml({route, open, iso}, {.name = "modes", .uplink = {}});
  auto topo = valid_topology(yaml);
  EXPECT_EQ(topo.host.uplink, "eth7");
  EXPECT_EQ(topo.networks.size(), 3u);
}

TEST(Import, BridgeModeForms) {
  auto macvtap = parse_ok(data("macvtap.xml"), "macvtap.xml");
  EXPECT_EQ(macvtap.network.mode, model::NetworkMode::bridge);
  EXPECT_EQ(macvtap.network.attach, model::Attach::macvtap);
  EXPECT_EQ(macvtap.network.uplink, "eth2");
  EXPECT_TRUE(has_note(macvtap, "used the first of 2 <forward><interface> devices (eth2)"));

  auto ovs = parse_ok(data("ovs-bridge.xml"), "ovs-bridge.xml");
  EXPECT_EQ(ovs.network.mode, model::NetworkMode::bridge);
  EXPECT_EQ(ovs.network.switch_kind, model::SwitchKind::ovs);
  EXPECT_EQ(ovs.network.attach, model::Attach::bridge);
  EXPECT_EQ(ovs.network.bridge, "ovsbr0");
  EXPECT_TRUE(ovs.network.uplink.empty());
  EXPECT_TRUE(has_note(ovs, "portgroup 'vlan-10' (vlan 10): write 'vlan: 10'"));

  // The bridge names no uplink: a placeholder with a comment, or --uplink.
  std::string yaml = topology_yaml({ovs, macvtap}, {});
  EXPECT_NE(yaml.find("'uplink: eth1' is a placeholder"), std::string::npos) << yaml;
  auto topo = valid_topology(yaml);
  EXPECT_EQ(topo.find_network("ovs-net")->uplink, "eth1");
  EXPECT_EQ(topo.find_network("direct")->uplink, "eth2");
  auto chosen = valid_topology(topology_yaml({ovs}, {.name = {}, .uplink = "enp5s0"}));
  EXPECT_EQ(chosen.networks[0].uplink, "enp5s0");
}

TEST(Import, EveryIgnoredElementIsAComment) {
  auto net = parse_ok(data("rich.xml"), "rich.xml");
  for (const char* what : {"ignored <uuid> (rich.xml:3)", "ignored <title>", "ignored <forward><nat> (rich.xml:6)",
                           "ignored <bridge stp='on'>", "ignored <mac address='52:54:00:0a:cd:21'>: netlab gives each bridge a fixed MAC of its own (rich.xml:9)", "ignored <domain>",
                           "ignored <dns><forwarder>", "ignored <dns><host>", "ignored <bandwidth>",
                           "ignored <ip localPtr='yes'>", "ignored <ip><tftp>", "ignored another DHCP <range>",
                           "ignored a per-host <lease>", "ignored <dhcp><bootp>",
                           "ignored <route> (rich.xml:32)", "ignored <dnsmasq:options>", "ignored <network ipv6='yes'>"})
    EXPECT_TRUE(has_note(net, what)) << what;
  EXPECT_EQ(net.network.mtu, 9000);
  // Its IPv6 <ip> without <dhcp>: router advertisements for SLAAC only.
  ASSERT_TRUE(net.network.ipv6);
  EXPECT_EQ(net.network.ipv6->subnet->str(), "2001:db8:ca2:2::/64");
  EXPECT_TRUE(net.network.ipv6->slaac);
  EXPECT_EQ(net.network.dhcp->lease_time, "30m");
  ASSERT_EQ(net.network.dhcp->hosts.size(), 2u);
  EXPECT_EQ(net.network.dhcp->hosts[0].mac->str(), "00:16:3e:77:e2:ed");
  EXPECT_EQ(net.network.dhcp->hosts[1].name, "bar");
  EXPECT_FALSE(net.network.dhcp->hosts[1].mac.has_value());

  std::string yaml = topology_yaml({net}, {});
  for (const auto& note : net.notes) EXPECT_NE(yaml.find("# netlab import: " + note), std::string::npos) << note;
  // virbr%d is a libvirt template, not a name netlab can create.
  EXPECT_NE(yaml.find("bridge name 'virbr%d' dropped"), std::string::npos) << yaml;
  auto topo = valid_topology(yaml);
  EXPECT_EQ(topo.name, "Lab-Net_01");  // "Lab Net_01" within the name rule, not cut for device names
  EXPECT_EQ(topo.networks[0].name, "Lab-Net_01");
  EXPECT_TRUE(topo.networks[0].bridge.empty());
  EXPECT_EQ(topo.networks[0].mtu, 9000);
}

TEST(Import, DnsOffAndLeaseUnits) {
  auto net = parse_ok(
      "<network><name>d</name><dns enable='no'/><ip address='10.8.0.1' prefix='24'><dhcp>"
      "<range start='10.8.0.10' end='10.8.0.20'><lease expiry='0'/></range></dhcp></ip></network>");
  EXPECT_FALSE(net.network.dns);
  EXPECT_EQ(net.network.dhcp->lease_time, "infinite");
  std::string yaml = topology_yaml({net}, {.name = "dns", .uplink = {}});
  EXPECT_NE(yaml.find("dns: false"), std::string::npos);
  EXPECT_NE(yaml.find("lease-time: infinite"), std::string::npos);
  valid_topology(yaml);

  auto secs = parse_ok(
      "<network><name>d</name><ip address='10.8.0.1' prefix='24'><dhcp>"
      "<range start='10.8.0.10' end='10.8.0.20'><lease expiry='600' unit='seconds'/></range></dhcp></ip></network>");
  EXPECT_EQ(secs.network.dhcp->lease_time, "600");
  auto mins = parse_ok(
      "<network><name>d</name><ip address='10.8.0.1' prefix='24'><dhcp>"
      "<range start='10.8.0.10' end='10.8.0.20'><lease expiry='5'/></range></dhcp></ip></network>");
  EXPECT_EQ(mins.network.dhcp->lease_time, "5m");  // libvirt's default unit is minutes
  EXPECT_EQ(valid_topology(topology_yaml({secs}, {})).networks[0].dhcp->lease_time, "600");
}

TEST(Import, ErrorsCarryFileAndLine) {
  EXPECT_EQ(parse_error(data("bad-malformed.xml"), "m.xml"),
            "m.xml:5: error: Opening and ending tag mismatch: forward line 3 and network");
  EXPECT_EQ(parse_error(data("bad-domain.xml"), "d.xml"),
            "d.xml:1: error: expected a libvirt <network> document, found <domain>");
  EXPECT_EQ(parse_error(data("bad-hostdev.xml"), "h.xml").rfind("h.xml:3: error: forward mode 'hostdev'", 0), 0u);
  EXPECT_EQ(parse_error(data("bad-netmask.xml"), "n.xml"),
            "n.xml:4: error: malformed netmask '255.0.255.0' in <ip netmask>");
  EXPECT_EQ(parse_error(data("bad-no-ip.xml"), "x.xml").rfind("x.xml:1: error: network 'l2only' has no IPv4", 0), 0u);
  EXPECT_EQ(parse_error("", "e.xml").rfind("e.xml:1: error:", 0), 0u);
  EXPECT_EQ(parse_error("<network><forward/><ip address='10.0.0.1' prefix='24'/></network>", "n.xml"),
            "n.xml:1: error: the network has no <name>");
  EXPECT_EQ(parse_error("<network>\n<name>x</name>\n<ip address='10.0.0.300' prefix='24'/></network>", "a.xml"),
            "a.xml:3: error: malformed IPv4 address '10.0.0.300' in <ip address>");
  EXPECT_EQ(parse_error("<network><name>x</name><virtualport type='802.1Qbh'/></network>", "v.xml")
                .rfind("v.xml:1: error: <virtualport type='802.1Qbh'> is not supported", 0),
            0u);
}

TEST(Import, DoctypeAndEntitiesAreRefused) {
  const std::string bomb =
      "<?xml version='1.0'?>\n<!DOCTYPE network [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>\n"
      "<network><name>&b;</name></network>\n";
  EXPECT_EQ(parse_error(bomb, "b.xml"), "b.xml:3: error: a DOCTYPE is not supported in libvirt network XML");
}

TEST(Import, NamesAreSanitised) {
  EXPECT_EQ(sanitize_name("default", 40), "default");
  EXPECT_EQ(sanitize_name("My_Net 01", 40), "My_Net-01");  // valid names stay as they are
  EXPECT_EQ(sanitize_name("10net", 40), "10net");
  EXPECT_EQ(sanitize_name("--", 40), "net");
  EXPECT_EQ(sanitize_name("_x", 40), "x");
  EXPECT_EQ(sanitize_name("ab-cd", 3), "ab");  // no '-' at the end
  EXPECT_EQ(sanitize_name(std::string(50, 'n'), 40), std::string(40, 'n'));
  EXPECT_EQ(sanitize_name("ÄÖ", 8), "net");

  // Two libvirt networks whose names sanitise alike stay distinct.
  auto a = parse_ok("<network><name>lan 1</name><ip address='10.1.0.1' prefix='24'/></network>");
  auto b = parse_ok("<network><name>lan.1</name><ip address='10.2.0.1' prefix='24'/></network>");
  auto topo = valid_topology(topology_yaml({a, b}, {.name = "two", .uplink = {}}));
  ASSERT_EQ(topo.networks.size(), 2u);
  EXPECT_EQ(topo.networks[0].name, "lan-1");
  EXPECT_EQ(topo.networks[1].name, "lan-1-2");
}

TEST(Import, HostileValuesStayInsideQuotesAndComments) {
  auto net = parse_ok(
      "<network><name>x</name><bridge name='br&quot;:\nx'/><ip address='10.3.0.1' prefix='24'/>"
      "<foo bar='a&#10;name: evil'/></network>");
  std::string yaml = topology_yaml({net}, {});
  auto topo = valid_topology(yaml);
  EXPECT_EQ(topo.name, "x");
  EXPECT_TRUE(topo.networks[0].bridge.empty());
  EXPECT_EQ(yaml.find("\nname: evil"), std::string::npos) << yaml;
}

TEST(Import, DualStackNetworkWithDhcpv6AndNat66) {
  auto net = parse_ok(
      "<network><name>d6</name><forward mode='nat'><nat ipv6='yes'/></forward>"
      "<ip address='10.9.0.1' prefix='24'/>"
      "<ip family='ipv6' address='fd00:9::1' prefix='64'><dhcp>"
      "<range start='fd00:9::100' end='fd00:9::1ff'><lease expiry='2' unit='hours'/></range></dhcp></ip></network>");
  ASSERT_TRUE(net.network.ipv6);
  EXPECT_EQ(net.network.ipv6->subnet->str(), "fd00:9::/64");
  EXPECT_EQ(net.network.ipv6->gateway->str(), "fd00:9::1");
  ASSERT_TRUE(net.network.ipv6->dhcp);
  EXPECT_EQ(net.network.ipv6->dhcp->range_start.str(), "fd00:9::100");
  EXPECT_EQ(net.network.ipv6->dhcp->lease_time, "2h");
  EXPECT_FALSE(net.network.ipv6->slaac);
  EXPECT_TRUE(net.network.ipv6->nat66);
  std::string yaml = topology_yaml({net}, {});
  EXPECT_NE(yaml.find("nat66: true"), std::string::npos) << yaml;
  auto topo = valid_topology(yaml);
  ASSERT_TRUE(topo.networks[0].ipv6);
  EXPECT_EQ(topo.networks[0].ipv6->dhcp->range_end.str(), "fd00:9::1ff");
  EXPECT_NE(parse_error("<network><name>b</name><ip family='ipv6' address='fd00::g' prefix='64'/></network>")
                .find("malformed IPv6 address 'fd00::g'"),
            std::string::npos);
}

}  // namespace
}  // namespace netlab::libvirt
