#include "netlab/plan/planner.h"

#include <algorithm>
#include <set>

#include "netlab/host/dnsmasq_conf.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/model/names.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/teardown.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

/// The old conf's DHCP range ("192.168.122.128,192.168.122.254,...") for a plan line.
std::string conf_summary(const std::string& conf) {
  for (const std::string key : {"dhcp-range=", "listen-address="}) {
    auto at = conf.find("\n" + key);
    if (at == std::string::npos) continue;
    at += 1 + key.size();
    std::string value = conf.substr(at, conf.find('\n', at) - at);
    if (key == "dhcp-range=") {
      auto comma = value.find(',');
      auto second = value.find(',', comma + 1);
      if (comma != std::string::npos) return "DHCP " + value.substr(0, comma) + "-" + value.substr(comma + 1, second - comma - 1);
    }
    return key.substr(0, key.size() - 1) + " " + value;
  }
  return "another conf";
}

struct Needed {
  Observed& o;
  using R = std::optional<Action>;

  template <typename A>
  R keep_unless(bool present, const A& a) {
    if (present) return std::nullopt;
    return Action{a};
  }

  R operator()(const CreateNetns& a) { return keep_unless(o.netns_exists(a.name), a); }
  R operator()(const SetSysctl& a) { return keep_unless(o.sysctl(a.netns, a.key) == a.value, a); }
  R operator()(const CreateBridge& a) { return keep_unless(o.link(a.netns, a.name).has_value(), a); }
  R operator()(const CreateVeth& a) {
    return keep_unless(o.link(a.netns, a.name).has_value() && o.link(a.peer_netns, a.peer_name).has_value(), a);
  }
  R operator()(const CreateTap& a) { return keep_unless(o.link(a.netns, a.name).has_value(), a); }
  R operator()(const CreateMacvlan& a) { return keep_unless(o.link(a.target_netns, a.name).has_value(), a); }
  R operator()(const CreateMacvtap& a) { return keep_unless(o.link(a.netns, a.name).has_value(), a); }
  R operator()(const SetMaster& a) {
    auto link = o.link(a.netns, a.name);
    return keep_unless(link && link->master == a.master, a);
  }
  R operator()(const SetUp& a) {
    auto link = o.link(a.netns, a.name);
    return keep_unless(link && link->up, a);
  }
  R operator()(const AddAddress& a) {
    auto list = o.addresses(a.netns, a.device);
    if (std::find(list.begin(), list.end(), a.address) != list.end()) return std::nullopt;
    // A device of the lab holding another address (a moved subnet, a changed
    // static address) gets it replaced; loopback keeps its own.
    if (list.empty() || a.device == "lo") return Action{a};
    return Action{ChangeAddress{a.netns, a.device, list, a.address}};
  }
  R operator()(const AddRoute& a) { return keep_unless(o.has_route(a.netns, a.destination, a.gateway), a); }
  R operator()(const ApplyNft& a) {
    auto count = o.nft_rule_count(a.netns, a.table);
    if (count == a.rule_count && (a.record.empty() || o.read_file(a.record) == a.ruleset)) return std::nullopt;
    ApplyNft step = a;
    step.replaces = count;
    return Action{step};
  }
  R operator()(const StartDnsmasq& a) {
    auto files = host::dnsmasq_files(a.config.run_dir, a.config.network);
    if (!o.dnsmasq_running(files.pid, files.conf)) return Action{a};
    // Alive is not enough: started on a bridge since deleted and recreated (another
    // ifindex), it serves nobody and must be restarted (step() stops it first).
    auto bridge = o.link(a.netns, a.config.bridge);
    if (!bridge || o.dnsmasq_bridge_index(files.bridge_index) != bridge->ifindex) return Action{a};
    auto conf = o.read_file(files.conf);
    auto wanted = host::render_dnsmasq_conf(a.config);
    if (!conf || !wanted || *conf == wanted.value()) return std::nullopt;
    StartDnsmasq step = a;
    step.restart_from = conf_summary(*conf);
    return Action{step};
  }
  R operator()(const StartOvs& a) { return keep_unless(o.ovs_running(a.run_dir), a); }
  R operator()(const CreateOvsBridge& a) { return keep_unless(o.ovs_has_bridge(a.run_dir, a.name), a); }
  R operator()(const AddOvsPort& a) {
    auto tag = o.ovs_port_tag(a.run_dir, a.bridge, a.port);
    if (tag && *tag == a.tag) return std::nullopt;
    AddOvsPort step = a;
    step.retag_from = tag;
    return Action{step};
  }
  R operator()(const DisableTxChecksum& a) { return keep_unless(o.tx_checksumming(a.netns, a.device) == false, a); }
  // A guest holds its lease when its NIC has an address in its network's subnet;
  // dnsmasq keeps the binding, so a restarted client gets the same one. An
  // address outside the subnet (the network moved, the guest changed networks)
  // is renewed.
  R operator()(const ObtainLease& a) {
    auto list = o.addresses(a.netns, a.device);
    if (list.empty()) return Action{a};
    if (!a.subnet) return std::nullopt;
    for (const auto& c : list)
      if (a.subnet->contains(c.address)) return std::nullopt;
    ObtainLease step = a;
    step.stale = list;
    return Action{step};
  }
  R operator()(const ChangeAddress& a) { return (*this)(AddAddress{a.netns, a.device, a.to}); }
  R operator()(const RemoveObject& a) { return Action{a}; }
  R operator()(const StartLibvirtd& a) { return keep_unless(o.libvirtd_running(a.run_dir), a); }
  R operator()(const CreateVmDisk& a) { return keep_unless(o.file_exists(a.path), a); }
  R operator()(const RunDomain& a) { return keep_unless(o.domain_runs(a.uri, a.name, a.xml_copy, a.xml), a); }
  R operator()(const AwaitVmLease& a) { return keep_unless(o.has_lease(a.lease_file, a.mac), a); }
};

/// True when an object the lab owns is still on the system (worth removing).
bool present(const OwnedObject& obj, Observed& o) {
  switch (obj.kind) {
    case ObjectKind::netns: return o.netns_exists(obj.name);
    case ObjectKind::link: return o.netns_exists(obj.netns) && o.link(obj.netns, obj.name).has_value();
    case ObjectKind::nft_table: {
      auto space = obj.name.find(' ');
      return space != std::string::npos && obj.name.substr(0, space) == "inet" &&
             o.nft_rule_count(obj.netns, obj.name.substr(space + 1)).has_value();
    }
    case ObjectKind::process: return o.dnsmasq_running(obj.name, obj.detail);
    case ObjectKind::ovs: return o.ovs_running(obj.name);
    case ObjectKind::sysctl: {
      if (obj.detail.empty() || !o.netns_exists(obj.netns)) return false;
      auto value = o.sysctl(obj.netns, obj.name);
      return value && *value != obj.detail;
    }
    case ObjectKind::uplink: {  // a host NIC still in a bridge: its addresses and routes go back
      auto link = o.link(obj.netns, obj.name);
      return link && !link->master.empty();
    }
    case ObjectKind::libvirtd: return o.libvirtd_running(obj.name);
    case ObjectKind::domain: return o.domain_exists(obj.detail, obj.name);
    case ObjectKind::file: return o.file_exists(obj.name);
  }
  return false;
}

/// Removals of what `owned` holds and `desired` does not, in teardown order.
std::vector<Action> removals(const std::vector<Action>& desired, Observed& observed, const Owned& owned) {
  std::set<std::string> wanted;
  for (const auto& a : desired)
    if (auto obj = owned_object(a)) wanted.insert(owned_key(*obj));
  std::vector<OwnedObject> doomed;
  std::set<std::string> doomed_namespaces;
  for (const auto& obj : owned.objects)
    if (!wanted.count(owned_key(obj)) && obj.kind == ObjectKind::netns && present(obj, observed)) {
      doomed_namespaces.insert(obj.name);
    }
  for (auto it = owned.objects.rbegin(); it != owned.objects.rend(); ++it) {
    const OwnedObject& obj = *it;
    if (wanted.count(owned_key(obj))) continue;
    // What lives in a namespace being removed goes with it.
    if (obj.kind != ObjectKind::netns && !obj.netns.empty() && doomed_namespaces.count(obj.netns)) continue;
    if (obj.kind == ObjectKind::netns ? doomed_namespaces.count(obj.name) : present(obj, observed))
      doomed.push_back(obj);
  }
  std::stable_sort(doomed.begin(), doomed.end(),
                   [](const auto& a, const auto& b) { return removal_rank(a.kind) < removal_rank(b.kind); });
  std::vector<Action> steps;
  for (auto& obj : doomed) {
    auto label = owned.labels.find(owned_key(obj));
    steps.emplace_back(RemoveObject{obj, label == owned.labels.end() ? "" : label->second});
  }
  return steps;
}

}  // namespace

std::string owned_key(const OwnedObject& o) {
  return std::string(state::to_string(o.kind)) + "|" + o.netns + "|" + o.name;
}

std::map<std::string, std::string> owner_labels(const model::Topology& prev, const Target& target) {
  std::map<std::string, std::string> labels;
  auto put = [&](ObjectKind kind, const std::string& netns, const std::string& name, std::string label) {
    labels[owned_key({kind, netns, name, ""})] = std::move(label);
  };
  const model::DeviceNames names(prev);
  for (const auto& net : prev.networks) {
    const std::string& bridge = names.bridge(net);
    put(ObjectKind::link, target.host_netns, bridge, "network " + net.name + " (bridge " + bridge + ")");
    put(ObjectKind::process, target.host_netns, host::dnsmasq_files(target.run_dir, net.name).pid,
        "dnsmasq of network " + net.name);
  }
  for (const auto& guest : prev.guests) {
    const std::string ns = model::guest_namespace(prev, guest);
    put(ObjectKind::netns, "", ns, "guest " + guest.name + " (namespace " + ns + ")");
    if (guest.kind == model::GuestKind::kvm) {
      const std::string domain = libvirt::domain_name(prev, guest);
      put(ObjectKind::domain, "", domain, "VM guest " + guest.name + " (domain " + domain + ")");
    }
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const std::string& dev = names.host_nic(guest, i);
      put(ObjectKind::link, target.host_netns, dev,
          "nic " + model::guest_nic_name(guest.nics[i], i) + " of guest " + guest.name + " (" + dev + ")");
    }
  }
  put(ObjectKind::nft_table, target.host_netns, "inet " + model::nft_table_name(prev.name),
      "nftables table inet " + model::nft_table_name(prev.name));
  return labels;
}

std::optional<Action> needed(const Action& action, Observed& observed) { return std::visit(Needed{observed}, action); }

bool satisfied(const Action& action, Observed& observed) { return !needed(action, observed).has_value(); }

std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed,
                         const Owned& owned) {
  const std::vector<Action> desired = desired_actions(topology, target);
  std::vector<Action> steps = removals(desired, observed, owned);
  for (const auto& action : desired)
    if (auto step = needed(action, observed)) steps.push_back(std::move(*step));
  return steps;
}

}  // namespace netlab::plan
