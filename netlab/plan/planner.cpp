#include "netlab/plan/planner.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>

#include "netlab/host/netns.h"

#include "netlab/host/dhcp6_client.h"
#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/lease_file.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/model/digest.h"
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

/// "1 vcpu, 256 MiB" from a domain XML netlab wrote (libvirt/export_xml.cpp).
std::string domain_summary(const std::string& xml) {
  auto element = [&](const std::string& tag) {
    auto open = xml.find("<" + tag);
    if (open == std::string::npos) return std::string("?");
    auto start = xml.find('>', open);
    auto end = xml.find("</" + tag + ">", start);
    if (start == std::string::npos || end == std::string::npos) return std::string("?");
    return xml.substr(start + 1, end - start - 1);
  };
  return element("vcpu") + " vcpu, " + element("memory") + " MiB";
}

/// The guest namespace an action acts inside ("" for the host's and the sandbox's own).
struct InsideGuest {
  const std::string& host;
  std::string operator()(const CreateNetns& a) { return a.name; }
  std::string operator()(const CreateVeth& a) { return a.peer_netns == host ? "" : a.peer_netns; }
  std::string operator()(const CreateMacvlan& a) { return a.target_netns; }
  std::string operator()(const SetUp& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const AddAddress& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const AddRoute& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const DisableTxChecksum& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const ObtainLease& a) { return a.netns; }
  std::string operator()(const ObtainLease6& a) { return a.netns; }
  std::string operator()(const AddAddress6& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const AddRoute6& a) { return a.netns == host ? "" : a.netns; }
  std::string operator()(const AwaitAddress6& a) { return a.netns; }
  template <typename A>
  std::string operator()(const A&) {
    return "";
  }
};

/// An action's line with what that line leaves out, so two actions with equal
/// fingerprints do the same.
std::string fingerprint(const Action& action) {
  std::string extra;
  if (auto* a = std::get_if<CreateNetns>(&action)) extra = a->ipv6_off ? " ipv6 off" : "";
  if (auto* a = std::get_if<CreateVeth>(&action))
    extra = " mtu " + std::to_string(a->mtu) + " alias " + a->alias + (a->peer_ipv6 ? " ipv6" : "");
  if (auto* a = std::get_if<CreateMacvlan>(&action))
    extra = " mtu " + std::to_string(a->mtu) + " mac " + (a->mac ? a->mac->str() : "") + " alias " + a->alias;
  if (auto* a = std::get_if<ObtainLease>(&action)) extra = " in " + (a->subnet ? a->subnet->str() : "") + " " + a->run_dir;
  if (auto* a = std::get_if<ObtainLease6>(&action)) extra = " /" + std::to_string(a->prefix) + " " + a->run_dir;
  return describe(action) + extra + "\n";
}

struct Needed {
  Observed& o;
  const std::set<std::string>& unchanged;  // guest namespaces not to read (Owned::unchanged)
  const std::string& host;
  using R = std::optional<Action>;

  /// The step `a` needs, or nullopt: inside an unchanged guest only what the
  /// host namespace shows is checked (its namespace is, and its veth's host side).
  R operator()(const Action& a) {
    if (!unchanged.empty() && unchanged.count(std::visit(InsideGuest{host}, a))) {
      if (auto* ns = std::get_if<CreateNetns>(&a)) return keep_unless(o.netns_exists(ns->name), *ns);
      if (auto* veth = std::get_if<CreateVeth>(&a)) return keep_unless(o.link(veth->netns, veth->name).has_value(), *veth);
      return std::nullopt;
    }
    return std::visit(*this, a);
  }

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
  R operator()(const AddAddress6& a) {
    auto list = o.addresses6(a.netns, a.device);
    return keep_unless(std::find(list.begin(), list.end(), a.address) != list.end(), a);
  }
  R operator()(const AddRoute6& a) { return keep_unless(o.has_route6(a.netns, a.destination, a.gateway), a); }
  R operator()(const AwaitAddress6& a) {
    for (const auto& c : o.addresses6(a.netns, a.device))
      if (a.subnet.contains(c.address)) return std::nullopt;
    return Action{a};
  }
  R operator()(const ApplyNft& a) {
    auto count = o.nft_rule_count(a.netns, a.table);
    if (count == a.rule_count && (a.record.empty() || o.read_file(a.record) == a.ruleset)) return std::nullopt;
    ApplyNft step = a;
    step.replaces = count;
    return Action{step};
  }
  R operator()(const StartDnsmasq& a) {
    auto files = host::dnsmasq_files(a.config.run_dir, a.config.network);
    if (!o.process_running(files.pid, files.conf)) return Action{a};
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
    if (tag && *tag == a.tag && (a.iface_id.empty() || o.ovs_port_matches(a.run_dir, a.bridge, a.port, a.tag, a.iface_id)))
      return std::nullopt;
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
  // The client runs (it renews the lease) and the NIC holds an address of the range.
  R operator()(const ObtainLease6& a) {
    const host::Dhcp6ClientFiles files = host::dhcp6_client_files(a.run_dir, a.netns, a.device);
    if (!o.process_running(files.pid, files.leases)) return Action{a};
    for (const auto& c : o.addresses6(a.netns, a.device))
      if (a.range_start <= c.address && c.address <= a.range_end) return std::nullopt;
    return Action{a};
  }
  R operator()(const ChangeAddress& a) { return (*this)(AddAddress{a.netns, a.device, a.to}); }
  R operator()(const RemoveObject& a) { return Action{a}; }
  R operator()(const StartLibvirtd& a) { return keep_unless(o.libvirtd_running(a.run_dir), a); }
  R operator()(const CreateVmDisk& a) { return keep_unless(o.file_exists(a.path), a); }
  R operator()(const RunDomain& a) {
    if (o.domain_runs(a.uri, a.name, a.xml_copy, a.xml)) return std::nullopt;
    RunDomain step = a;
    if (o.domain_exists(a.uri, a.name))
      if (auto defined = o.read_file(a.xml_copy); defined && *defined != a.xml) step.redefine_from = domain_summary(*defined);
    return Action{step};
  }
  R operator()(const AwaitVmLease& a) {
    return keep_unless(a.lease_file.empty() ? o.vm_has_address(a.uri, a.domain, a.mac) : o.has_lease(a.lease_file, a.mac), a);
  }
  R operator()(const StartOvnCentral& a) { return keep_unless(o.ovn_central_running(a.dir), a); }
  R operator()(const StartOvnController& a) { return keep_unless(o.ovn_controller_running(a.host_dir), a); }
  R operator()(const ConfigureOvnNetwork& a) { return keep_unless(o.ovn_network_matches(a.central_dir, a.spec), a); }
  // An impaired NIC has exactly its netem on every device. A NIC without one is
  // looked at on its first device only, its host side: `netlab impair` always
  // writes both, and so every NIC costs one lookup in the host namespace's
  // single qdisc dump rather than a dump of every guest namespace.
  R operator()(const SetNetem& a) {
    if (a.impairment.none())
      return keep_unless(a.devices.empty() || !o.netem(a.devices.front().netns, a.devices.front().device), a);
    for (const auto& d : a.devices)
      if (o.netem(d.netns, d.device) != a.impairment) return Action{a};
    return std::nullopt;
  }
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
    case ObjectKind::process: return o.process_running(obj.name, obj.detail);
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
    case ObjectKind::ovn:
      return obj.detail == "central" ? o.ovn_central_running(obj.name) : o.ovn_controller_running(obj.name);
  }
  return false;
}

/// The key an owned object is wanted by: owned_key, but a domain by its name
/// and libvirt URI, whatever namespace its record names (`netlab migrate`
/// records the domain on the destination under that host's namespace).
std::string wanted_key(const OwnedObject& o) {
  if (o.kind == ObjectKind::domain) return "domain|" + o.name + "|" + o.detail;
  return owned_key(o);
}

/// Removals of what `owned` holds and `desired` does not, in teardown order.
std::vector<Action> removals(const std::vector<Action>& desired, const std::unordered_set<std::string>& kept,
                             Observed& observed, const Owned& owned) {
  std::unordered_set<std::string> wanted;
  for (const auto& a : desired)
    if (auto obj = owned_object(a)) wanted.insert(wanted_key(*obj));
  // Whether each owned object is still wanted, in the order of owned.objects.
  std::vector<bool> keep(owned.objects.size());
  for (size_t i = 0; i < owned.objects.size(); ++i) {
    const std::string key = wanted_key(owned.objects[i]);
    keep[i] = wanted.count(key) || kept.count(key);
  }
  std::vector<OwnedObject> doomed;
  std::set<std::string> doomed_namespaces;
  for (size_t i = 0; i < owned.objects.size(); ++i) {
    const OwnedObject& obj = owned.objects[i];
    if (!keep[i] && obj.kind == ObjectKind::netns && present(obj, observed)) doomed_namespaces.insert(obj.name);
  }
  for (size_t i = owned.objects.size(); i-- > 0;) {
    const OwnedObject& obj = owned.objects[i];
    if (keep[i]) continue;
    // What lives in a namespace being removed goes with it; a process does not
    // (it would keep the namespace alive): it is stopped first.
    if (obj.kind != ObjectKind::netns && obj.kind != ObjectKind::process && !obj.netns.empty() &&
        doomed_namespaces.count(obj.netns))
      continue;
    if (obj.kind == ObjectKind::netns ? doomed_namespaces.count(obj.name) : present(obj, observed))
      doomed.push_back(obj);
  }
  std::stable_sort(doomed.begin(), doomed.end(),
                   [](const auto& a, const auto& b) { return removal_rank(a.kind) < removal_rank(b.kind); });
  std::vector<Action> steps;
  for (auto& obj : doomed) {
    auto label = owned.labels.find(owned_key(obj));
    auto leases = owned.lease_file_of_pid.find(obj.name);
    steps.emplace_back(RemoveObject{obj, label == owned.labels.end() ? "" : label->second,
                                    obj.kind == ObjectKind::process && leases != owned.lease_file_of_pid.end()
                                        ? leases->second
                                        : ""});
  }
  return steps;
}

/// The leases to release, by network: the addresses of removed guests' DHCP
/// NICs, and addresses a renewed lease replaces, each where a network's lease
/// file holds it. Only files are read: no namespace the change does not touch.
std::map<std::string, std::vector<model::Ipv4>> leases_to_release(const std::vector<Action>& steps,
                                                                  Observed& observed, const Owned& owned) {
  std::vector<model::Ipv4> candidates;
  for (const auto& step : steps) {
    if (auto* removal = std::get_if<RemoveObject>(&step); removal && removal->object.kind == ObjectKind::netns) {
      auto nics = owned.leased_nics.find(removal->object.name);
      if (nics == owned.leased_nics.end()) continue;
      for (const auto& nic : nics->second)
        for (const auto& c : observed.addresses(removal->object.name, nic.device)) candidates.push_back(c.address);
    }
    if (auto* lease = std::get_if<ObtainLease>(&step))
      for (const auto& c : lease->stale) candidates.push_back(c.address);
  }
  std::map<std::string, std::vector<model::Ipv4>> release;
  if (candidates.empty()) return release;
  for (const auto& [network, file] : owned.lease_files) {
    auto text = observed.read_file(file);
    if (!text) continue;
    for (const auto& lease : host::parse_leases(*text))
      if (std::find(candidates.begin(), candidates.end(), lease.ip) != candidates.end())
        release[network].push_back(lease.ip);
  }
  return release;
}

}  // namespace

std::string owned_key(const OwnedObject& o) {
  return std::string(state::to_string(o.kind)) + "|" + o.netns + "|" + o.name;
}

Owned described_by(const model::Topology& prev, const Target& target) {
  Owned owned;
  auto put = [&](ObjectKind kind, const std::string& netns, const std::string& name, std::string label) {
    owned.labels[owned_key({kind, netns, name, ""})] = std::move(label);
  };
  const model::DeviceNames names(prev);
  for (const auto& net : prev.networks) {
    const std::string& bridge = names.bridge(net);
    put(ObjectKind::link, target.host_netns, bridge, "network " + net.name + " (bridge " + bridge + ")");
    const host::DnsmasqFiles files = host::dnsmasq_files(target.run_dir, net.name);
    put(ObjectKind::process, target.host_netns, files.pid, "dnsmasq of network " + net.name);
    owned.lease_files[net.name] = files.leases;
    owned.lease_file_of_pid[files.pid] = files.leases;
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
      const std::string nic = model::guest_nic_name(guest.nics[i], i);
      put(ObjectKind::link, target.host_netns, dev, "nic " + nic + " of guest " + guest.name + " (" + dev + ")");
      if (guest.kind == model::GuestKind::netns && guest.nics[i].address_kind == model::AddressKind::dhcp)
        owned.leased_nics[ns].push_back({nic, guest.nics[i].network});
      // Its DHCPv6 client, named for messages; only a NIC on an IPv6 network ever has one.
      const model::Network* net = prev.find_network(guest.nics[i].network);
      if (guest.kind == model::GuestKind::netns && net && net->ipv6)
        put(ObjectKind::process, ns, host::dhcp6_client_files(target.run_dir, ns, nic).pid,
            "DHCPv6 client of guest " + guest.name + " on " + nic + " (dhclient)");
    }
  }
  put(ObjectKind::nft_table, target.host_netns, "inet " + model::nft_table_name(prev.name),
      "nftables table inet " + model::nft_table_name(prev.name));
  return owned;
}

StepDigests step_digests(const std::vector<Action>& desired, const std::vector<std::string>& owners) {
  std::map<std::string, model::Digest> hashes;
  for (size_t i = 0; i < desired.size(); ++i)
    hashes[i < owners.size() ? owners[i] : ""].add(fingerprint(desired[i]));
  StepDigests digests;
  for (const auto& [owner, h] : hashes) digests.emplace(owner, h.hex());
  return digests;
}

namespace {

/// Adds to owned.unchanged and owned.untouched the light guests of `next`, not
/// marked yet, that `same` accepts and that are still in the namespace the lab
/// made (the identity the journal in `owned` recorded).
template <typename Same>
void mark_guests(const model::Topology& next, Owned& owned, Observed& observed, Same same) {
  // The journal's, once each namespace was made; views into owned.objects.
  std::unordered_map<std::string_view, const std::string*> identity;
  identity.reserve(owned.objects.size());
  for (const auto& o : owned.objects)
    if (o.kind == ObjectKind::netns && !o.detail.empty()) identity[o.name] = &o.detail;
  for (const auto& guest : next.guests) {
    if (guest.kind != model::GuestKind::netns || owned.untouched.count(guest.name) || !same(guest)) continue;
    const std::string ns = model::guest_namespace(next, guest);
    auto made = identity.find(ns);
    if (made == identity.end() || !host::same_netns(*made->second, observed.netns_identity(ns))) continue;
    owned.unchanged.insert(ns);
    owned.untouched.insert(guest.name);
  }
}

}  // namespace

void mark_unchanged(const model::Topology& next, const StepDigests& before, const StepDigests& after, Owned& owned,
                    Observed& observed, const std::set<std::string>& checked) {
  if (before == after) {
    owned.unchanged.clear();
    owned.untouched.clear();
    return;
  }
  // Usually mark_unexpanded() marked exactly `checked` just before: kept as it is.
  if (owned.untouched != checked) {
    owned.unchanged.clear();
    owned.untouched.clear();
    for (const auto& guest : next.guests)
      if (guest.kind == model::GuestKind::netns && checked.count(guest.name)) {
        owned.unchanged.insert(model::guest_namespace(next, guest));
        owned.untouched.insert(guest.name);
      }
  }
  mark_guests(next, owned, observed, [&](const model::Guest& guest) {
    auto was = before.find(guest.name);
    auto now = after.find(guest.name);
    return was != before.end() && now != after.end() && was->second == now->second;
  });
}

std::set<std::string> mark_unexpanded(const model::Topology& next, const GuestKeys& keys, const GuestKeys& recorded,
                                      Owned& owned, Observed& observed) {
  mark_guests(next, owned, observed, [&](const model::Guest& guest) {
    auto now = keys.find(guest.name);
    auto was = recorded.find(guest.name);
    return now != keys.end() && was != recorded.end() && now->second == was->second;
  });
  return owned.untouched;
}

Desired desired_of(const model::Topology& topology, const Target& target, std::set<std::string> skipped) {
  Desired d;
  d.skipped = std::move(skipped);
  d.steps = desired_actions(topology, target, &d.owners, d.skipped.empty() ? nullptr : &d.skipped);
  return d;
}

std::map<std::string, std::vector<std::string>> guest_object_keys(const Desired& desired) {
  std::map<std::string, std::vector<std::string>> keys;
  for (size_t i = 0; i < desired.steps.size() && i < desired.owners.size(); ++i)
    if (!desired.owners[i].empty())
      if (auto obj = owned_object(desired.steps[i])) keys[desired.owners[i]].push_back(wanted_key(*obj));
  return keys;
}

bool lab_needs_steps(const Desired& desired, Observed& observed, const Owned& owned, const std::string& host_netns) {
  Needed need{observed, owned.unchanged, host_netns};
  for (size_t i = 0; i < desired.steps.size(); ++i)
    if (desired.owners[i].empty() && need(desired.steps[i])) return true;
  return false;
}

std::optional<Action> needed(const Action& action, Observed& observed) {
  static const std::set<std::string> none;
  static const std::string host;
  return Needed{observed, none, host}(action);
}

bool satisfied(const Action& action, Observed& observed) { return !needed(action, observed).has_value(); }

std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed,
                         const Owned& owned) {
  return make(desired_of(topology, target), observed, owned, target.host_netns);
}

std::vector<Action> make(const Desired& wanted, Observed& observed, const Owned& owned, const std::string& host_netns) {
  const std::vector<Action>& desired = wanted.steps;
  std::vector<Action> steps = removals(desired, wanted.kept, observed, owned);
  std::vector<std::optional<Action>> changes(desired.size());
  Needed need{observed, owned.unchanged, host_netns};
  // The lab's own steps first: when they need nothing (no bridge remade, say),
  // what the untouched guests hold on the host side is as the last `up` left it.
  bool lab_needs = false;
  for (size_t i = 0; i < desired.size(); ++i)
    if (wanted.owners[i].empty()) lab_needs |= (changes[i] = need(desired[i])).has_value();
  for (size_t i = 0; i < desired.size(); ++i) {
    if (wanted.owners[i].empty()) continue;
    if (!lab_needs && owned.untouched.count(wanted.owners[i])) continue;
    changes[i] = need(desired[i]);
  }
  // A changed address is the old ones removed, then the new one added: with no
  // IPv4 address left for a moment, the kernel flushes the device's routes, so
  // they are added again after it.
  std::set<std::pair<std::string, std::string>> readdressed;
  for (const auto& c : changes)
    if (auto* a = c ? std::get_if<ChangeAddress>(&*c) : nullptr) readdressed.emplace(a->netns, a->device);
  for (size_t i = 0; i < desired.size() && !readdressed.empty(); ++i)
    if (auto* r = std::get_if<AddRoute>(&desired[i]); r && !changes[i] && readdressed.count({r->netns, r->device}))
      changes[i] = desired[i];
  std::vector<Action> planned = steps;
  for (const auto& c : changes)
    if (c) planned.push_back(*c);
  auto release = leases_to_release(planned, observed, owned);
  for (size_t i = 0; i < desired.size(); ++i) {
    auto* dnsmasq = std::get_if<StartDnsmasq>(&desired[i]);
    auto freed = dnsmasq ? release.find(dnsmasq->config.network) : release.end();
    if (freed != release.end()) {
      // A running dnsmasq with the same conf restarts only to forget these leases.
      StartDnsmasq step = changes[i] ? std::get<StartDnsmasq>(*changes[i]) : *dnsmasq;
      if (!changes[i]) step.restart_from = "";
      step.release = freed->second;
      changes[i] = Action{std::move(step)};
    }
    if (changes[i]) steps.push_back(std::move(*changes[i]));
  }
  return steps;
}

}  // namespace netlab::plan
