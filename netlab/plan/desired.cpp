#include "netlab/plan/desired.h"

#include <set>

#include "netlab/host/dnsmasq.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/lab_hosts.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/plan/vm.h"

namespace netlab::plan {
namespace {

using model::GuestKind;

using model::HopRole;
using namespace host::ovn_devices;
using model::forwards;
using model::gateway;

/// Builds the step list; one member function per part of the lab keeps each short.
class Builder {
 public:
  Builder(const model::Topology& topo, const Target& target)
      : topo_(topo), target_(target), host_(target.host_netns), tag_(model::link_tag(topo.name)), names_(topo) {}

  std::vector<Action> build(std::vector<std::string>* owners, const std::set<std::string>* skipped) {
    owners_ = owners;
    skipped_ = skipped;
    // About 7 steps a guest: one allocation instead of a dozen moves of a growing list.
    steps_.reserve(32 + 8 * topo_.guests.size());
    if (owners_) owners_->reserve(steps_.capacity());
    if (target_.sandbox) sandbox();
    host_settings();
    ovn_hosts();
    for (const auto& net : topo_.networks) network(net);
    firewall();
    for (const auto& net : topo_.networks) dhcp_server(net);
    for (const auto& guest : topo_.guests) as(guest, [&] { guest_links(guest); });
    for (const auto& net : topo_.networks) ovn_network(net);
    vms();
    for (const auto& guest : topo_.guests) as(guest, [&] { guest_leases(guest); });
    // Last, so that every VM boots while the light guests get their leases.
    for (const auto& guest : topo_.guests) as(guest, [&] { vm_leases(guest); });
    // After the leases: a lossy link must not cost a guest its DHCP exchange.
    for (const auto& guest : topo_.guests) as(guest, [&] { impairments(guest); });
    return std::move(steps_);
  }

 private:
  template <typename A>
  void add(A action) {
    steps_.emplace_back(std::move(action));
    if (owners_) owners_->push_back(owner_ ? owner_->name : std::string());
  }

  /// Runs `part` with the steps it adds owned by `guest`.
  template <typename F>
  void as(const model::Guest& guest, F part) {
    if (skipped_ && guest.kind == GuestKind::netns && skipped_->count(guest.name)) return;
    owner_ = &guest;
    part();
    owner_ = nullptr;
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
    // A lab across hosts: one namespace per host; the WAN hangs off the gateway host.
    // IPv6 stays off in the sandbox of an IPv4-only lab (CreateNetns::ipv6_off).
    const bool v6 = topo_.dual_stack();
    const std::string gw = gateway_netns();
    add(CreateNetns{host_, !v6});
    for (const auto& h : model::lab_hosts(topo_))
      if (const std::string ns = model::hypervisor_namespace(topo_, h.name); ns != host_) add(CreateNetns{ns, !v6});
    add(CreateNetns{wan, !v6});
    add(SetSysctl{wan, "net/ipv4/ip_forward", "1"});
    if (v6) add(SetSysctl{wan, "net/ipv6/conf/all/forwarding", "1"});
    add(CreateVeth{gw, uplink, wan, kWanDevice, 1500, std::nullopt, tag_, v6});
    if (v6) {
      // Neighbour solicitations for forwarded packets leave from the link-local
      // address: usable at once, not after a second of DAD (set before the link is up).
      add(SetSysctl{gw, "net/ipv6/conf/" + uplink + "/accept_dad", "0", /*per_device=*/true});
      add(SetSysctl{wan, std::string("net/ipv6/conf/") + kWanDevice + "/accept_dad", "0", /*per_device=*/true});
    }
    add(AddAddress{gw, uplink, kHostUplink});
    add(SetUp{gw, uplink});
    add(AddAddress{wan, kWanDevice, kWanRouter});
    add(SetUp{wan, kWanDevice});
    add(AddAddress{wan, kRemoteDevice, model::Cidr{kRemoteServer.address, 32}});
    add(AddRoute{gw, std::nullopt, kWanRouter.address, uplink});
    // Routed networks are reachable from upstream: the router knows the way back
    // (the host's uplink, or an OVN network's gateway router).
    for (size_t i = 0; i < topo_.networks.size(); ++i) {
      const auto& net = topo_.networks[i];
      if (!forwards(net.mode) || model::masquerades(net.mode) || !net.subnet) continue;
      const model::Ipv4 via = model::is_ovn(net) ? ovn_external(i).address : kHostUplink.address;
      add(AddRoute{wan, net.subnet->block(), via, kWanDevice});
    }
    if (v6) sandbox6(wan, uplink);
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

  // The sandbox's IPv6 upstream: the WAN link, the remote server, and routes
  // back to every IPv6 subnet that leaves the host routed (not nat66).
  void sandbox6(const std::string& wan, const std::string& uplink) {
    using namespace sandbox_net;
    add(AddAddress6{host_, uplink, kHostUplink6});
    add(AddAddress6{wan, kWanDevice, kWanRouter6});
    add(AddAddress6{wan, kRemoteDevice, kRemoteServer6});
    add(AddRoute6{host_, std::nullopt, kWanRouter6.address, uplink});
    for (const auto& net : topo_.networks)
      if (forwards(net.mode) && net.ipv6 && net.ipv6->subnet && !model::masquerades6(net))
        add(AddRoute6{wan, net.ipv6->subnet->block(), kHostUplink6.address, kWanDevice});
  }

  void host_settings() {
    bool any_forwarding = false, any_forwarding6 = false;
    for (const auto& net : topo_.networks) {
      any_forwarding |= forwards(net.mode);
      any_forwarding6 |= forwards(net.mode) && net.ipv6.has_value();
    }
    if (any_forwarding) add(SetSysctl{host_, "net/ipv4/ip_forward", "1"});
    if (any_forwarding6) add(SetSysctl{host_, "net/ipv6/conf/all/forwarding", "1"});
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

  std::string gateway_netns() const { return model::hypervisor_namespace(topo_, model::gateway_host(topo_).name); }

  /// OVN network i's gateway router address on the WAN (sandbox_net::kOvnWanFirst + i).
  static model::Cidr ovn_external(size_t i) {
    return model::Cidr{model::Ipv4{sandbox_net::kHostUplink.block().network().value +
                                   sandbox_net::kOvnWanFirst + static_cast<uint32_t>(i)},
                       sandbox_net::kHostUplink.prefix};
  }

  bool any_ovn_forwarding() const {
    for (const auto& n : topo_.networks)
      if (model::is_ovn(n) && forwards(n.mode)) return true;
    return false;
  }

  /// The OVN side of a lab (sandbox): the underlay <lab>-dc joining every host's
  /// br-phy (its tunnel address), each host's private OVS with br-int, the
  /// central databases and northd in the first host, an ovn-controller per host;
  /// the gateway host's uplink in br-ex, OVN's physical network "physnet".
  void ovn_hosts() {
    if (!model::uses_ovn(topo_)) return;
    const std::string dc = model::sandbox_dc_namespace(topo_.name);
    add(CreateNetns{dc});
    add(CreateBridge{dc, kDcBridge, 1500, model::link_alias(topo_.name, "underlay"),
                     model::generate_bridge_mac(topo_, "underlay"), ""});
    add(SetUp{dc, kDcBridge});
    const auto hosts = model::lab_hosts(topo_);
    const std::string gateway = model::gateway_host(topo_).name;
    const model::Ipv4 central_ip = underlay_address(0).address;
    for (size_t i = 0; i < hosts.size(); ++i) {
      const std::string ns = model::hypervisor_namespace(topo_, hosts[i].name);
      const std::string dir = host_dir(hosts[i].name);
      const std::string dc_port = "hv" + std::to_string(i);
      add(CreateVeth{dc, dc_port, ns, kUnderlayDevice, 1500, std::nullopt,
                     model::link_alias(topo_.name, "underlay host=" + hosts[i].name)});
      add(SetMaster{dc, dc_port, kDcBridge});
      add(SetUp{dc, dc_port});
      add(SetUp{ns, kUnderlayDevice});
      add(StartOvs{ns, dir});
      // Userspace tunnelling needs the tunnel address on a bridge of the same datapath.
      add(CreateOvsBridge{ns, dir, kPhysBridge});
      add(AddOvsPort{ns, dir, kPhysBridge, kUnderlayDevice, std::nullopt, ""});
      add(AddAddress{ns, kPhysBridge, underlay_address(i)});
      add(SetUp{ns, kPhysBridge});
      add(CreateOvsBridge{ns, dir, kIntegrationBridge, /*secure=*/true});
      const bool gateway_host = hosts[i].name == gateway && any_ovn_forwarding();
      if (gateway_host) {
        add(CreateOvsBridge{ns, dir, kExternalBridge});
        add(AddOvsPort{ns, dir, kExternalBridge, host_uplink(topo_, target_), std::nullopt, ""});
      }
      if (i == 0) add(StartOvnCentral{ns, central_dir(), central_ip});
      host::ChassisConfig chassis;
      chassis.system_id = hosts[i].name;
      chassis.remote = i == 0 ? "unix:" + host::ovn_central_files(central_dir()).sb_socket
                              : "tcp:" + central_ip.str() + ":" + std::to_string(host::kSbPort);
      chassis.encap_ip = underlay_address(i).address;
      if (gateway_host) chassis.bridge_mappings = std::string(kPhysnet) + ":" + kExternalBridge;
      add(StartOvnController{ns, dir, chassis});
    }
  }

  /// Host i's tunnel address: `address:` as written, else the sandbox underlay's .(i+1).
  model::Cidr underlay_address(size_t i) const {
    const auto hosts = model::lab_hosts(topo_);
    if (i < hosts.size() && hosts[i].address) return model::Cidr{*hosts[i].address, sandbox_net::kUnderlay.prefix};
    return model::Cidr{model::Ipv4{sandbox_net::kUnderlay.network().value + 1 + static_cast<uint32_t>(i)},
                       sandbox_net::kUnderlay.prefix};
  }
  std::string host_dir(const std::string& host) const { return target_.run_dir + "/" + host; }
  std::string central_dir() const { return host_dir(model::lab_hosts(topo_).front().name) + "/ovn-central"; }

  /// An OVN network as NB rows: its ports are the guests' NICs on it.
  void ovn_network(const model::Network& net) {
    if (!model::is_ovn(net) || !net.subnet) return;
    size_t index = 0;
    while (&topo_.networks[index] != &net) ++index;
    host::OvnNetworkSpec spec;
    spec.lab = topo_.name;
    spec.network = net.name;
    spec.subnet = *net.subnet;
    spec.gateway = gateway(net);
    spec.router_mac = model::generate_bridge_mac(topo_, net.name);
    spec.mtu = net.mtu;
    if (net.dhcp) {
      spec.dhcp = true;
      spec.range_start = net.dhcp->range_start;
      spec.range_end = net.dhcp->range_end;
      spec.lease_seconds = lease_seconds(net.dhcp->lease_time);
    }
    spec.router = forwards(net.mode);
    spec.snat = model::masquerades(net.mode);
    spec.gateway_chassis = model::gateway_host(topo_).name;
    spec.physnet = kPhysnet;
    spec.external = ovn_external(index);
    spec.external_gateway = sandbox_net::kWanRouter.address;
    spec.external_mac = model::generate_bridge_mac(topo_, net.name + "/outside");
    for (const auto& guest : topo_.guests)
      for (size_t i = 0; i < guest.nics.size(); ++i) {
        const model::Nic& nic = guest.nics[i];
        if (nic.network != net.name || !nic.mac) continue;
        host::OvnPortSpec port;
        port.name = model::ovn_logical_port(topo_, guest, i);
        port.mac = *nic.mac;
        port.vlan = nic.vlan;
        port.chassis = model::guest_host(topo_, guest);
        if (nic.address_kind == model::AddressKind::static_cidr && nic.address) port.ip = nic.address->address;
        port.dhcp = nic.address_kind == model::AddressKind::dhcp;
        if (net.dhcp)
          for (const auto& h : net.dhcp->hosts)
            if ((h.mac && h.mac == nic.mac) || (!h.mac && h.name == guest.name)) port.ip = h.ip;
        spec.ports.push_back(std::move(port));
      }
    add(ConfigureOvnNetwork{central_dir(), std::move(spec)});
  }

  /// dnsmasq's lease-time forms (loader.cpp) in seconds, as OVN's DHCP wants them.
  static std::string lease_seconds(const std::string& text) {
    if (text == "infinite") return "4294967295";
    const char unit = text.back();
    long long factor = 1;
    if (unit == 'm') factor = 60;
    if (unit == 'h') factor = 3600;
    if (unit == 'd') factor = 86400;
    if (unit == 'w') factor = 604800;
    const std::string digits = (unit >= '0' && unit <= '9') ? text : text.substr(0, text.size() - 1);
    return std::to_string(std::stoll(digits) * factor);
  }

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
    if (ovs(net)) add(AddOvsPort{host_, target_.run_dir, bridge, port, vlan, ""});
    else add(SetMaster{host_, port, bridge});
  }

  void network(const model::Network& net) {
    if (model::is_ovn(net)) return;  // a logical switch: written to NB once its ports exist (ovn_network)
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
    if (auto gw6 = model::gateway6(net)) {
      // Its link-local address, which dnsmasq sends router advertisements
      // from, is usable at once instead of tentative for a second.
      add(SetSysctl{host_, "net/ipv6/conf/" + bridge + "/accept_dad", "0", /*per_device=*/true});
      add(AddAddress6{host_, bridge, model::Cidr6{*gw6, net.ipv6->subnet->prefix}});
    }
    add(SetUp{host_, bridge});
  }

  void firewall() {
    host::LabRules rules;
    rules.lab = topo_.name;
    for (const auto& net : topo_.networks) {
      if (!model::traits(net.mode).netlab_subnet || !net.subnet || model::is_ovn(net)) continue;
      host::NetworkRules n{net.name, net.subnet->block(), names_.bridge(net), net.mode, host_uplink(topo_, target_),
                           {}, std::nullopt, model::masquerades6(net)};
      if (net.ipv6 && net.ipv6->subnet) n.subnet6 = net.ipv6->subnet->block();
      for (const model::PortForward& f : net.forwards) {
        const model::Guest* g = topo_.find_guest(f.guest);
        auto to = g ? model::fixed_address(net, *g) : std::nullopt;
        if (to) n.forwards.push_back({f.proto, f.port, *to, f.to_port});  // validated: always there
      }
      rules.networks.push_back(std::move(n));
    }
    if (rules.networks.empty()) return;
    std::string text = host::render_lab_replace(rules);
    const std::string body = host::render_lab_ruleset(rules);
    size_t count = 0;  // every rule carries one comment (nft_rules.h)
    for (size_t at = body.find("comment \""); at != std::string::npos; at = body.find("comment \"", at + 1)) ++count;
    const std::string table = model::nft_table_name(topo_.name);
    add(ApplyNft{host_, table, std::move(text), count, target_.run_dir + "/nft-" + table + ".rules", std::nullopt});
  }

  void dhcp_server(const model::Network& net) {
    // OVN answers DHCP itself (DHCP_Options, in ovn_network).
    if (!model::serves_dhcp(net.mode) || !net.subnet || (!net.dhcp && !net.dns) || model::is_ovn(net)) return;
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
    // Router advertisements only where guests take addresses from them (DHCPv6 or SLAAC).
    auto gw6 = model::gateway6(net);
    if (gw6 && (net.ipv6->dhcp || net.ipv6->slaac)) {
      host::Dnsmasq6Config v6;
      v6.listen_address = *gw6;
      v6.prefix = net.ipv6->subnet->prefix;
      v6.advertise_router = forwards(net.mode);
      if (net.ipv6->dhcp) {
        v6.range_start = net.ipv6->dhcp->range_start;
        v6.range_end = net.ipv6->dhcp->range_end;
        v6.lease_time = net.ipv6->dhcp->lease_time;
      }
      c.ipv6 = v6;
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
      if (model::is_ovn(*net)) {
        // A VM's tap is libvirt's: its domain XML names br-int and the logical
        // port (<virtualport type='openvswitch'>), and libvirt plugs it on the
        // host the VM runs on (also after a migration).
        if (guest.kind == GuestKind::kvm) continue;
        // A light guest's veth: a port of br-int on its host, bound to its logical port by iface-id.
        const std::string& hv = model::guest_host(topo_, guest);
        const std::string hv_ns = model::hypervisor_namespace(topo_, hv);
        add(CreateVeth{hv_ns, host_dev, ns, guest_dev, net->mtu, nic.mac, alias});
        add(AddOvsPort{hv_ns, host_dir(hv), kIntegrationBridge, host_dev, std::nullopt,
                       model::ovn_logical_port(topo_, guest, i)});
        add(SetUp{hv_ns, host_dev});
      } else if (guest.kind == GuestKind::kvm) {
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
      } else if (!model::is_ovn(*net)) {  // an OVN NIC's veth is made above, on its host
        add(CreateVeth{host_, host_dev, ns, guest_dev, net->mtu, nic.mac, alias, net->ipv6.has_value()});
        switch_port(*net, host_dev, nic.vlan);
        add(SetUp{host_, host_dev});
      }
      // Router solicitation goes out as the NIC comes up, not after a second of DAD.
      if (net->ipv6) add(SetSysctl{ns, "net/ipv6/conf/" + guest_dev + "/accept_dad", "0", /*per_device=*/true});
      // A static, DHCPv6 or no IPv6 address: the advertisements' prefix makes no SLAAC address beside it.
      if (net->ipv6 && (nic.address6 || nic.address6_none || leases6(*net)))
        add(SetSysctl{ns, "net/ipv6/conf/" + guest_dev + "/autoconf", "0", /*per_device=*/true});
      add(SetUp{ns, guest_dev});
      if (net->switch_kind != model::SwitchKind::linux_bridge) add(DisableTxChecksum{ns, guest_dev});
      static_address6(*net, nic, ns, guest_dev);
      if (nic.address_kind != model::AddressKind::static_cidr) continue;
      add(AddAddress{ns, guest_dev, *nic.address});
      auto gw = gateway(*net);
      if (!default_route_set && forwards(net->mode) && gw) {
        add(AddRoute{ns, std::nullopt, *gw, guest_dev});
        default_route_set = true;
      }
    }
  }

  /// A light guest's static `address6:`, and its IPv6 default route on a forwarding network.
  void static_address6(const model::Network& net, const model::Nic& nic, const std::string& ns,
                       const std::string& dev) {
    if (!nic.address6) return;
    add(AddAddress6{ns, dev, *nic.address6});
    auto gw6 = model::gateway6(net);
    if (forwards(net.mode) && gw6 && !default_route6_set_.count(ns)) {
      add(AddRoute6{ns, std::nullopt, *gw6, dev});
      default_route6_set_.insert(ns);
    }
  }

  /// The libvirt side of the kvm guests: the sandbox's private daemon, each
  /// guest's disk, its domain. The domains start without waiting for each other.
  /// (The loader gives every kvm guest a disk: netlab-test when the file names none.)
  void vms() {
    bool any = false;
    for (const auto& g : topo_.guests) any |= g.kind == GuestKind::kvm && g.disk.has_value();
    if (!any) return;
    // One private libvirtd per host that runs VMs, in that host's namespace.
    if (target_.sandbox)
      for (const auto& h : model::lab_hosts(topo_))
        if (host_runs_vms(h.name))
          add(StartLibvirtd{model::hypervisor_namespace(topo_, h.name), libvirtd_dir(topo_, target_, h.name),
                            model::uses_ovn(topo_) ? host::ovs_files(host_dir(h.name)).dir : ""});
    for (const auto& guest : topo_.guests) {
      if (guest.kind != GuestKind::kvm || !guest.disk) continue;
      owner_ = &guest;
      add(CreateVmDisk{guest.name, vm_disk_path(target_, guest), vm_base_image(target_, guest),
                       guest.disk->provisioning == model::Provisioning::thick});
      const libvirt::DomainRuntime runtime = domain_runtime(topo_, guest, target_);
      RunDomain run{libvirt_uri(topo_, target_, guest), libvirt::domain_name(topo_, guest), guest.name,
                    libvirt::domain_xml(topo_, guest, runtime), vm_xml_copy(target_, guest), runtime.type,
                    guest.vcpus, guest.memory_mib, {}};
      for (size_t i = 0; i < guest.nics.size(); ++i)
        if (guest.nics[i].impair && !guest.nics[i].impair->none())
          for (const auto& d : nic_netem_devices(topo_, target_, names_, guest, i)) run.netem.push_back({d, *guest.nics[i].impair});
      add(std::move(run));
      owner_ = nullptr;
    }
  }

  bool host_runs_vms(const std::string& host) const {
    for (const auto& g : topo_.guests)
      if (g.kind == GuestKind::kvm && g.disk && model::guest_host(topo_, g) == host) return true;
    return false;
  }

  /// A VM's DHCP NIC on a network served by netlab's dnsmasq, or by OVN (which
  /// keeps no lease file: the address is read inside the VM through its guest
  /// agent): `up` returns once it holds its lease.
  void vm_leases(const model::Guest& guest) {
    if (guest.kind != GuestKind::kvm || !guest.disk) return;
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const model::Nic& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      if (nic.address_kind != model::AddressKind::dhcp || !nic.mac || !net || net->mode == model::NetworkMode::bridge ||
          !net->dhcp || !gateway(*net))
        continue;
      AwaitVmLease await{guest.name, model::guest_nic_name(nic, i),
                         host::dnsmasq_files(target_.run_dir, net->name).leases, *nic.mac, net->subnet->prefix};
      if (model::is_ovn(*net)) {
        await.lease_file.clear();
        await.uri = libvirt_uri(topo_, target_, guest);
        await.domain = libvirt::domain_name(topo_, guest);
      }
      add(std::move(await));
    }
  }

  /// Every NIC's netem, also the NICs without `impair:` (none: a live change is drift).
  void impairments(const model::Guest& guest) {
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      auto devices = nic_netem_devices(topo_, target_, names_, guest, i);
      if (devices.empty()) continue;
      add(SetNetem{guest.name, model::guest_nic_name(guest.nics[i], i), std::move(devices),
                   guest.nics[i].impair.value_or(model::Impairment{})});
    }
  }

  void guest_leases(const model::Guest& guest) {
    if (guest.kind != GuestKind::netns) return;
    for (size_t i = 0; i < guest.nics.size(); ++i)
      if (guest.nics[i].address_kind == model::AddressKind::dhcp) {
        const model::Network* net = topo_.find_network(guest.nics[i].network);
        std::optional<model::Cidr> subnet;
        if (net && model::serves_dhcp(net->mode) && net->subnet) subnet = net->subnet->block();
        add(ObtainLease{model::guest_namespace(topo_, guest), model::guest_nic_name(guest.nics[i], i), guest.name,
                        target_.run_dir, subnet, {}});
      }
    // IPv6: a DHCPv6 lease from the network's dnsmasq, through a client left
    // running; or the address the kernel makes from its router advertisements
    // (SLAAC). `up` returns once it is there.
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const model::Nic& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      if (!net || !net->ipv6 || !net->ipv6->subnet || nic.address6 || nic.address6_none) continue;
      const std::string ns = model::guest_namespace(topo_, guest);
      const std::string dev = model::guest_nic_name(nic, i);
      if (leases6(*net))
        add(ObtainLease6{ns, dev, guest.name, target_.run_dir, net->ipv6->dhcp->range_start, net->ipv6->dhcp->range_end,
                         net->ipv6->subnet->prefix, forwards(net->mode)});
      else if (net->ipv6->dhcp || net->ipv6->slaac)
        add(AwaitAddress6{ns, dev, guest.name, net->ipv6->subnet->block(), forwards(net->mode)});
    }
  }

  /// True when light guests on `net` take their IPv6 address by DHCPv6: its
  /// `ipv6:` has a range and netlab's dnsmasq serves it.
  static bool leases6(const model::Network& net) {
    return net.ipv6 && net.ipv6->dhcp && net.ipv6->subnet && model::serves_dhcp(net.mode) && !model::is_ovn(net);
  }

  const model::Topology& topo_;
  const Target& target_;
  const std::string host_;
  const std::string tag_;
  const model::DeviceNames names_;
  std::vector<Action> steps_;
  std::vector<std::string>* owners_ = nullptr;
  const std::set<std::string>* skipped_ = nullptr;
  const model::Guest* owner_ = nullptr;  // the guest whose steps are being added; nullptr = the lab's own
  bool ovs_started_ = false;
  std::set<std::string> default_route6_set_;  // guest namespaces given an IPv6 default route
};

/// An OVN NIC's path: its veth and br-int on the guest's host; for nat and route
/// networks the router's point and the uplink on the gateway host, then upstream.
/// In a lab across hosts a NIC off the gateway host reaches the router through
/// the tunnel: its host's underlay device (tunnel-out), the gateway host's
/// (tunnel-in) and br-int there; a NIC of an isolated network lists its own
/// host's tunnel-out, where packets to its peers on other hosts leave (the
/// tracer joins every host's tunnel hops: the underlay links them all).
model::NicPath ovn_nic_path(const model::Topology& topo, const model::Guest& guest, size_t index, model::NicPath path,
                            const model::DeviceNames& names, const Target& target) {
  const model::Network& net = *topo.find_network(guest.nics[index].network);
  path.ovn_port = model::ovn_logical_port(topo, guest, index);
  if (model::forwards(net.mode)) path.ovn_gateway = model::gateway_host(topo).name;
  const std::string own_host = model::guest_host(topo, guest);
  const std::string hv = model::hypervisor_namespace(topo, own_host);
  const std::string gw = model::hypervisor_namespace(topo, model::gateway_host(topo).name);
  const bool across_hosts = model::lab_hosts(topo).size() > 1;
  for (HopRole role : model::nic_path_roles(net, guest.kind, target.sandbox)) {
    switch (role) {
      case HopRole::guest_nic: path.hops.push_back({role, model::guest_namespace(topo, guest), path.nic}); break;
      case HopRole::veth:
      case HopRole::tap:
        path.hops.push_back({role, hv, names.host_nic(guest, index), model::friendly_nic(guest.name, path.nic)});
        break;
      case HopRole::ovs:
        path.hops.push_back({role, hv, kIntegrationBridge, model::friendly_bridge(net.name)});
        if (across_hosts && (hv != gw || !model::forwards(net.mode)))
          path.hops.push_back({HopRole::tunnel_out, hv, kUnderlayDevice, "underlay of " + own_host});
        if (across_hosts && hv != gw && model::forwards(net.mode)) {
          path.hops.push_back({HopRole::tunnel_in, gw, kUnderlayDevice, "underlay of " + model::gateway_host(topo).name});
          path.hops.push_back({HopRole::ovs, gw, kIntegrationBridge, model::friendly_bridge(net.name)});
        }
        break;
      case HopRole::nat:
      case HopRole::route: path.hops.push_back({role, gw, ""}); break;
      case HopRole::uplink: path.hops.push_back({role, gw, host_uplink(topo, target)}); break;
      case HopRole::upstream:
        path.hops.push_back({role, model::sandbox_wan_namespace(topo.name), sandbox_net::kWanDevice});
        break;
      default: break;
    }
  }
  return path;
}

}  // namespace

std::string host_uplink(const model::Topology& topology, const Target& target) {
  if (!topology.host.uplink.empty()) return topology.host.uplink;
  if (const std::string gw = model::gateway_host(topology).uplink; !gw.empty()) return gw;
  return target.sandbox ? sandbox_net::kDefaultUplink : target.uplink;
}

std::vector<NetemDevice> nic_netem_devices(const model::Topology& topology, const Target& target,
                                           const model::DeviceNames& names, const model::Guest& guest, size_t index) {
  const model::Nic& nic = guest.nics[index];
  const model::Network* net = topology.find_network(nic.network);
  if (!net) return {};
  std::vector<NetemDevice> out;
  const bool macvtap = model::uses_macvtap(*net);
  // The host side: a veth peer or a tap. A light guest's macvlan has none (its
  // lower device is the uplink, shared by everyone), nor has a VM's macvtap.
  if (!macvtap) out.push_back({target.host_netns, names.host_nic(guest, index)});
  // The guest side: a light guest's NIC in its namespace; a VM's is inside the VM.
  if (guest.kind == GuestKind::netns)
    out.push_back({model::guest_namespace(topology, guest), model::guest_nic_name(nic, index)});
  return out;
}

std::vector<Action> desired_actions(const model::Topology& topology, const Target& target,
                                    std::vector<std::string>* owners, const std::set<std::string>* skipped) {
  if (owners) owners->clear();
  return Builder(topology, target).build(owners, skipped);
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
      if (nic.address6) path.address6 = nic.address6->str();
      if (nic.vlan && net->switch_kind == model::SwitchKind::ovs) path.vlan = *nic.vlan;
      // The roles come from the mode (mode_traits.h); where each device lives is the engine's naming.
      // Derived devices carry their friendly name (names.h) beside the kernel name.
      const std::string friendly_nic = model::friendly_nic(guest.name, path.nic);
      if (model::is_ovn(*net)) {
        map.nics.push_back(ovn_nic_path(topo, guest, i, std::move(path), names, target));
        continue;
      }
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
          case HopRole::unknown:
          case HopRole::tunnel_out:
          case HopRole::tunnel_in: break;
        }
      }
      map.nics.push_back(std::move(path));
    }
  }
  return map;
}

}  // namespace netlab::plan
