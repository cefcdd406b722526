#pragma once
// An in-memory Observed for planner tests: starts empty (nothing exists) and
// records the effect of each applied action, so "apply then plan again" can be
// tested without root.
#include <map>
#include <set>

#include "netlab/host/netlink.h"
#include "netlab/plan/action.h"
#include "netlab/plan/observed.h"

namespace netlab::plan {

class FakeObserved : public Observed {
 public:
  std::set<std::string> namespaces;
  std::map<std::pair<std::string, std::string>, ObservedLink> links;
  std::map<std::pair<std::string, std::string>, std::vector<model::Cidr>> addrs;
  std::map<std::string, std::vector<host::RouteInfo>> routes;  // netns -> routes of its main table
  std::map<std::pair<std::string, std::string>, std::vector<model::Cidr6>> addrs6;
  struct Route6 {
    std::optional<model::Cidr6> dest;
    model::Ipv6 gateway;
    std::string dev;
  };
  std::map<std::string, std::vector<Route6>> routes6;  // netns -> IPv6 routes
  std::map<std::pair<std::string, std::string>, std::string> sysctls;
  std::map<std::pair<std::string, std::string>, size_t> nft;
  std::set<std::string> process_pid_files;
  std::map<std::string, int> dnsmasq_bridge_indexes;  // DnsmasqFiles::bridge_index -> ifindex
  int next_ifindex = 2;  // what the kernel hands out to each new device
  std::set<std::string> ovs_run_dirs;
  // (run dir, bridge) -> port -> tag: each host of a lab across hosts has its own OVS.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::optional<int>>> ovs_ports;
  std::map<std::string, std::string> ovs_iface_ids;  // port -> OVN iface-id
  std::set<std::string> ovn_central_dirs, ovn_controller_dirs;
  std::map<std::string, std::string> ovn_networks;  // network -> digest of what NB holds
  std::set<std::pair<std::string, std::string>> tx_checksum_off;
  std::map<std::string, std::string> files;  // path -> text (dnsmasq confs, nft records, VM disks)
  std::set<std::string> libvirtd_run_dirs, leases;  // leases: MACs
  std::map<std::string, std::string> domains;       // running domain -> the XML it was defined from
  std::map<std::pair<std::string, std::string>, model::Impairment> netems;  // (netns, device) -> root netem

  bool netns_exists(const std::string& name) override { return name.empty() || namespaces.count(name); }
  /// Each namespace's identity is its name, unless a test sets another (a namespace re-created by hand).
  std::map<std::string, std::string> identities;
  std::string netns_identity(const std::string& name) override {
    if (!namespaces.count(name)) return "";
    auto it = identities.find(name);
    return it == identities.end() ? "id:" + name : it->second;
  }
  std::optional<ObservedLink> link(const std::string& ns, const std::string& name) override {
    auto it = links.find({ns, name});
    if (it == links.end()) return std::nullopt;
    return it->second;
  }
  std::vector<model::Cidr> addresses(const std::string& ns, const std::string& dev) override {
    auto it = addrs.find({ns, dev});
    return it == addrs.end() ? std::vector<model::Cidr>{} : it->second;
  }
  bool has_route(const std::string& ns, const std::optional<model::Cidr>& dest, model::Ipv4 gw) override {
    auto it = routes.find(ns);
    if (it == routes.end()) return false;
    for (const auto& r : it->second) {
      bool same_dest = dest ? (r.dest && r.dest->block() == dest->block()) : !r.dest;
      if (same_dest && r.gateway == gw) return true;
    }
    return false;
  }
  std::vector<model::Cidr6> addresses6(const std::string& ns, const std::string& dev) override {
    auto it = addrs6.find({ns, dev});
    return it == addrs6.end() ? std::vector<model::Cidr6>{} : it->second;
  }
  bool has_route6(const std::string& ns, const std::optional<model::Cidr6>& dest, const model::Ipv6& gw) override {
    auto it = routes6.find(ns);
    if (it == routes6.end()) return false;
    for (const auto& r : it->second) {
      bool same_dest = dest ? (r.dest && r.dest->block() == dest->block()) : !r.dest;
      if (same_dest && r.gateway == gw) return true;
    }
    return false;
  }
  std::optional<std::string> sysctl(const std::string& ns, const std::string& key) override {
    auto it = sysctls.find({ns, key});
    if (it == sysctls.end()) return std::nullopt;
    return it->second;
  }
  std::optional<size_t> nft_rule_count(const std::string& ns, const std::string& table) override {
    auto it = nft.find({ns, table});
    if (it == nft.end()) return std::nullopt;
    return it->second;
  }
  bool process_running(const std::string& pid_file, const std::string&) override {
    return process_pid_files.count(pid_file);
  }
  std::optional<int> dnsmasq_bridge_index(const std::string& file) override {
    auto it = dnsmasq_bridge_indexes.find(file);
    if (it == dnsmasq_bridge_indexes.end()) return std::nullopt;
    return it->second;
  }

  bool ovs_running(const std::string& run_dir) override { return ovs_run_dirs.count(run_dir); }
  bool ovs_has_bridge(const std::string& run_dir, const std::string& bridge) override {
    return ovs_ports.count({run_dir, bridge});
  }
  bool ovs_port_matches(const std::string& run_dir, const std::string& bridge, const std::string& port,
                        std::optional<int> tag, const std::string& iface_id) override {
    auto it = ovs_ports.find({run_dir, bridge});
    return it != ovs_ports.end() && it->second.count(port) && it->second[port] == tag && ovs_iface_ids[port] == iface_id;
  }
  bool ovn_central_running(const std::string& dir) override { return ovn_central_dirs.count(dir); }
  bool ovn_controller_running(const std::string& dir) override { return ovn_controller_dirs.count(dir); }
  bool ovn_network_matches(const std::string&, const host::OvnNetworkSpec& spec) override {
    auto it = ovn_networks.find(spec.network);
    return it != ovn_networks.end() && it->second == host::ovn_network_digest(spec);
  }
  std::optional<std::optional<int>> ovs_port_tag(const std::string& run_dir, const std::string& bridge,
                                                 const std::string& port) override {
    auto it = ovs_ports.find({run_dir, bridge});
    if (it == ovs_ports.end() || !it->second.count(port)) return std::nullopt;
    return it->second.at(port);
  }
  std::optional<std::string> read_file(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  std::optional<bool> tx_checksumming(const std::string& ns, const std::string& dev) override {
    if (!links.count({ns, dev})) return std::nullopt;
    return !tx_checksum_off.count({ns, dev});
  }

  bool libvirtd_running(const std::string& run_dir) override { return libvirtd_run_dirs.count(run_dir); }
  bool file_exists(const std::string& path) override { return files.count(path); }
  bool domain_runs(const std::string&, const std::string& name, const std::string&, const std::string& xml) override {
    auto it = domains.find(name);
    return it != domains.end() && it->second == xml;
  }
  bool domain_exists(const std::string&, const std::string& name) override { return domains.count(name); }
  bool has_lease(const std::string&, const model::Mac& mac) override { return leases.count(mac.str()); }
  bool vm_has_address(const std::string&, const std::string&, const model::Mac& mac) override {
    return leases.count(mac.str());
  }
  std::optional<model::Impairment> netem(const std::string& ns, const std::string& dev) override {
    auto it = netems.find({ns, dev});
    if (it == netems.end()) return std::nullopt;
    return it->second;
  }

  /// Records the effect `action` would have on a real host.
  void apply(const Action& action);
  /// Removes `object` (a RemoveObject's effect; a veth's peer is left to the caller).
  void forget(const state::OwnedObject& object);
};

}  // namespace netlab::plan
