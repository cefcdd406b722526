#include "netlab/plan/planner.h"

#include <algorithm>

#include "netlab/plan/desired.h"

namespace netlab::plan {
namespace {

struct Satisfied {
  Observed& o;

  bool operator()(const CreateNetns& a) { return o.netns_exists(a.name); }
  bool operator()(const SetSysctl& a) { return o.sysctl(a.netns, a.key) == a.value; }
  bool operator()(const CreateBridge& a) { return o.link(a.netns, a.name).has_value(); }
  bool operator()(const CreateVeth& a) {
    return o.link(a.netns, a.name).has_value() && o.link(a.peer_netns, a.peer_name).has_value();
  }
  bool operator()(const CreateTap& a) { return o.link(a.netns, a.name).has_value(); }
  bool operator()(const CreateMacvlan& a) { return o.link(a.target_netns, a.name).has_value(); }
  bool operator()(const CreateMacvtap& a) { return o.link(a.netns, a.name).has_value(); }
  bool operator()(const SetMaster& a) {
    auto link = o.link(a.netns, a.name);
    return link && link->master == a.master;
  }
  bool operator()(const SetUp& a) {
    auto link = o.link(a.netns, a.name);
    return link && link->up;
  }
  bool operator()(const AddAddress& a) {
    auto list = o.addresses(a.netns, a.device);
    return std::find(list.begin(), list.end(), a.address) != list.end();
  }
  bool operator()(const AddRoute& a) { return o.has_route(a.netns, a.destination, a.gateway); }
  bool operator()(const ApplyNft& a) { return o.nft_rule_count(a.netns, a.table) == a.rule_count; }
  bool operator()(const StartDnsmasq& a) {
    auto files = host::dnsmasq_files(a.config.run_dir, a.config.network);
    if (!o.dnsmasq_running(files.pid, files.conf)) return false;
    // Alive is not enough: started on a bridge since deleted and recreated (another
    // ifindex), it serves nobody and must be restarted.
    auto bridge = o.link(a.netns, a.config.bridge);
    return bridge && o.dnsmasq_bridge_index(files.bridge_index) == bridge->ifindex;
  }
  bool operator()(const StartOvs& a) { return o.ovs_running(a.run_dir); }
  bool operator()(const CreateOvsBridge& a) { return o.ovs_has_bridge(a.run_dir, a.name); }
  bool operator()(const AddOvsPort& a) { return o.ovs_port_matches(a.run_dir, a.bridge, a.port, a.tag, a.iface_id); }
  bool operator()(const DisableTxChecksum& a) { return o.tx_checksumming(a.netns, a.device) == false; }
  // A guest holds its lease when its NIC has an address; dnsmasq keeps the
  // binding, so a restarted client gets the same one.
  bool operator()(const ObtainLease& a) { return !o.addresses(a.netns, a.device).empty(); }
  bool operator()(const StartLibvirtd& a) { return o.libvirtd_running(a.run_dir); }
  bool operator()(const CreateVmDisk& a) { return o.file_exists(a.path); }
  bool operator()(const RunDomain& a) { return o.domain_runs(a.uri, a.name, a.xml_copy, a.xml); }
  bool operator()(const AwaitVmLease& a) { return o.has_lease(a.lease_file, a.mac); }
  bool operator()(const StartOvnCentral& a) { return o.ovn_central_running(a.dir); }
  bool operator()(const StartOvnController& a) { return o.ovn_controller_running(a.host_dir); }
  bool operator()(const ConfigureOvnNetwork& a) { return o.ovn_network_matches(a.central_dir, a.spec); }
};

}  // namespace

bool satisfied(const Action& action, Observed& observed) { return std::visit(Satisfied{observed}, action); }

std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed) {
  std::vector<Action> steps;
  for (auto& action : desired_actions(topology, target))
    if (!satisfied(action, observed)) steps.push_back(std::move(action));
  return steps;
}

}  // namespace netlab::plan
