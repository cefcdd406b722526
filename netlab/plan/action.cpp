#include "netlab/plan/action.h"

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
  std::string operator()(const ApplyNft& a) {
    return "load nftables table inet " + a.table + " in " + where(a.netns) + " (" + std::to_string(a.rule_count) +
           " rules)";
  }
  std::string operator()(const StartDnsmasq& a) {
    std::string what = a.config.range_start ? "DHCP " + a.config.range_start->str() + "-" + a.config.range_end->str()
                                            : std::string("DNS only");
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
    return "obtain a DHCP lease for " + a.guest + " on " + a.device + " (udhcpc in " + a.netns + ")";
  }
  std::string operator()(const StartLibvirtd& a) {
    return "start the lab's private libvirtd in " + where(a.netns);
  }
  std::string operator()(const CreateVmDisk& a) {
    return "create the " + std::string(a.thick ? "thick (raw copy)" : "thin (qcow2 overlay)") + " disk of " + a.guest +
           " on " + a.base.disk;
  }
  std::string operator()(const RunDomain& a) {
    return "define and start domain " + a.name + " (" + (a.type == "kvm" ? "KVM" : "TCG") + ", " +
           std::to_string(a.vcpus) + " vcpu, " + std::to_string(a.memory_mib) + " MiB)";
  }
  std::string operator()(const AwaitVmLease& a) {
    return "wait for " + a.guest + " " + a.nic + " (" + a.mac.str() + ") to get its DHCP lease";
  }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describe{}, action); }

}  // namespace netlab::plan
