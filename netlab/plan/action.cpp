#include "netlab/plan/action.h"

#include "netlab/host/dhcp6_client.h"

namespace netlab::plan {
namespace {

std::string where(const std::string& netns) { return netns.empty() ? "the host" : netns; }

struct Describe {
  std::string operator()(const CreateNetns& a) { return "create namespace " + a.name; }
  std::string operator()(const SetSysctl& a) { return "set " + a.key + "=" + a.value + " in " + where(a.netns); }
  std::string operator()(const CreateBridge& a) {
    return "create bridge " + a.name + " in " + where(a.netns) + " (mtu " + std::to_string(a.mtu) +
           (a.mac ? ", mac " + a.mac->str() : "") + (a.mac_of.empty() ? "" : ", the mac of " + a.mac_of) + ")";
  }
  std::string operator()(const CreateVeth& a) {
    return "create veth " + a.name + " in " + where(a.netns) + " <-> " + a.peer_name + " in " + where(a.peer_netns) +
           (a.peer_mac ? " (" + a.peer_mac->str() + ")" : "");
  }
  std::string operator()(const CreateTap& a) { return "create tap " + a.name + " in " + where(a.netns); }
  std::string operator()(const CreateMacvlan& a) {
    return "create macvlan " + a.name + " in " + where(a.target_netns) + " on " + a.lower + " of " + where(a.netns);
  }
  std::string operator()(const CreateMacvtap& a) {
    return "create macvtap " + a.name + " on " + a.lower + " in " + where(a.netns) + (a.mac ? " (" + a.mac->str() + ")" : "");
  }
  std::string operator()(const SetMaster& a) {
    return "attach " + a.name + " to bridge " + a.master + " in " + where(a.netns) +
           (a.uplink ? " (its addresses and routes move to the bridge)" : "");
  }
  std::string operator()(const SetUp& a) { return "bring up " + a.name + " in " + where(a.netns); }
  std::string operator()(const AddAddress& a) {
    return "add address " + a.address.str() + " to " + a.device + " in " + where(a.netns);
  }
  std::string operator()(const AddRoute& a) {
    return "add route " + (a.destination ? a.destination->str() : std::string("default")) + " via " +
           a.gateway.str() + " dev " + a.device + " in " + where(a.netns);
  }
  std::string operator()(const AddAddress6& a) {
    return "add address " + a.address.str() + " to " + a.device + " in " + where(a.netns);
  }
  std::string operator()(const AddRoute6& a) {
    return "add route " + (a.destination ? a.destination->str() : std::string("default")) + " via " +
           a.gateway.str() + " dev " + a.device + " in " + where(a.netns);
  }
  std::string operator()(const AwaitAddress6& a) {
    return "wait for " + a.guest + " " + a.device + " to take its SLAAC address in " + a.subnet.str() +
           (a.await_router ? " and its default route" : "");
  }
  std::string operator()(const ApplyNft& a) {
    if (a.replaces)
      return "change nftables table inet " + a.table + " in " + where(a.netns) + " from " +
             std::to_string(*a.replaces) + " rules to " + std::to_string(a.rule_count) + " rules (new ruleset)";
    return "load nftables table inet " + a.table + " in " + where(a.netns) + " (" + std::to_string(a.rule_count) +
           " rules)";
  }
  std::string operator()(const StartDnsmasq& a) {
    std::string what = a.config.range_start ? "DHCP " + a.config.range_start->str() + "-" + a.config.range_end->str()
                                            : std::string("DNS only");
    if (const auto& v6 = a.config.ipv6)
      what += v6->range_start ? ", DHCPv6 " + v6->range_start->str() + "-" + v6->range_end->str() + " and RA"
                              : std::string(", RA for SLAAC");
    std::string released;
    for (const auto& ip : a.release) released += (released.empty() ? "" : ", ") + ip.str();
    if (a.restart_from && a.restart_from->empty())
      return "release the DHCP lease" + std::string(a.release.size() > 1 ? "s of " : " of ") + released +
             " in dnsmasq for " + a.config.network + " in " + where(a.netns) + " (restart)";
    if (a.restart_from)
      return "change dnsmasq for " + a.config.network + " in " + where(a.netns) + " from " + *a.restart_from +
             " to " + what + (released.empty() ? "" : ", releasing " + released) + " (restart)";
    return "start dnsmasq for " + a.config.network + " on " + a.config.bridge + " in " + where(a.netns) + " (" +
           what + ")";
  }
  std::string operator()(const StartOvs& a) {
    return "start ovsdb-server and ovs-vswitchd (userspace datapath) in " + where(a.netns);
  }
  std::string operator()(const CreateOvsBridge& a) {
    return "create OVS bridge " + a.name + " in " + where(a.netns) + " (datapath netdev)";
  }
  std::string operator()(const AddOvsPort& a) {
    auto vlan = [](std::optional<int> t) { return t ? "VLAN " + std::to_string(*t) : std::string("untagged"); };
    if (a.retag_from)
      return "change " + a.port + " on OVS bridge " + a.bridge + " from " + vlan(*a.retag_from) + " to " + vlan(a.tag);
    return "add " + a.port + " to OVS bridge " + a.bridge + (a.tag ? " as access port of VLAN " + std::to_string(*a.tag) : "") +
           (a.iface_id.empty() ? "" : " bound to OVN logical port " + a.iface_id);
  }
  std::string operator()(const StartOvnCentral& a) {
    return "start OVN's NB and SB databases and ovn-northd in " + where(a.netns) + " (SB on " + a.listen.str() + ":" +
           std::to_string(host::kSbPort) + ")";
  }
  std::string operator()(const StartOvnController& a) {
    return "start ovn-controller of chassis " + a.chassis.system_id + " in " + where(a.netns) + " (Geneve from " +
           a.chassis.encap_ip.str() + ")";
  }
  std::string operator()(const ConfigureOvnNetwork& a) {
    const auto& s = a.spec;
    std::string what = "logical switch " + s.network + " (" + std::to_string(s.ports.size()) + " ports";
    if (s.dhcp) what += ", OVN DHCP";
    what += ")";
    if (s.router)
      what += ", router " + host::ovn_router_name(s.network) + (s.snat ? " with SNAT to " : " to ") +
              s.external.address.str() + " on gateway chassis " + s.gateway_chassis;
    return "write OVN network " + what + " in one NB transaction";
  }
  std::string operator()(const DisableTxChecksum& a) {
    return "turn TX checksum offload off on " + a.device + " in " + where(a.netns);
  }
  std::string operator()(const ObtainLease& a) {
    if (!a.stale.empty())
      return "change the DHCP lease of " + a.guest + " on " + a.device + " from " + a.stale.front().str() +
             " to a new one in " + (a.subnet ? a.subnet->str() : std::string("its network")) + " (udhcpc in " +
             a.netns + ")";
    return "obtain a DHCP lease for " + a.guest + " on " + a.device + " (udhcpc in " + a.netns + ")";
  }
  std::string operator()(const ObtainLease6& a) {
    return "obtain a DHCPv6 lease in " + a.range_start.str() + "-" + a.range_end.str() + " for " + a.guest + " on " +
           a.device + " (dhclient -6 in " + a.netns + ", left running)" +
           (a.await_router ? ", and wait for its default route" : "");
  }
  std::string operator()(const ChangeAddress& a) {
    std::string from;
    for (const auto& c : a.from) from += (from.empty() ? "" : ", ") + c.str();
    return "change address of " + a.device + " in " + where(a.netns) + " from " + from + " to " + a.to.str();
  }
  std::string operator()(const RemoveObject& a) {
    const std::string what = a.label.empty() ? state::describe(a.object) : a.label;
    if (a.object.kind == state::ObjectKind::sysctl)
      return "restore " + a.object.name + "=" + a.object.detail + " in " + where(a.object.netns) +
             " (no network needs it any more)";
    return "remove " + what;
  }
  std::string operator()(const StartLibvirtd& a) {
    return "start the lab's private libvirtd in " + where(a.netns);
  }
  std::string operator()(const CreateVmDisk& a) {
    return "create the " + std::string(a.thick ? "thick (raw copy)" : "thin (qcow2 overlay)") + " disk of " + a.guest +
           " on " + a.base.disk;
  }
  std::string operator()(const RunDomain& a) {
    const std::string size = std::to_string(a.vcpus) + " vcpu, " + std::to_string(a.memory_mib) + " MiB";
    if (a.redefine_from && *a.redefine_from == size)
      return "redefine and restart domain " + a.name + " (its definition changed)";
    if (a.redefine_from)
      return "change domain " + a.name + " from " + *a.redefine_from + " to " + size + " (redefine and restart)";
    return "define and start domain " + a.name + " (" + (a.type == "kvm" ? "KVM" : "TCG") + ", " +
           std::to_string(a.vcpus) + " vcpu, " + std::to_string(a.memory_mib) + " MiB)";
  }
  std::string operator()(const AwaitVmLease& a) {
    return "wait for " + a.guest + " " + a.nic + " (" + a.mac.str() + ") to get its DHCP lease";
  }
  std::string operator()(const SetNetem& a) {
    std::string devices;
    for (const auto& d : a.devices) devices += (devices.empty() ? "" : ", ") + where(d.netns) + "/" + d.device;
    if (a.impairment.none()) return "remove netem from " + a.guest + ":" + a.nic + " (" + devices + ")";
    return "set netem " + model::describe(a.impairment) + " on " + a.guest + ":" + a.nic + " (" + devices + ")";
  }
};

struct Owned {
  using O = std::optional<state::OwnedObject>;
  using K = state::ObjectKind;
  O operator()(const CreateNetns& a) { return state::OwnedObject{K::netns, "", a.name, ""}; }
  O operator()(const SetSysctl& a) { return state::OwnedObject{K::sysctl, a.netns, a.key, ""}; }
  O operator()(const CreateBridge& a) { return state::OwnedObject{K::link, a.netns, a.name, "bridge"}; }
  O operator()(const CreateVeth& a) { return state::OwnedObject{K::link, a.netns, a.name, "veth"}; }
  O operator()(const CreateTap& a) { return state::OwnedObject{K::link, a.netns, a.name, "tun"}; }
  O operator()(const CreateMacvtap& a) { return state::OwnedObject{K::link, a.netns, a.name, "macvtap"}; }
  O operator()(const ApplyNft& a) { return state::OwnedObject{K::nft_table, a.netns, "inet " + a.table, ""}; }
  O operator()(const StartDnsmasq& a) {
    const host::DnsmasqFiles files = host::dnsmasq_files(a.config.run_dir, a.config.network);
    return state::OwnedObject{K::process, a.netns, files.pid, files.conf};
  }
  O operator()(const ObtainLease6& a) {
    const host::Dhcp6ClientFiles files = host::dhcp6_client_files(a.run_dir, a.netns, a.device);
    return state::OwnedObject{K::process, a.netns, files.pid, files.leases};
  }
  O operator()(const StartOvs& a) { return state::OwnedObject{K::ovs, a.netns, a.run_dir, ""}; }
  O operator()(const SetMaster& a) {
    if (!a.uplink) return std::nullopt;
    return state::OwnedObject{K::uplink, a.netns, a.name, ""};
  }
  O operator()(const StartLibvirtd& a) { return state::OwnedObject{K::libvirtd, a.netns, a.run_dir, ""}; }
  O operator()(const CreateVmDisk& a) { return state::OwnedObject{K::file, "", a.path, "disk of " + a.guest}; }
  O operator()(const RunDomain& a) { return state::OwnedObject{K::domain, "", a.name, a.uri}; }
  O operator()(const StartOvnCentral& a) { return state::OwnedObject{K::ovn, a.netns, a.dir, "central"}; }
  O operator()(const StartOvnController& a) { return state::OwnedObject{K::ovn, a.netns, a.host_dir, "controller"}; }
  template <typename A>
  O operator()(const A&) {
    return std::nullopt;
  }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describe{}, action); }

std::string describe_drift(const Action& action) {
  auto* removal = std::get_if<RemoveObject>(&action);
  if (!removal || removal->object.kind == state::ObjectKind::sysctl) return describe(action);
  const std::string what = removal->label.empty() ? state::describe(removal->object) : removal->label;
  const bool runs = removal->object.kind == state::ObjectKind::netns || removal->object.kind == state::ObjectKind::process ||
                    removal->object.kind == state::ObjectKind::ovs || removal->object.kind == state::ObjectKind::libvirtd ||
                    removal->object.kind == state::ObjectKind::domain;
  return what + (runs ? " is running but not in the file" : " exists but is not in the file");
}

std::optional<state::OwnedObject> owned_object(const Action& action) { return std::visit(Owned{}, action); }

}  // namespace netlab::plan
