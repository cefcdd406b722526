#include "netlab/plan/desired.h"

#include "netlab/host/dnsmasq.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/plan/vm.h"

namespace netlab::plan {
namespace {

using model::GuestKind;

using model::HopRole;
using model::forwards;
using model::gateway;

/// Builds the step list; one member function per part of the lab keeps each short.
class Builder {
 public:
  Builder(const model::Topology& topo, const Target& target)
      : topo_(topo), target_(target), host_(target.host_netns), tag_(model::link_tag(topo.name)), names_(topo) {}

  std::vector<Action> build() {
    if (target_.sandbox) sandbox();
    host_settings();
    for (const auto& net : topo_.networks) network(net);
    firewall();
    for (const auto& net : topo_.networks) dhcp_server(net);
    for (const auto& guest : topo_.guests) guest_links(guest);
    vms();
    for (const auto& guest : topo_.guests) guest_leases(guest);
    // Last, so that every VM boots while the light guests get their leases.
    for (const auto& guest : topo_.guests) vm_leases(guest);
    return std::move(steps_);
  }

 private:
  template <typename A>
  void add(A action) {
    steps_.emplace_back(std::move(action));
  }

  bool has_bridge_mode() const {
    for (const auto& n : topo_.networks)
      if (model::traits(n.mode).on_lan) return true;
    return false;
  }

  // The sandbox: <lab>-wan (upstream router + remote server) behind the host's
  // uplink, and <lab>-lan (office LAN with its own DHCP) behind bridge-mode uplinks.
  void sandbox() {
    using namespace sandbox_net;
    const std::string wan = model::sandbox_wan_namespace(topo_.name);
    const std::string uplink = host_uplink(topo_, target_);
    add(CreateNetns{host_});
    add(CreateNetns{wan});
    add(SetSysctl{wan, "net/ipv4/ip_forward", "1"});
    add(CreateVeth{host_, uplink, wan, kWanDevice, 1500, std::nullopt, tag_});
    add(AddAddress{host_, uplink, kHostUplink});
    add(SetUp{host_, uplink});
    add(AddAddress{wan, kWanDevice, kWanRouter});
    add(SetUp{wan, kWanDevice});
    add(AddAddress{wan, kRemoteDevice, model::Cidr{kRemoteServer.address, 32}});
    add(AddRoute{host_, std::nullopt, kWanRouter.address, uplink});
    // Routed networks are reachable from upstream: the router knows the way back.
    for (const auto& net : topo_.networks)
      if (forwards(net.mode) && !model::masquerades(net.mode) && net.subnet)
        add(AddRoute{wan, net.subnet->block(), kHostUplink.address, kWanDevice});
    if (!has_bridge_mode()) return;
    const std::string lan = model::sandbox_lan_namespace(topo_.name);
    add(CreateNetns{lan});
    for (const auto& net : topo_.networks) {
      if (!model::traits(net.mode).on_lan) continue;
      add(CreateVeth{host_, net.uplink, lan, kLanDevice, net.mtu, std::nullopt, tag_});
      add(SetUp{host_, net.uplink});
      break;  // the sandbox LAN has one port; validate() ties bridge networks to one uplink there
    }
    add(AddAddress{lan, kLanDevice, kLanRouter});
    add(SetUp{lan, kLanDevice});
    host::DnsmasqConfig office;
    office.lab = topo_.name;
    office.network = kLanNetwork;
    office.bridge = kLanDevice;
    office.listen_address = kLanRouter.address;
    office.prefix = kLanRouter.prefix;
    office.range_start = kLanRangeStart;
    office.range_end = kLanRangeEnd;
    office.run_dir = target_.run_dir;
    add(StartDnsmasq{lan, office});
  }

  void host_settings() {
    bool any_forwarding = false;
    for (const auto& net : topo_.networks) any_forwarding |= forwards(net.mode);
    if (any_forwarding) add(SetSysctl{host_, "net/ipv4/ip_forward", "1"});
    // br_netfilter is on in every new namespace: bridged frames would cross the
    // forward chain. The sandbox host turns it off explicitly, as a KVM host
    // without Docker has it; on a real host netlab leaves the setting alone.
    if (target_.sandbox) {
      add(SetSysctl{host_, "net/bridge/bridge-nf-call-iptables", "0"});
      add(SetSysctl{host_, "net/bridge/bridge-nf-call-ip6tables", "0"});
      add(SetSysctl{host_, "net/bridge/bridge-nf-call-arptables", "0"});
    }
  }

  bool ovs(const model::Network& net) const { return net.switch_kind == model::SwitchKind::ovs; }

  /// A Linux bridge, or an OVS bridge (starting the lab's OVS daemons first).
  void switch_device(const model::Network& net, const std::string& bridge) {
    if (!ovs(net)) {
      const std::string alias = model::link_alias(topo_.name, model::bridge_alias_part(net.name));
      if (model::traits(net.mode).on_lan) add(CreateBridge{host_, bridge, net.mtu, alias, std::nullopt, net.uplink});
      else add(CreateBridge{host_, bridge, net.mtu, alias, model::generate_bridge_mac(topo_, net.name), ""});
      return;
    }
    if (!ovs_started_) add(StartOvs{host_, target_.run_dir});
    ovs_started_ = true;
    add(CreateOvsBridge{host_, target_.run_dir, bridge});
  }

  /// Plugs `port` into the network's switch (a Linux bridge port, or an OVS port with its VLAN).
  void switch_port(const model::Network& net, const std::string& port, std::optional<int> vlan) {
    const std::string& bridge = names_.bridge(net);
    if (ovs(net)) add(AddOvsPort{host_, target_.run_dir, bridge, port, vlan});
    else add(SetMaster{host_, port, bridge});
  }

  void network(const model::Network& net) {
    const std::string& bridge = names_.bridge(net);
    if (model::traits(net.mode).on_lan) {
      if (model::uses_macvtap(net)) return;  // guests sit directly on the uplink
      switch_device(net, bridge);
      if (ovs(net)) switch_port(net, net.uplink, std::nullopt);
      else add(SetMaster{host_, net.uplink, bridge, /*uplink=*/true});
      add(SetUp{host_, bridge});
      return;
    }
    switch_device(net, bridge);
    if (auto gw = gateway(net)) add(AddAddress{host_, bridge, model::Cidr{*gw, net.subnet->prefix}});
    add(SetUp{host_, bridge});
  }

  void firewall() {
    host::LabRules rules;
    rules.lab = topo_.name;
    for (const auto& net : topo_.networks) {
      if (!model::traits(net.mode).netlab_subnet || !net.subnet) continue;
      rules.networks.push_back({net.name, net.subnet->block(), names_.bridge(net), net.mode,
                                host_uplink(topo_, target_)});
    }
    if (rules.networks.empty()) return;
    std::string text = host::render_lab_replace(rules);
    const std::string body = host::render_lab_ruleset(rules);
    size_t count = 0;  // every rule carries one comment (nft_rules.h)
    for (size_t at = body.find("comment \""); at != std::string::npos; at = body.find("comment \"", at + 1)) ++count;
    add(ApplyNft{host_, model::nft_table_name(topo_.name), std::move(text), count});
  }

  void dhcp_server(const model::Network& net) {
    if (!model::serves_dhcp(net.mode) || !net.subnet || (!net.dhcp && !net.dns)) return;
    auto gw = gateway(net);
    if (!gw) return;
    host::DnsmasqConfig c;
    c.lab = topo_.name;
    c.network = net.name;
    c.bridge = names_.bridge(net);
    c.listen_address = *gw;
    c.prefix = net.subnet->prefix;
    c.dns = net.dns;
    if (net.mtu != 1500) c.mtu = net.mtu;
    c.advertise_router = forwards(net.mode);  // DHCP option 26 only when it differs from Ethernet
    c.run_dir = target_.run_dir;
    if (net.dhcp) {
      c.range_start = net.dhcp->range_start;
      c.range_end = net.dhcp->range_end;
      c.lease_time = net.dhcp->lease_time;
      for (const auto& h : net.dhcp->hosts)
        if (h.mac) c.hosts.push_back({*h.mac, h.ip, h.name});
    }
    add(StartDnsmasq{host_, std::move(c)});
  }

  void guest_links(const model::Guest& guest) {
    const std::string ns = model::guest_namespace(topo_, guest);
    if (guest.kind == GuestKind::netns) add(CreateNetns{ns, /*ipv6_off=*/false});
    bool default_route_set = false;
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const model::Nic& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      const std::string& host_dev = names_.host_nic(guest, i);
      const std::string guest_dev = model::guest_nic_name(nic, i);
      // The alias names the lab, guest and NIC: a hashed host_dev stays readable in `ip link`.
      const std::string alias = model::link_alias(topo_.name, model::nic_alias_part(guest.name, guest_dev));
      const bool macvlan = model::uses_macvtap(*net);
      if (guest.kind == GuestKind::kvm) {
        // The VM's NIC is a tap on the bridge, or a macvtap on the uplink; the VM itself is libvirt's business.
        if (macvlan) {
          add(CreateMacvtap{host_, host_dev, net->uplink, net->mtu, nic.mac, alias});
          add(SetUp{host_, host_dev});
          continue;
        }
        add(CreateTap{host_, host_dev, net->mtu, alias});
        switch_port(*net, host_dev, nic.vlan);
        add(SetUp{host_, host_dev});
        continue;
      }
      if (macvlan) {
        add(CreateMacvlan{host_, net->uplink, ns, guest_dev, net->mtu, nic.mac, alias});
      } else {
        add(CreateVeth{host_, host_dev, ns, guest_dev, net->mtu, nic.mac, alias});
        switch_port(*net, host_dev, nic.vlan);
        add(SetUp{host_, host_dev});
      }
      add(SetUp{ns, guest_dev});
      if (ovs(*net)) add(DisableTxChecksum{ns, guest_dev});
      if (nic.address_kind != model::AddressKind::static_cidr) continue;
      add(AddAddress{ns, guest_dev, *nic.address});
      auto gw = gateway(*net);
      if (!default_route_set && forwards(net->mode) && gw) {
        add(AddRoute{ns, std::nullopt, *gw, guest_dev});
        default_route_set = true;
      }
    }
  }

  /// The libvirt side of the kvm guests: the sandbox's private daemon, each
  /// guest's disk, its domain. The domains start without waiting for each other.
  /// (The loader gives every kvm guest a disk: netlab-test when the file names none.)
  void vms() {
    bool any = false;
    for (const auto& g : topo_.guests) any |= g.kind == GuestKind::kvm && g.disk.has_value();
    if (!any) return;
    if (target_.sandbox) add(StartLibvirtd{host_, target_.run_dir});
    for (const auto& guest : topo_.guests) {
      if (guest.kind != GuestKind::kvm || !guest.disk) continue;
      add(CreateVmDisk{guest.name, vm_disk_path(target_, guest), vm_base_image(target_, guest),
                       guest.disk->provisioning == model::Provisioning::thick});
      const libvirt::DomainRuntime runtime = domain_runtime(topo_, guest, target_);
      add(RunDomain{libvirt_uri(topo_, target_), libvirt::domain_name(topo_, guest), guest.name,
                    libvirt::domain_xml(topo_, guest, runtime), vm_xml_copy(target_, guest), runtime.type,
                    guest.vcpus, guest.memory_mib});
    }
  }

  /// A VM's DHCP NIC on a network served by netlab's dnsmasq: `up` returns once it holds its lease.
  void vm_leases(const model::Guest& guest) {
    if (guest.kind != GuestKind::kvm || !guest.disk) return;
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const model::Nic& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      if (nic.address_kind != model::AddressKind::dhcp || !nic.mac || !net || net->mode == model::NetworkMode::bridge ||
          !net->dhcp || !gateway(*net))
        continue;
      add(AwaitVmLease{guest.name, model::guest_nic_name(nic, i),
                       host::dnsmasq_files(target_.run_dir, net->name).leases, *nic.mac, net->subnet->prefix});
    }
  }

  void guest_leases(const model::Guest& guest) {
    if (guest.kind != GuestKind::netns) return;
    for (size_t i = 0; i < guest.nics.size(); ++i)
      if (guest.nics[i].address_kind == model::AddressKind::dhcp)
        add(ObtainLease{model::guest_namespace(topo_, guest), model::guest_nic_name(guest.nics[i], i), guest.name,
                        target_.run_dir});
  }

  const model::Topology& topo_;
  const Target& target_;
  const std::string host_;
  const std::string tag_;
  const model::DeviceNames names_;
  std::vector<Action> steps_;
  bool ovs_started_ = false;
};

}  // namespace

std::string host_uplink(const model::Topology& topology, const Target& target) {
  if (!topology.host.uplink.empty()) return topology.host.uplink;
  return target.sandbox ? sandbox_net::kDefaultUplink : target.uplink;
}

std::vector<Action> desired_actions(const model::Topology& topology, const Target& target) {
  return Builder(topology, target).build();
}

model::HopMap hop_map(const model::Topology& topo, const Target& target) {
  model::HopMap map;
  map.lab = topo.name;
  const std::string& host = target.host_netns;
  const std::string uplink = host_uplink(topo, target);
  const model::DeviceNames names(topo);
  for (const auto& guest : topo.guests) {
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const model::Nic& nic = guest.nics[i];
      const model::Network* net = topo.find_network(nic.network);
      if (!net) continue;
      model::NicPath path;
      path.guest = guest.name;
      path.nic = model::guest_nic_name(nic, i);
      path.network = net->name;
      path.mode = net->mode;
      path.mac = nic.mac ? nic.mac->str() : "";
      path.address = nic.address ? nic.address->str() : "";
      // The roles come from the mode (mode_traits.h); where each device lives is the engine's naming.
      // Derived devices carry their friendly name (names.h) beside the kernel name.
      const std::string friendly_nic = model::friendly_nic(guest.name, path.nic);
      for (HopRole role : model::nic_path_roles(*net, guest.kind, target.sandbox)) {
        switch (role) {
          case HopRole::guest_nic: path.hops.push_back({role, model::guest_namespace(topo, guest), path.nic}); break;
          case HopRole::macvtap:  // a VM's own macvtap; a light guest's macvlan hangs off the uplink itself
            if (guest.kind == GuestKind::kvm) path.hops.push_back({role, host, names.host_nic(guest, i), friendly_nic});
            else path.hops.push_back({role, host, net->uplink});
            break;
          case HopRole::veth:
          case HopRole::tap: path.hops.push_back({role, host, names.host_nic(guest, i), friendly_nic}); break;
          case HopRole::bridge:
          case HopRole::ovs:
            path.hops.push_back({role, host, names.bridge(*net), model::friendly_bridge(net->name)});
            break;
          case HopRole::nat:
          case HopRole::route: path.hops.push_back({role, host, ""}); break;
          case HopRole::uplink: path.hops.push_back({role, host, model::forwards(net->mode) ? uplink : net->uplink}); break;
          case HopRole::upstream:
            if (model::forwards(net->mode))
              path.hops.push_back({role, model::sandbox_wan_namespace(topo.name), sandbox_net::kWanDevice});
            else
              path.hops.push_back({role, model::sandbox_lan_namespace(topo.name), sandbox_net::kLanDevice});
            break;
          case HopRole::unknown: break;
        }
      }
      map.nics.push_back(std::move(path));
    }
  }
  return map;
}

}  // namespace netlab::plan
