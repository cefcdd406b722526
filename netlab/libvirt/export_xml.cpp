#include "netlab/libvirt/export_xml.h"

#include <cstdio>
#include <set>

#include "netlab/libvirt/xml_writer.h"
#include "netlab/model/lab_hosts.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"

namespace netlab::libvirt {
namespace {

using model::Network;
using model::NetworkMode;
using model::Topology;

const char* const kNetlabPrefix = "netlab:";

std::string netmask(const model::Cidr& subnet) { return model::Ipv4{subnet.mask()}.str(); }

/// The host address on a network netlab owns (validated: its subnet has room for one).
model::Ipv4 host_address(const Network& net) { return model::gateway(net).value_or(model::Ipv4{}); }

/// <ip family='ipv6' address prefix> with its <dhcp><range/></dhcp> (libvirt's
/// stateful DHCPv6; SLAAC only is an <ip> without <dhcp>, as libvirt has it).
void write_ip6(XmlWriter& w, const Network& net) {
  const auto& v6 = *net.ipv6;
  std::vector<Attr> attrs{{"family", "ipv6"},
                          {"address", model::gateway6(net).value_or(model::Ipv6{}).str()},
                          {"prefix", std::to_string(v6.subnet->prefix)}};
  if (!v6.dhcp) {
    w.empty("ip", attrs);
    return;
  }
  w.open("ip", attrs);
  w.open("dhcp");
  w.open("range", {{"start", v6.dhcp->range_start.str()}, {"end", v6.dhcp->range_end.str()}});
  auto [expiry, unit] = lease_expiry(v6.dhcp->lease_time);
  w.empty("lease", {{"expiry", expiry}, {"unit", unit}});
  w.close();
  w.close();
  w.close();
}

/// OVS VLAN tags used by NICs on `net`, sorted.
std::set<int> vlans_on(const Topology& topo, const Network& net) {
  std::set<int> out;
  for (const auto& g : topo.guests)
    for (const auto& nic : g.nics)
      if (nic.network == net.name && nic.vlan) out.insert(*nic.vlan);
  return out;
}

/// <ip address netmask> with its <dhcp>, under element name `ip` (libvirt's
/// "ip", or "netlab:ip" inside metadata).
void write_ip(XmlWriter& w, const std::string& ip, const Network& net) {
  std::vector<Attr> attrs{{"address", host_address(net).str()}, {"netmask", netmask(*net.subnet)}};
  if (!net.dhcp) {
    w.empty(ip, attrs);
    return;
  }
  const std::string prefix = ip.substr(0, ip.size() - 2);  // "" or "netlab:"
  w.open(ip, attrs);
  w.open(prefix + "dhcp");
  const auto& d = *net.dhcp;
  w.open(prefix + "range", {{"start", d.range_start.str()}, {"end", d.range_end.str()}});
  auto [expiry, unit] = lease_expiry(d.lease_time);
  w.empty(prefix + "lease", {{"expiry", expiry}, {"unit", unit}});
  w.close();
  for (const auto& h : d.hosts) {
    std::vector<Attr> host;
    if (h.mac) host.emplace_back("mac", h.mac->str());
    if (!h.name.empty()) host.emplace_back("name", h.name);
    host.emplace_back("ip", h.ip.str());
    w.empty(prefix + "host", host);
  }
  w.close();
  w.close();
}

/// "g1 (eth0 52:54:00:00:00:10), g2 (eth0 ...)": the light guests with a NIC on `net`.
std::string light_guests_on(const Topology& topo, const Network& net) {
  std::string out;
  const model::DeviceNames names(topo);
  for (const auto& g : topo.guests) {
    if (g.kind != model::GuestKind::netns) continue;
    for (size_t i = 0; i < g.nics.size(); ++i) {
      const auto& nic = g.nics[i];
      if (nic.network != net.name) continue;
      if (!out.empty()) out += ", ";
      out += g.name + " (" + model::guest_nic_name(nic, i);
      if (nic.mac) out += " " + nic.mac->str();
      if (nic.address_kind == model::AddressKind::static_cidr && nic.address) out += " " + nic.address->str();
      out += " on host device " + names.host_nic(g, i) + ")";
    }
  }
  return out;
}

void write_metadata(XmlWriter& w, const Topology& topo, const Network& net, bool ovs_service) {
  std::vector<Attr> attrs{{"xmlns:netlab", kMetadataNamespace}, {"lab", topo.name}, {"name", net.name}};
  if (model::traits(net.mode).on_lan && model::has_bridge(net) && !net.uplink.empty())
    attrs.emplace_back("uplink", net.uplink);
  // libvirt refuses <ip> on bridge-mode networks; the LAN's subnet rides here.
  if (model::traits(net.mode).on_lan && net.subnet) attrs.emplace_back("subnet", net.subnet->str());
  if (model::traits(net.mode).on_lan && net.gateway) attrs.emplace_back("gateway", net.gateway->str());
  if (!topo.host.uplink.empty()) attrs.emplace_back("host-uplink", topo.host.uplink);
  w.open("metadata");
  if (!ovs_service) {
    w.empty("netlab:network", attrs);
  } else {
    // libvirt attaches guests to an existing OVS bridge only (forward mode
    // bridge); what netlab adds on that bridge travels here for `netlab import`.
    attrs.emplace_back("mode", model::to_string(net.mode));
    if (!net.dns) attrs.emplace_back("dns", "no");
    w.open("netlab:network", attrs);
    write_ip(w, std::string(kNetlabPrefix) + "ip", net);
    w.close();
  }
  w.close();
}

}  // namespace

std::string domain_uuid(const Topology& topo, const model::Guest& guest) {
  return model::uuid_from_name("netlab:" + topo.name + ":" + guest.name);
}

std::string network_name(const Topology& topo, const Network& net) { return topo.name + "-" + net.name; }

std::string domain_name(const Topology& topo, const model::Guest& guest) {
  return "netlab-" + topo.name + "-" + guest.name;
}

std::pair<std::string, std::string> lease_expiry(const std::string& lease_time) {
  if (lease_time.empty() || lease_time == "infinite") return {"0", "hours"};
  char unit = lease_time.back();
  std::string digits = lease_time;
  if (unit < '0' || unit > '9') digits.pop_back();
  unsigned long long n = 0;
  for (char c : digits) n = n * 10 + static_cast<unsigned>(c - '0');
  switch (unit) {
    case 'm': return {std::to_string(n), "minutes"};
    case 'h': return {std::to_string(n), "hours"};
    case 'd': return {std::to_string(n * 24), "hours"};
    case 'w': return {std::to_string(n * 24 * 7), "hours"};
    default: return {std::to_string(n), "seconds"};  // "90s" or bare seconds
  }
}

std::string network_xml(const Topology& topo, const Network& net) {
  const bool ovs = net.switch_kind == model::SwitchKind::ovs;
  const bool bridged = model::traits(net.mode).on_lan;
  const bool ovs_service = ovs && !bridged && net.subnet.has_value();
  const bool macvtap = model::uses_macvtap(net);
  XmlWriter w;
  w.open("network");
  w.text("name", network_name(topo, net));
  write_metadata(w, topo, net, ovs_service);

  if (bridged || ovs) {
    if (macvtap) {
      w.comment("bridge mode, macvtap: each guest gets a macvtap device on " + net.uplink);
      w.open("forward", {{"mode", "bridge"}});
      w.empty("interface", {{"dev", net.uplink}});
      w.close();
    } else {
      if (ovs_service) {
        w.comment("netlab runs this Open vSwitch network in " + std::string(model::to_string(net.mode)) +
                  " mode with host address " + host_address(net).str() + "/" + std::to_string(net.subnet->prefix) +
                  "; libvirt only attaches guests to an existing OVS bridge, so the bridge " +
                  model::bridge_name(topo, net) + " must exist (netlab up creates it) and its " +
                  (model::masquerades(net.mode) ? "forwarding and NAT" :
                   model::forwards(net.mode) ? "forwarding" : "isolation") +
                  (net.dhcp ? ", its address and DHCP" : ", and its address") + " stay with netlab");
      } else {
        w.comment(std::string("bridge mode: libvirt expects the ") + (ovs ? "Open vSwitch " : "") + "bridge " +
                  model::bridge_name(topo, net) + " to exist" +
                  (net.uplink.empty() ? std::string() : " with " + net.uplink + " enslaved") +
                  " (netlab up creates it)");
      }
      w.empty("forward", {{"mode", "bridge"}});
      w.empty("bridge", {{"name", model::bridge_name(topo, net)}});
    }
  } else {
    std::vector<Attr> forward;
    switch (net.mode) {
      case NetworkMode::nat: forward.emplace_back("mode", "nat"); break;
      case NetworkMode::route: forward.emplace_back("mode", "route"); break;
      default: break;
    }
    if (!forward.empty()) {
      if (!topo.host.uplink.empty()) forward.emplace_back("dev", topo.host.uplink);
      if (model::masquerades6(net)) {  // libvirt's IPv6 masquerade: <nat ipv6='yes'/>
        w.open("forward", forward);
        w.empty("nat", {{"ipv6", "yes"}});
        w.close();
      } else {
        w.empty("forward", forward);
      }
      for (const model::PortForward& f : net.forwards)
        w.comment(std::string("netlab publishes ") + model::to_string(f.proto) + "/" + std::to_string(f.port) +
                  " of the host's uplink address to " + f.guest + ":" + std::to_string(f.to_port) +
                  " (DNAT in table inet " + model::nft_table_name(topo.name) +
                  "); libvirt has no element for port forwards: add them with a qemu hook script");
    } else {
      w.comment("isolated: no <forward>, guests reach each other and the host only");
    }
    w.empty("bridge", {{"name", model::bridge_name(topo, net)}, {"stp", "off"}, {"delay", "0"}});
  }
  if (net.mtu != 1500) w.empty("mtu", {{"size", std::to_string(net.mtu)}});
  // The bridge's fixed MAC, as netlab up sets it (libvirt keeps one per network too).
  if (!ovs && !bridged) w.empty("mac", {{"address", model::generate_bridge_mac(topo, net.name).str()}});
  if (ovs && !macvtap) {
    w.empty("virtualport", {{"type", "openvswitch"}});
    for (int vlan : vlans_on(topo, net)) {
      w.open("portgroup", {{"name", "vlan-" + std::to_string(vlan)}});
      w.open("vlan");
      w.empty("tag", {{"id", std::to_string(vlan)}});
      w.close();
      w.close();
    }
  }
  if (!bridged && !ovs) {
    if (!net.dns) w.empty("dns", {{"enable", "no"}});
    if (net.subnet) write_ip(w, "ip", net);
    if (net.ipv6 && net.ipv6->subnet) write_ip6(w, net);
  }
  std::string light = light_guests_on(topo, net);
  if (!light.empty())
    w.comment("light guests (network namespaces, not libvirt domains) on this network: " + light);
  w.close();
  return w.str();
}

std::string domain_xml(const Topology& topo, const model::Guest& guest, const DomainRuntime& runtime) {
  XmlWriter w;
  const model::DeviceNames names(topo);
  w.open("domain", {{"type", runtime.type}});
  w.text("name", domain_name(topo, guest));
  w.text("uuid", domain_uuid(topo, guest));
  w.open("metadata");
  w.empty("netlab:guest", {{"xmlns:netlab", kMetadataNamespace}, {"lab", topo.name}, {"name", guest.name}});
  w.close();
  w.text("memory", std::to_string(guest.memory_mib), {{"unit", "MiB"}});
  w.text("vcpu", std::to_string(guest.vcpus));
  w.open("os");
  w.text("type", "hvm", {{"arch", "x86_64"}, {"machine", "pc"}});
  if (!runtime.kernel.empty()) {
    w.text("kernel", runtime.kernel);
    if (!runtime.initrd.empty()) w.text("initrd", runtime.initrd);
    w.text("cmdline", runtime.cmdline);
  } else {
    w.empty("boot", {{"dev", "hd"}});
  }
  w.close();
  w.text("on_reboot", "restart");
  w.open("devices");
  if (!runtime.disk.empty()) {
    w.comment("the lab's own disk, " + std::string(guest.disk && guest.disk->provisioning == model::Provisioning::thick
                                                         ? "a thick raw copy of"
                                                         : "a thin qcow2 overlay on") +
              " the image " + (guest.disk ? guest.disk->image : std::string()));
    w.open("disk", {{"type", "file"}, {"device", "disk"}});
    w.empty("driver", {{"name", "qemu"}, {"type", runtime.disk_format}});
    w.empty("source", {{"file", runtime.disk}});
    w.empty("target", {{"dev", "vda"}, {"bus", "virtio"}});
    w.close();
  }
  for (size_t i = 0; i < guest.nics.size(); ++i) {
    const auto& nic = guest.nics[i];
    const Network* net = topo.find_network(nic.network);
    w.comment(model::guest_nic_name(nic, i) + " in the guest");
    if (net && model::is_ovn(*net)) {
      // OVN: libvirt makes the tap and plugs it into the host's integration
      // bridge itself (ovs-vsctl), with external_ids:iface-id = the logical
      // port, so a real host needs no netlab agent; the tap keeps netlab's
      // name, which the hop map and the tracer know.
      w.open("interface", {{"type", "bridge"}});
      if (nic.mac) w.empty("mac", {{"address", nic.mac->str()}});
      w.empty("source", {{"bridge", model::kOvnIntegrationBridge}});
      w.open("virtualport", {{"type", "openvswitch"}});
      w.empty("parameters", {{"interfaceid", model::ovn_logical_port(topo, guest, i)}});
      w.close();
      w.empty("target", {{"dev", names.host_nic(guest, i)}});
    } else {
      // netlab makes the device (a tap on the lab's switch, or a macvtap on the
      // uplink) and owns it: libvirt only opens it.
      w.open("interface", {{"type", "ethernet"}});
      if (nic.mac) w.empty("mac", {{"address", nic.mac->str()}});
      w.empty("target", {{"dev", names.host_nic(guest, i)}, {"managed", "no"}});
    }
    w.empty("model", {{"type", nic.model}});
    if (net && net->mtu != 1500) w.empty("mtu", {{"size", std::to_string(net->mtu)}});
    w.close();
  }
  w.open("serial", {{"type", "pty"}});
  if (!runtime.console_log.empty()) w.empty("log", {{"file", runtime.console_log}, {"append", "on"}});
  w.empty("target", {{"port", "0"}});
  w.close();
  w.open("console", {{"type", "pty"}});
  w.empty("target", {{"type", "serial"}, {"port", "0"}});
  w.close();
  w.open("channel", {{"type", "unix"}});
  w.empty("target", {{"type", "virtio"}, {"name", "org.qemu.guest_agent.0"}});
  w.close();
  w.empty("memballoon", {{"model", "none"}});
  w.close();
  w.close();
  return w.str();
}

std::vector<XmlDocument> export_lab(const Topology& topo, const RuntimeOf& runtime_of) {
  std::vector<XmlDocument> docs;
  for (const auto& net : topo.networks) {
    std::string name = network_name(topo, net);
    docs.push_back({XmlDocument::Kind::network, name, name + ".network.xml", network_xml(topo, net)});
  }
  for (const auto& guest : topo.guests) {
    if (guest.kind != model::GuestKind::kvm) continue;
    std::string name = domain_name(topo, guest);
    docs.push_back({XmlDocument::Kind::domain, name, name + ".domain.xml", domain_xml(topo, guest, runtime_of(guest))});
  }
  return docs;
}

std::string join_documents(const std::vector<XmlDocument>& docs) {
  std::string out;
  for (const auto& doc : docs) {
    out += "<!-- ==== " + comment_text(doc.file_name) + " ==== -->\n";
    out += doc.text;
  }
  return out;
}

}  // namespace netlab::libvirt
