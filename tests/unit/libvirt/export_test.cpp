#include "netlab/libvirt/export_xml.h"

#include <gtest/gtest.h>

#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/model/validator.h"
#include "tests/unit/libvirt/xml_query.h"

namespace netlab::libvirt {
namespace {

using testing::XmlQuery;

model::Topology ready(const std::string& name) {
  auto loaded = model::load_file(std::string(NETLAB_SOURCE_DIR) + "/topologies/" + name);
  EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
  EXPECT_TRUE(model::validate(loaded.topology).empty());
  return loaded.topology;
}

model::Topology from_text(const std::string& yaml) {
  auto loaded = model::load_string(yaml, "test.yaml");
  EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
  EXPECT_TRUE(model::validate(loaded.topology).empty()) << model::format_all(model::validate(loaded.topology));
  return loaded.topology;
}

XmlQuery network(const model::Topology& topo, const std::string& name) {
  const auto* net = topo.find_network(name);
  EXPECT_NE(net, nullptr);
  XmlQuery q(network_xml(topo, *net));
  EXPECT_TRUE(q.ok());
  return q;
}

TEST(Export, NatNetworkLikeLibvirtsDefault) {
  auto topo = ready("nat.yaml");
  auto q = network(topo, "default");
  EXPECT_EQ(q.str("/network/name"), "nat-default");
  EXPECT_EQ(q.str("/network/forward/@mode"), "nat");
  EXPECT_EQ(q.count("/network/forward/@dev"), 0);  // nat.yaml names no host uplink
  EXPECT_EQ(q.str("/network/bridge/@name"), "nat-default");
  EXPECT_EQ(q.str("/network/bridge/@stp"), "off");
  EXPECT_EQ(q.count("/network/mtu"), 0);
  EXPECT_EQ(q.count("/network/dns"), 0);
  EXPECT_EQ(q.str("/network/ip/@address"), "192.168.122.1");
  EXPECT_EQ(q.str("/network/ip/@netmask"), "255.255.255.0");
  EXPECT_EQ(q.str("/network/ip/dhcp/range/@start"), "192.168.122.100");
  EXPECT_EQ(q.str("/network/ip/dhcp/range/@end"), "192.168.122.199");
  EXPECT_EQ(q.str("/network/ip/dhcp/range/lease/@expiry"), "1");
  EXPECT_EQ(q.str("/network/ip/dhcp/range/lease/@unit"), "hours");
  EXPECT_EQ(q.str("/network/ip/dhcp/host/@mac"), "52:54:00:00:00:10");
  EXPECT_EQ(q.str("/network/ip/dhcp/host/@name"), "g1");
  EXPECT_EQ(q.str("/network/ip/dhcp/host/@ip"), "192.168.122.10");
  EXPECT_EQ(q.str("/network/metadata/netlab:network/@lab"), "nat");
  EXPECT_EQ(q.str("/network/metadata/netlab:network/@name"), "default");
  // Light guests are not domains: they are listed in a comment.
  std::string comments = q.comments();
  EXPECT_NE(comments.find("g1 (eth0 52:54:00:00:00:10 on host device nat-g1-0)"), std::string::npos) << comments;
  EXPECT_NE(comments.find("g2 (eth0"), std::string::npos) << comments;
}

TEST(Export, DualStackNetworkHasBothIpElements) {
  auto topo = ready("dual-stack.yaml");
  auto q = network(topo, "lan");
  EXPECT_EQ(q.count("/network/ip"), 2);
  EXPECT_EQ(q.str("/network/ip[1]/@address"), "192.168.150.1");
  EXPECT_EQ(q.str("/network/ip[2]/@family"), "ipv6");
  EXPECT_EQ(q.str("/network/ip[2]/@address"), "fd00:10::1");
  EXPECT_EQ(q.str("/network/ip[2]/@prefix"), "64");
  EXPECT_EQ(q.str("/network/ip[2]/dhcp/range/@start"), "fd00:10::100");
  EXPECT_EQ(q.str("/network/ip[2]/dhcp/range/@end"), "fd00:10::1ff");
  EXPECT_EQ(q.count("/network/forward/nat"), 0);  // IPv6 routed, as libvirt does without <nat ipv6='yes'/>
  auto nat66 = from_text(
      "name: n6\nnetworks:\n  n:\n    subnet: 10.0.0.0/24\n    ipv6: {subnet: \"fd00:1::/64\", slaac: true, nat66: true}\n");
  auto q6 = network(nat66, "n");
  EXPECT_EQ(q6.str("/network/forward/nat/@ipv6"), "yes");
  EXPECT_EQ(q6.count("/network/ip[2]/dhcp"), 0);  // SLAAC only
}

TEST(Export, RouteNetworkForwardsOutOfTheUplinkWithItsMtu) {
  auto topo = ready("routed.yaml");
  topo.host.uplink = "eth9";
  auto q = network(topo, "dmz");
  EXPECT_EQ(q.str("/network/forward/@mode"), "route");
  EXPECT_EQ(q.str("/network/forward/@dev"), "eth9");
  EXPECT_EQ(q.str("/network/mtu/@size"), "1400");
  EXPECT_EQ(q.str("/network/ip/dhcp/host/@name"), "ws");
  EXPECT_EQ(q.count("/network/ip/dhcp/host/@mac"), 0);
}

TEST(Export, IsolatedNetworkHasNoForward) {
  auto topo = ready("isolated.yaml");
  auto q = network(topo, "priv");
  EXPECT_EQ(q.count("/network/forward"), 0);
  EXPECT_EQ(q.str("/network/ip/@address"), "10.10.0.1");  // the default gateway
  EXPECT_EQ(q.str("/network/ip/dhcp/range/lease/@expiry"), "30");
  EXPECT_EQ(q.str("/network/ip/dhcp/range/lease/@unit"), "minutes");
}

TEST(Export, DnsOffBecomesDnsEnableNo) {
  auto topo = ready("mixed.yaml");
  EXPECT_EQ(network(topo, "back").str("/network/dns/@enable"), "no");
  EXPECT_EQ(network(topo, "wan").count("/network/dns"), 0);
}

TEST(Export, BridgeModeNamesTheBridgeAndCarriesNoAddress) {
  auto topo = ready("bridged.yaml");
  auto q = network(topo, "office");
  EXPECT_EQ(q.str("/network/forward/@mode"), "bridge");
  EXPECT_EQ(q.str("/network/bridge/@name"), "br-office");
  EXPECT_EQ(q.count("/network/ip"), 0);  // libvirt refuses <ip> on bridge-mode networks
  EXPECT_EQ(q.count("/network/dns"), 0);
  EXPECT_EQ(q.str("/network/metadata/netlab:network/@uplink"), "eth1");
  EXPECT_EQ(q.str("/network/metadata/netlab:network/@subnet"), "192.0.2.0/24");
}

TEST(Export, MacvtapIsForwardBridgeOnTheUplinkInterface) {
  auto topo = from_text(
      "name: mv\nnetworks:\n  lan: {mode: bridge, uplink: eth1, attach: macvtap}\n"
      "guests:\n  vm: {kind: kvm, nics: [{network: lan}]}\n");
  auto q = network(topo, "lan");
  EXPECT_EQ(q.str("/network/forward/@mode"), "bridge");
  EXPECT_EQ(q.str("/network/forward/interface/@dev"), "eth1");
  EXPECT_EQ(q.count("/network/bridge"), 0);
  EXPECT_EQ(q.count("/network/virtualport"), 0);
}

TEST(Export, OvsNetworkHasVirtualportAndOnePortgroupPerVlan) {
  auto topo = ready("ovs.yaml");
  auto q = network(topo, "core");
  EXPECT_EQ(q.str("/network/virtualport/@type"), "openvswitch");
  EXPECT_EQ(q.str("/network/forward/@mode"), "bridge");  // libvirt's only form for OVS
  EXPECT_EQ(q.str("/network/bridge/@name"), "ovs-core");
  EXPECT_EQ(q.count("/network/portgroup"), 2);
  EXPECT_EQ(q.str("/network/portgroup[@name='vlan-10']/vlan/tag/@id"), "10");
  EXPECT_EQ(q.str("/network/portgroup[@name='vlan-20']/vlan/tag/@id"), "20");
  EXPECT_EQ(q.count("/network/ip"), 0);
  // What libvirt cannot say about it travels in netlab's metadata.
  EXPECT_EQ(q.str("/network/metadata/netlab:network/@mode"), "nat");
  EXPECT_EQ(q.str("/network/metadata/netlab:network/netlab:ip/@address"), "10.20.0.1");
  EXPECT_EQ(q.str("/network/metadata/netlab:network/netlab:ip/@netmask"), "255.255.255.0");
}

/// The runtime `up` gives mix's vm1 (plan::domain_runtime computes it on a host).
DomainRuntime mix_runtime() {
  DomainRuntime runtime;
  runtime.type = "qemu";
  runtime.disk = "/run/netlab/mix/vms/vm1.qcow2";
  runtime.disk_format = "qcow2";
  runtime.kernel = "/k/vmlinuz";
  runtime.initrd = "/k/initrd.img";
  runtime.cmdline = "console=ttyS0";
  runtime.console_log = "/run/netlab/mix/vms/vm1.console.log";
  return runtime;
}

TEST(Export, KvmGuestDomainOpensNetlabsTapsAndBootsTheLabsDisk) {
  auto topo = ready("mixed.yaml");
  const auto& vm = *topo.find_guest("vm1");
  XmlQuery q(domain_xml(topo, vm, mix_runtime()));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.str("/domain/@type"), "qemu");
  EXPECT_EQ(q.str("/domain/name"), "netlab-mix-vm1");
  EXPECT_EQ(q.str("/domain/uuid"), domain_uuid(topo, vm));  // fixed: a redefinition keeps it
  EXPECT_EQ(q.str("/domain/metadata/netlab:guest/@lab"), "mix");  // what gc finds orphans by
  EXPECT_EQ(q.str("/domain/metadata/netlab:guest/@name"), "vm1");
  EXPECT_EQ(q.str("/domain/memory"), "256");
  EXPECT_EQ(q.str("/domain/memory/@unit"), "MiB");
  EXPECT_EQ(q.str("/domain/vcpu"), "1");
  EXPECT_EQ(q.str("/domain/os/type"), "hvm");
  EXPECT_EQ(q.str("/domain/devices/disk/driver/@type"), "qcow2");
  EXPECT_EQ(q.str("/domain/devices/disk/source/@file"), "/run/netlab/mix/vms/vm1.qcow2");
  EXPECT_EQ(q.str("/domain/os/kernel"), "/k/vmlinuz");
  EXPECT_EQ(q.count("/domain/devices/interface"), 1);
  EXPECT_EQ(q.str("/domain/devices/interface/@type"), "ethernet");
  EXPECT_EQ(q.str("/domain/devices/interface/target/@dev"), "mix-vm1-0");
  EXPECT_EQ(q.str("/domain/devices/interface/target/@managed"), "no");
  EXPECT_EQ(q.str("/domain/devices/interface/mac/@address"), "52:54:00:50:00:10");
  EXPECT_EQ(q.str("/domain/devices/interface/model/@type"), "virtio");
  EXPECT_EQ(q.str("/domain/devices/channel/target/@name"), "org.qemu.guest_agent.0");
  EXPECT_EQ(q.str("/domain/devices/serial/@type"), "pty");
  EXPECT_EQ(q.str("/domain/devices/serial/log/@file"), "/run/netlab/mix/vms/vm1.console.log");
  EXPECT_EQ(q.str("/domain/devices/console/target/@type"), "serial");
  const model::Guest* other = topo.find_guest("web");
  EXPECT_NE(domain_uuid(topo, vm), domain_uuid(topo, *other));
}

TEST(Export, KvmGuestWithoutDiskBootsTheTestImage) {
  auto topo = from_text("name: nd\nnetworks:\n  n: {mode: isolated, subnet: 10.41.0.0/24}\n"
                        "guests:\n  vm: {kind: kvm, nics: [{network: n, address: 10.41.0.10/24}]}\n");
  ASSERT_TRUE(topo.guests.front().disk.has_value());
  EXPECT_EQ(topo.guests.front().disk->image, "netlab-test");
  EXPECT_EQ(topo.guests.front().disk->provisioning, model::Provisioning::thin);
}

TEST(Export, KvmNicOnOvsKeepsItsMtuAndModel) {
  auto topo = from_text(
      "name: kv\nnetworks:\n  core: {mode: nat, switch: ovs, subnet: 10.30.0.0/24, mtu: 9000}\n"
      "guests:\n  vm:\n    kind: kvm\n    memory: 1G\n    vcpus: 2\n    disk: {image: /img/vm.raw, format: raw}\n"
      "    nics:\n      - {network: core, vlan: 10, address: 10.30.0.10/24, model: e1000}\n"
      "      - {network: core, address: 10.30.0.11/24}\n");
  DomainRuntime runtime;
  runtime.disk = "/run/netlab/kv/vms/vm.raw";
  runtime.disk_format = "raw";
  XmlQuery q(domain_xml(topo, topo.guests.front(), runtime));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.str("/domain/memory"), "1024");
  EXPECT_EQ(q.str("/domain/vcpu"), "2");
  EXPECT_EQ(q.str("/domain/devices/disk/driver/@type"), "raw");
  EXPECT_EQ(q.str("/domain/os/boot/@dev"), "hd");  // no kernel: the image boots itself
  EXPECT_EQ(q.count("/domain/devices/interface"), 2);
  // The VLAN is the tag of netlab's OVS port, not libvirt's to set.
  EXPECT_EQ(q.count("/domain/devices/interface/vlan"), 0);
  EXPECT_EQ(q.str("/domain/devices/interface[1]/model/@type"), "e1000");
  EXPECT_EQ(q.str("/domain/devices/interface[2]/target/@dev"), "kv-vm-1");
  EXPECT_EQ(q.str("/domain/devices/interface[1]/mtu/@size"), "9000");
}

// On OVN libvirt makes and plugs the tap itself (no netlab agent on a real
// hypervisor): br-int, virtualport openvswitch with the logical port (a UUID,
// the only form libvirt accepts), and netlab's tap name for the hop map.
TEST(Export, KvmNicOnOvnIsPluggedByLibvirtIntoBrInt) {
  auto topo = from_text(
      "name: ko\nhosts:\n  h1: {}\n  h2: {}\nnetworks:\n  o: {mode: isolated, switch: ovn, subnet: 10.31.0.0/24}\n"
      "  plain: {mode: isolated, subnet: 10.32.0.0/24}\n"
      "guests:\n  vm:\n    kind: kvm\n    nics:\n      - {network: o, address: 10.31.0.10/24}\n"
      "      - {network: plain, address: 10.32.0.10/24}\n");
  const model::Guest& vm = topo.guests.front();
  XmlQuery q(domain_xml(topo, vm, DomainRuntime{}));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.str("/domain/devices/interface[1]/@type"), "bridge");
  EXPECT_EQ(q.str("/domain/devices/interface[1]/source/@bridge"), "br-int");
  EXPECT_EQ(q.str("/domain/devices/interface[1]/virtualport/@type"), "openvswitch");
  const std::string id = q.str("/domain/devices/interface[1]/virtualport/parameters/@interfaceid");
  EXPECT_EQ(id, model::ovn_logical_port(topo, vm, 0));
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(q.str("/domain/devices/interface[1]/target/@dev"), model::DeviceNames(topo).host_nic(vm, 0));
  EXPECT_EQ(q.str("/domain/devices/interface[1]/target/@managed"), "");
  // A NIC on a network netlab switches itself stays on netlab's tap.
  EXPECT_EQ(q.str("/domain/devices/interface[2]/@type"), "ethernet");
  EXPECT_EQ(q.count("/domain/devices/interface[2]/virtualport"), 0);
}

TEST(Export, UserTextIsEscaped) {
  auto topo = from_text(
      "name: esc\nnetworks:\n  n: {mode: isolated, subnet: 10.40.0.0/24, dhcp: {range: 10.40.0.10-10.40.0.20}}\n"
      "guests:\n  vm:\n    kind: kvm\n    disk: {image: \"/img/a'b<c>&d\\\"e.qcow2\"}\n    nics: [{network: n}]\n");
  DomainRuntime runtime;
  runtime.disk = topo.guests.front().disk->image;
  runtime.disk_format = "qcow2";
  XmlQuery q(domain_xml(topo, topo.guests.front(), runtime));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.str("/domain/devices/disk/source/@file"), "/img/a'b<c>&d\"e.qcow2");
}

TEST(Export, LeaseTimes) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(lease_expiry("1h"), (P{"1", "hours"}));
  EXPECT_EQ(lease_expiry("30m"), (P{"30", "minutes"}));
  EXPECT_EQ(lease_expiry("90"), (P{"90", "seconds"}));
  EXPECT_EQ(lease_expiry("120s"), (P{"120", "seconds"}));
  EXPECT_EQ(lease_expiry("2d"), (P{"48", "hours"}));
  EXPECT_EQ(lease_expiry("1w"), (P{"168", "hours"}));
  EXPECT_EQ(lease_expiry("infinite"), (P{"0", "hours"}));
}

TEST(Export, LabDocumentsNetworksThenKvmGuests) {
  auto topo = ready("mixed.yaml");
  auto docs = export_lab(topo, [](const model::Guest&) { return mix_runtime(); });
  ASSERT_EQ(docs.size(), 5u);  // 4 networks + vm1; web, db, app and pc are light guests
  EXPECT_EQ(docs[0].file_name, "mix-wan.network.xml");
  EXPECT_EQ(docs[3].file_name, "mix-office.network.xml");
  EXPECT_EQ(docs[4].kind, XmlDocument::Kind::domain);
  EXPECT_EQ(docs[4].name, "netlab-mix-vm1");
  EXPECT_EQ(docs[4].file_name, "netlab-mix-vm1.domain.xml");
  // The domain document is domain_xml's, as `up` defines it.
  EXPECT_EQ(docs[4].text, domain_xml(topo, *topo.find_guest("vm1"), mix_runtime()));
  std::string all = join_documents(docs);
  EXPECT_EQ(all.rfind("<!-- ==== mix-wan.network.xml ==== -->\n<network>\n", 0), 0u);
  EXPECT_NE(all.find("<!-- ==== netlab-mix-vm1.domain.xml ==== -->\n<domain type='qemu'>\n"), std::string::npos);
  for (const auto& d : docs) EXPECT_TRUE(XmlQuery(d.text).ok()) << d.text;
}

}  // namespace
}  // namespace netlab::libvirt

namespace netlab::libvirt {
namespace {

TEST(Export, PublishedPortsAreNotedForLibvirt) {
  auto topo = ready("port-forward.yaml");
  const auto* net = topo.find_network("default");
  ASSERT_NE(net, nullptr);
  const std::string xml = network_xml(topo, *net);
  EXPECT_NE(xml.find("<!-- netlab publishes tcp/8080 of the host's uplink address to web:80 (DNAT in table inet "
                     "netlab_pf); libvirt has no element for port forwards: add them with a qemu hook script -->"),
            std::string::npos)
      << xml;
  EXPECT_TRUE(XmlQuery(xml).ok());
}

}  // namespace
}  // namespace netlab::libvirt
