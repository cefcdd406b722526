#include "netlab/plan/system_observed.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlab/host/dnsmasq.h"
#include "netlab/host/libvirt_client.h"
#include "netlab/host/libvirt_daemon.h"
#include "netlab/host/vm_address.h"
#include "netlab/host/ethtool.h"
#include "netlab/host/netns.h"
#include "netlab/host/nft_rule_count.h"
#include "netlab/host/ovn.h"
#include "netlab/host/owned_process.h"
#include "netlab/host/process.h"
#include "netlab/host/sysctl.h"
#include "netlab/model/file_io.h"

namespace netlab::plan {

namespace {

/// Links looked up one by one in a namespace before it is dumped whole.
constexpr size_t kLookupsBeforeDump = 64;

}  // namespace

bool SystemObserved::netns_exists(const std::string& name) {
  if (name.empty()) return true;
  auto it = exists_.find(name);
  if (it == exists_.end()) it = exists_.emplace(name, host::netns_exists(name)).first;
  return it->second;
}

std::string SystemObserved::netns_identity(const std::string& name) {
  if (auto it = identities_.find(name); it != identities_.end()) return it->second;
  return host::netns_identity(name);
}

SystemObserved::Space* SystemObserved::space(const std::string& netns) {
  auto it = spaces_.find(netns);
  if (it != spaces_.end()) return &it->second;
  if (!netns_exists(netns) || !sockets_.netlink(netns)) return nullptr;
  return &spaces_[netns];
}

const host::LinkInfo* SystemObserved::find_link(const std::string& netns, Space& sp, const std::string& name) {
  if (!sp.links && sp.looked_up.size() < kLookupsBeforeDump) {
    auto it = sp.looked_up.find(name);
    if (it == sp.looked_up.end()) {
      auto nl = sockets_.netlink(netns);
      auto found = nl ? (*nl)->find_link(name) : Result<std::optional<host::LinkInfo>>(Error{"no netlink"});
      if (found) it = sp.looked_up.emplace(name, std::move(found).value()).first;
    }
    if (it != sp.looked_up.end()) return it->second ? &*it->second : nullptr;
  }
  if (!sp.links) {
    sp.links.emplace();
    if (auto nl = sockets_.netlink(netns))
      if (auto links = (*nl)->list_links())
        for (auto& l : *links) sp.links->emplace(l.name, std::move(l));
  }
  auto it = sp.links->find(name);
  return it == sp.links->end() ? nullptr : &it->second;
}

std::optional<ObservedLink> SystemObserved::link(const std::string& netns, const std::string& name) {
  Space* sp = space(netns);
  if (!sp) return std::nullopt;
  const host::LinkInfo* l = find_link(netns, *sp, name);
  if (!l) return std::nullopt;
  return ObservedLink{l->kind, l->master, l->alias, l->up, l->ifindex};
}

std::vector<model::Cidr> SystemObserved::addresses(const std::string& netns, const std::string& device) {
  Space* sp = space(netns);
  if (!sp) return {};
  const host::LinkInfo* l = find_link(netns, *sp, device);
  if (!l) return {};
  if (!sp->addresses) {
    sp->addresses.emplace();
    const std::vector<host::LinkInfo> no_names;
    if (auto nl = sockets_.netlink(netns))
      if (auto addrs = (*nl)->list_all_addresses(&no_names))
        for (auto& a : *addrs) (*sp->addresses)[a.ifindex].push_back(a.cidr);
  }
  auto it = sp->addresses->find(l->ifindex);
  return it == sp->addresses->end() ? std::vector<model::Cidr>{} : it->second;
}

bool SystemObserved::has_route(const std::string& netns, const std::optional<model::Cidr>& destination,
                               model::Ipv4 gateway) {
  Space* sp = space(netns);
  if (!sp) return false;
  if (!sp->routes) {
    sp->routes.emplace();
    const std::vector<host::LinkInfo> no_names;
    if (auto nl = sockets_.netlink(netns))
      if (auto routes = (*nl)->list_routes(&no_names)) sp->routes = std::move(routes).value();
  }
  for (const auto& r : *sp->routes) {
    bool same_dest = destination ? (r.dest && r.dest->block() == destination->block()) : !r.dest;
    if (same_dest && r.gateway == gateway) return true;
  }
  return false;
}

std::vector<model::Cidr6> SystemObserved::addresses6(const std::string& netns, const std::string& device) {
  auto key = std::make_pair(netns, device);
  if (auto it = addresses6_.find(key); it != addresses6_.end()) return it->second;
  std::vector<model::Cidr6> found;
  if (space(netns))
    if (auto nl = sockets_.netlink(netns))
      if (auto held = (*nl)->ip_addresses(device)) found = host::global_addresses6(*held);
  return addresses6_.emplace(key, std::move(found)).first->second;
}

bool SystemObserved::has_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                                const model::Ipv6& gateway) {
  auto it = routes6_.find(netns);
  if (it == routes6_.end()) {
    std::vector<host::IpRoute> routes;
    if (space(netns))
      if (auto nl = sockets_.netlink(netns))
        if (auto all = (*nl)->ip_routes())
          for (auto& r : *all)
            if (r.family == AF_INET6 && r.table == RT_TABLE_MAIN) routes.push_back(std::move(r));
    it = routes6_.emplace(netns, std::move(routes)).first;
  }
  const std::string dst = destination ? destination->block().address.str() : "";
  const int dst_len = destination ? destination->prefix : 0;
  for (const auto& r : it->second)
    if (r.dst == dst && r.dst_len == dst_len && model::Ipv6::parse(r.gateway) == gateway) return true;
  return false;
}

std::optional<std::string> SystemObserved::sysctl(const std::string& netns, const std::string& key) {
  if (!netns_exists(netns)) return std::nullopt;
  auto value = host::get_sysctl(netns, key);
  if (!value) return std::nullopt;
  return value.value();
}

std::optional<size_t> SystemObserved::nft_rule_count(const std::string& netns, const std::string& table) {
  if (!netns_exists(netns)) return std::nullopt;
  auto rules = host::nft_rule_count(netns, "inet", table);
  return rules ? *rules : std::nullopt;  // unreadable counts as absent: the table is loaded again
}

bool SystemObserved::process_running(const std::string& pid_file, const std::string& detail) {
  return host::owned_process_pid(pid_file, detail).has_value();
}

std::optional<int> SystemObserved::dnsmasq_bridge_index(const std::string& bridge_index_file) {
  auto text = model::read_file_bounded(bridge_index_file, 64);
  if (!text) return std::nullopt;
  int index = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), index);
  if (ec != std::errc() || index <= 0) return std::nullopt;
  return index;
}

bool SystemObserved::ovs_running(const std::string& run_dir) { return host::OvsInstance(run_dir).running(); }

const std::map<std::string, std::vector<host::OvsPort>>* SystemObserved::ovs_snapshot(const std::string& run_dir) {
  auto it = ovs_cache_.find(run_dir);
  if (it != ovs_cache_.end()) return &it->second;
  host::OvsInstance ovs(run_dir);
  if (!ovs.running()) return nullptr;
  auto db = ovs.connect();
  if (!db) return nullptr;
  std::map<std::string, std::vector<host::OvsPort>> bridges;
  if (auto names = host::ovs_list_bridges(*db))
    for (const auto& name : *names)
      if (auto ports = host::ovs_list_ports(*db, name)) bridges[name] = std::move(ports).value();
  return &ovs_cache_.emplace(run_dir, std::move(bridges)).first->second;
}

bool SystemObserved::ovs_has_bridge(const std::string& run_dir, const std::string& bridge) {
  auto* snap = ovs_snapshot(run_dir);
  return snap && snap->count(bridge);
}

bool SystemObserved::ovs_port_matches(const std::string& run_dir, const std::string& bridge, const std::string& port,
                                      std::optional<int> tag, const std::string& iface_id) {
  auto* snap = ovs_snapshot(run_dir);
  if (!snap || !snap->count(bridge)) return false;
  for (const auto& p : snap->at(bridge))
    if (p.name == port) return p.tag == tag && p.iface_id == iface_id;
  return false;
}

std::optional<std::optional<int>> SystemObserved::ovs_port_tag(const std::string& run_dir, const std::string& bridge,
                                                               const std::string& port) {
  auto* snap = ovs_snapshot(run_dir);
  if (!snap || !snap->count(bridge)) return std::nullopt;
  for (const auto& p : snap->at(bridge))
    if (p.name == port) return p.tag;
  return std::nullopt;
}

std::optional<std::string> SystemObserved::read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool SystemObserved::ovn_central_running(const std::string& dir) { return host::OvnCentral(dir).running(); }

bool SystemObserved::ovn_controller_running(const std::string& host_dir) {
  return host::OvnController(host_dir).running();
}

bool SystemObserved::ovn_network_matches(const std::string& central_dir, const host::OvnNetworkSpec& spec) {
  host::OvnCentral central(central_dir);
  if (!central.running()) return false;
  auto nb = central.connect_nb();
  if (!nb) return false;
  auto matches = host::ovn_network_matches(*nb, spec);
  return matches && *matches;
}

std::optional<bool> SystemObserved::tx_checksumming(const std::string& netns, const std::string& device) {
  if (!link(netns, device)) return std::nullopt;
  auto on = host::tx_checksumming(netns, device);
  if (!on) return std::nullopt;
  return on.value();
}

bool SystemObserved::libvirtd_running(const std::string& run_dir) { return host::PrivateLibvirtd(run_dir).running(); }

bool SystemObserved::file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool SystemObserved::domain_runs(const std::string& uri, const std::string& name, const std::string& xml_copy,
                                 const std::string& xml) {
  std::ifstream in(xml_copy);
  std::stringstream defined;
  defined << in.rdbuf();
  if (!in || defined.str() != xml) return false;
  auto client = host::LibvirtClient::open(uri);
  if (!client) return false;
  auto st = client->state(name);
  return st && *st == host::DomainState::running;
}

bool SystemObserved::domain_exists(const std::string& uri, const std::string& name) {
  auto client = host::LibvirtClient::open(uri);
  if (!client) return false;
  auto st = client->state(name);
  return st && *st != host::DomainState::absent;
}

bool SystemObserved::has_lease(const std::string& lease_file, const model::Mac& mac) {
  auto leases = host::read_leases(lease_file);
  if (!leases) return false;
  for (const auto& l : *leases)
    if (l.mac == mac) return true;
  return false;
}

bool SystemObserved::vm_has_address(const std::string& uri, const std::string& domain, const model::Mac& mac) {
  return host::vm_nic_address(uri, domain, mac).has_value();
}

std::optional<model::Impairment> SystemObserved::netem(const std::string& netns, const std::string& device) {
  Space* sp = space(netns);
  if (!sp) return std::nullopt;
  const host::LinkInfo* l = find_link(netns, *sp, device);
  if (!l) return std::nullopt;  // no device, no qdisc: nothing dumped
  if (!sp->netem) {
    sp->netem.emplace();
    const std::vector<host::LinkInfo> no_names;
    if (auto nl = sockets_.netlink(netns))
      if (auto roots = (*nl)->root_qdiscs(&no_names))
        for (const auto& q : *roots)
          if (q.netem) (*sp->netem)[q.ifindex] = *q.netem;
  }
  auto it = sp->netem->find(l->ifindex);
  if (it == sp->netem->end()) return std::nullopt;
  return it->second;
}

}  // namespace netlab::plan
