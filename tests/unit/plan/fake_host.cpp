#include "fake_host.h"

#include <sys/socket.h>

#include <algorithm>
#include <sstream>

#include "netlab/host/dnsmasq_conf.h"

namespace netlab::plan {
namespace {

std::string at(const std::string& netns, const std::string& name) { return (netns.empty() ? "-" : netns) + "/" + name; }

std::string tag_text(std::optional<int> tag) { return tag ? " tag=" + std::to_string(*tag) : ""; }

}  // namespace

Status FakeHost::write(const std::string& text) {
  writes.push_back(text);
  if (before_write) before_write(text);
  if (!fail_prefix_.empty() && text.rfind(fail_prefix_, 0) == 0) {
    fail_prefix_.clear();
    return Error{"injected failure"};
  }
  return {};
}

Status FakeHost::need_netns(const std::string& netns) const {
  if (!state_.netns_exists(netns)) return Error{"namespace " + netns + " does not exist"};
  return {};
}

Status FakeHost::need_link(const std::string& netns, const std::string& name) const {
  if (auto st = need_netns(netns); !st) return st;
  if (!state_.links.count({netns, name})) return Error{at(netns, name) + ": No such device"};
  return {};
}

Status FakeHost::new_link(const std::string& netns, const std::string& name) const {
  if (auto st = need_netns(netns); !st) return st;
  if (state_.links.count({netns, name})) return Error{at(netns, name) + ": File exists"};
  return {};
}

void FakeHost::erase_link(const Key& key) {
  if (!state_.links.erase(key)) return;
  state_.addrs.erase(key);
  state_.netems.erase(key);
  state_.tx_checksum_off.erase(key);
  auto& routes = state_.routes[key.first];
  std::erase_if(routes, [&](const host::RouteInfo& r) { return r.dev == key.second; });
  for (auto& [other, link] : state_.links)
    if (other.first == key.first && link.master == key.second) link.master.clear();
  if (auto it = veth_peer_.find(key); it != veth_peer_.end()) {
    Key peer = it->second;
    veth_peer_.erase(it);
    veth_peer_.erase(peer);
    erase_link(peer);
  }
}

void FakeHost::add_nic(const std::string& netns, const std::string& name, const std::string& mac) {
  state_.links[{netns, name}] = {"", "", "", true};
  if (!mac.empty()) macs[{netns, name}] = mac;
}

Status FakeHost::create_netns(const std::string& name, bool ipv6_off) {
  std::lock_guard lock(mutex_);
  if (auto st = write("create_netns " + name + (ipv6_off ? " ipv6_off" : "")); !st) return st;
  if (state_.namespaces.count(name)) return Error{"namespace " + name + " exists"};
  state_.namespaces.insert(name);
  state_.links[{name, "lo"}] = {"", "", "", true};
  return {};
}

Status FakeHost::delete_netns(const std::string& name) {
  if (auto st = write("delete_netns " + name); !st) return st;
  if (auto st = need_netns(name); !st) return st;
  std::vector<Key> inside;
  for (const auto& [key, link] : state_.links)
    if (key.first == name) inside.push_back(key);
  for (const auto& key : inside) erase_link(key);
  state_.namespaces.erase(name);
  state_.routes.erase(name);
  std::erase_if(state_.sysctls, [&](const auto& kv) { return kv.first.first == name; });
  std::erase_if(state_.nft, [&](const auto& kv) { return kv.first.first == name; });
  return {};
}

Result<std::string> FakeHost::sysctl(const std::string& netns, const std::string& key) {
  if (auto st = need_netns(netns); !st) return st.error();
  auto it = state_.sysctls.find({netns, key});
  return it == state_.sysctls.end() ? std::string("0") : it->second;
}

Status FakeHost::set_sysctl(const std::string& netns, const std::string& key, const std::string& value) {
  if (auto st = write("set_sysctl " + at(netns, key) + "=" + value); !st) return st;
  if (auto st = need_netns(netns); !st) return st;
  state_.sysctls[{netns, key}] = value;
  return {};
}

Result<std::optional<host::LinkInfo>> FakeHost::find_link(const std::string& netns, const std::string& name) {
  if (auto st = need_netns(netns); !st) return st.error();
  auto it = state_.links.find({netns, name});
  if (it == state_.links.end()) return std::optional<host::LinkInfo>{};
  host::LinkInfo info;
  info.name = name;
  info.kind = it->second.kind;
  info.master = it->second.master;
  info.alias = it->second.alias;
  info.up = it->second.up;
  if (auto mac = macs.find({netns, name}); mac != macs.end()) info.mac = mac->second;
  return std::optional<host::LinkInfo>{info};
}

Status FakeHost::create_bridge(const std::string& netns, const host::BridgeSpec& spec) {
  if (auto st = write("create_bridge " + at(netns, spec.name) + (spec.mac ? " mac=" + spec.mac->str() : "")); !st)
    return st;
  if (auto st = new_link(netns, spec.name); !st) return st;
  state_.links[{netns, spec.name}] = {"bridge", "", spec.alias, spec.up};
  if (spec.mac) macs[{netns, spec.name}] = spec.mac->str();
  return {};
}

Status FakeHost::create_veth(const std::string& netns, const host::VethSpec& spec) {
  const std::string peer_ns = spec.peer_netns.empty() ? netns : spec.peer_netns;
  if (auto st = write("create_veth " + at(netns, spec.name) + " peer " + at(peer_ns, spec.peer_name) +
                      (spec.master.empty() ? "" : " master=" + spec.master) + (spec.up ? " up" : ""));
      !st)
    return st;
  if (auto st = new_link(netns, spec.name); !st) return st;
  if (auto st = new_link(peer_ns, spec.peer_name); !st) return st;
  if (!spec.master.empty())
    if (auto st = need_link(netns, spec.master); !st) return st;
  state_.links[{netns, spec.name}] = {"veth", spec.master, spec.alias, spec.up};
  state_.links[{peer_ns, spec.peer_name}] = {"veth", "", "", spec.peer_up};
  veth_peer_[{netns, spec.name}] = {peer_ns, spec.peer_name};
  veth_peer_[{peer_ns, spec.peer_name}] = {netns, spec.name};
  return {};
}

Status FakeHost::create_tap(const std::string& netns, const std::string& name, const std::string& alias) {
  if (auto st = write("create_tap " + at(netns, name)); !st) return st;
  if (auto st = new_link(netns, name); !st) return st;
  state_.links[{netns, name}] = {"tun", "", alias, false};
  return {};
}

Status FakeHost::create_macvlan(const std::string& netns, const host::MacvlanSpec& spec) {
  if (auto st = write("create_macvlan " + at(spec.netns, spec.name) + " on " + at(netns, spec.lower)); !st) return st;
  if (auto st = need_link(netns, spec.lower); !st) return st;
  if (auto st = new_link(spec.netns, spec.name); !st) return st;
  state_.links[{spec.netns, spec.name}] = {"macvlan", "", "", false};
  return {};
}

Status FakeHost::create_macvtap(const std::string& netns, const host::MacvlanSpec& spec, const std::string& alias) {
  if (auto st = write("create_macvtap " + at(netns, spec.name) + " on " + spec.lower); !st) return st;
  if (auto st = need_link(netns, spec.lower); !st) return st;
  if (auto st = new_link(netns, spec.name); !st) return st;
  state_.links[{netns, spec.name}] = {"macvtap", "", alias, false};
  return {};
}

Status FakeHost::delete_link(const std::string& netns, const std::string& name) {
  if (auto st = write("delete_link " + at(netns, name)); !st) return st;
  if (auto st = need_link(netns, name); !st) return st;
  erase_link({netns, name});
  return {};
}

Status FakeHost::set_alias(const std::string& netns, const std::string& name, const std::string& alias) {
  if (auto st = write("set_alias " + at(netns, name) + " " + alias); !st) return st;
  if (auto st = need_link(netns, name); !st) return st;
  state_.links[{netns, name}].alias = alias;
  return {};
}

Status FakeHost::set_no_ipv6_addresses(const std::string& netns, const std::string& name) {
  if (auto st = write("set_no_ipv6_addresses " + at(netns, name)); !st) return st;
  return need_link(netns, name);
}

Status FakeHost::set_mtu(const std::string& netns, const std::string& name, int mtu) {
  if (auto st = write("set_mtu " + at(netns, name) + " " + std::to_string(mtu)); !st) return st;
  return need_link(netns, name);
}

Status FakeHost::set_master(const std::string& netns, const std::string& name, const std::string& master) {
  if (auto st = write("set_master " + at(netns, name) + " " + master); !st) return st;
  if (auto st = need_link(netns, name); !st) return st;
  if (auto st = need_link(netns, master); !st) return st;
  state_.links[{netns, name}].master = master;
  return {};
}

// The fake host keeps IPv4 addresses and main-table routes only: the snapshot carries those.
Result<host::UplinkSnapshot> FakeHost::snapshot_uplink(const std::string& netns, const std::string& nic,
                                                       const std::string& bridge) {
  if (auto st = need_link(netns, nic); !st) return st.error();
  host::UplinkSnapshot s{nic, bridge, {}, {}};
  for (const auto& a : state_.addresses(netns, nic)) {
    host::IpAddress ip;
    ip.family = AF_INET;
    ip.local = a.address.str();
    ip.prefix = a.prefix;
    s.addresses.push_back(ip);
  }
  for (const auto& r : state_.routes[netns]) {
    if (r.dev != nic) continue;
    host::IpRoute ip;
    ip.family = AF_INET;
    if (r.dest) {
      ip.dst = r.dest->address.str();
      ip.dst_len = r.dest->prefix;
    }
    if (r.gateway) ip.gateway = r.gateway->str();
    ip.dev = nic;
    ip.metric = static_cast<uint32_t>(r.metric);
    s.routes.push_back(ip);
  }
  return s;
}

namespace {

/// Moves every address and route of the snapshot from device `from` to `to` in the fake state.
void carry(FakeObserved& state, const std::string& netns, const host::UplinkSnapshot& s, const std::string& from,
           const std::string& to) {
  for (const auto& a : s.addresses) {
    model::Cidr cidr{*model::Ipv4::parse(a.local), a.prefix};
    std::erase(state.addrs[{netns, from}], cidr);
    auto& list = state.addrs[{netns, to}];
    if (std::find(list.begin(), list.end(), cidr) == list.end()) list.push_back(cidr);
  }
  for (auto& r : state.routes[netns])
    if (r.dev == from) r.dev = to;
}

}  // namespace

Status FakeHost::move_uplink(const std::string& netns, const host::UplinkSnapshot& s) {
  if (auto st = write("move_uplink " + at(netns, s.nic) + " " + s.bridge); !st) return st;
  if (auto st = need_link(netns, s.nic); !st) return st;
  if (auto st = need_link(netns, s.bridge); !st) return st;
  carry(state_, netns, s, s.nic, s.bridge);
  state_.links[{netns, s.bridge}].up = true;
  state_.links[{netns, s.nic}].master = s.bridge;
  return {};
}

Status FakeHost::restore_uplink(const std::string& netns, const host::UplinkSnapshot& s) {
  if (auto st = write("restore_uplink " + at(netns, s.nic) + " " + s.bridge); !st) return st;
  if (!state_.links.count({netns, s.nic})) return {};  // the NIC is gone
  carry(state_, netns, s, s.bridge, s.nic);
  if (state_.links[{netns, s.nic}].master == s.bridge) state_.links[{netns, s.nic}].master.clear();
  return {};
}

Status FakeHost::set_up(const std::string& netns, const std::string& name) {
  if (auto st = write("set_up " + at(netns, name)); !st) return st;
  if (auto st = need_link(netns, name); !st) return st;
  state_.links[{netns, name}].up = true;
  return {};
}

Status FakeHost::settle(const std::string& netns, const std::string& name) {
  settled.push_back(at(netns, name));
  return need_link(netns, name);
}



Status FakeHost::add_address(const std::string& netns, const std::string& device, const model::Cidr& address) {
  if (auto st = write("add_address " + at(netns, device) + " " + address.str()); !st) return st;
  if (auto st = need_link(netns, device); !st) return st;
  auto& list = state_.addrs[{netns, device}];
  if (std::find(list.begin(), list.end(), address) != list.end()) return Error{address.str() + ": File exists"};
  list.push_back(address);
  return {};
}


Status FakeHost::del_address(const std::string& netns, const std::string& device, const model::Cidr& address) {
  if (auto st = write("del_address " + at(netns, device) + " " + address.str()); !st) return st;
  auto& list = state_.addrs[{netns, device}];
  auto it = std::find(list.begin(), list.end(), address);
  if (it == list.end()) return Error{address.str() + " not on " + device};
  list.erase(it);
  if (list.empty()) {
    state_.addrs.erase({netns, device});
    std::erase_if(state_.routes[netns], [&](const host::RouteInfo& r) { return r.dev == device; });
  }
  return {};
}

Status FakeHost::add_route(const std::string& netns, const host::RouteSpec& route) {
  if (auto st = write("add_route " + at(netns, route.dev) + " " + (route.dest ? route.dest->str() : "default") +
                      (route.gateway ? " via " + route.gateway->str() : ""));
      !st)
    return st;
  if (auto st = need_link(netns, route.dev); !st) return st;
  if (route.gateway) {
    bool reachable = false;
    for (const auto& a : state_.addresses(netns, route.dev)) reachable |= a.contains(*route.gateway);
    if (!reachable) return Error{"Nexthop has invalid gateway"};
  }
  state_.routes[netns].push_back({route.dest, route.gateway, route.dev, route.metric, "static"});
  return {};
}

Status FakeHost::add_address6(const std::string& netns, const std::string& device, const model::Cidr6& address) {
  if (auto st = write("add_address6 " + at(netns, device) + " " + address.str()); !st) return st;
  if (auto st = need_link(netns, device); !st) return st;
  auto& list = state_.addrs6[{netns, device}];
  if (std::find(list.begin(), list.end(), address) != list.end()) return Error{address.str() + ": File exists"};
  list.push_back(address);
  return {};
}

Status FakeHost::add_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                            const model::Ipv6& gateway, const std::string& device) {
  if (auto st = write("add_route6 " + at(netns, device) + " " + (destination ? destination->str() : "default") +
                      " via " + gateway.str());
      !st)
    return st;
  if (auto st = need_link(netns, device); !st) return st;
  bool reachable = false;
  for (const auto& a : state_.addresses6(netns, device)) reachable |= a.contains(gateway);
  if (!reachable) return Error{"Nexthop has invalid gateway"};
  state_.routes6[netns].push_back({destination, gateway, device});
  return {};
}

Result<std::vector<model::Cidr6>> FakeHost::addresses6(const std::string& netns, const std::string& device) {
  if (auto st = need_link(netns, device); !st) return st.error();
  // The kernel made the SLAAC address from an advertisement: from now on the device holds it.
  auto& held = state_.addrs6[{netns, device}];
  if (held.empty()) held.push_back(slaac_address);
  return held;
}

Result<bool> FakeHost::has_default_route6(const std::string& netns, const std::string& device) {
  if (auto st = need_link(netns, device); !st) return st.error();
  if (++default_route6_reads > advertised_route_after) return true;
  for (const auto& r : state_.routes6[netns])
    if (!r.dest && r.dev == device) return true;
  return false;
}

Status FakeHost::replace_nft_table(const std::string& netns, const std::string& table, const std::string& ruleset) {
  if (auto st = write("replace_nft_table " + at(netns, "inet " + table)); !st) return st;
  if (auto st = need_netns(netns); !st) return st;
  size_t rules = 0;  // every lab rule carries one comment (host/nft_rules.h)
  for (size_t i = ruleset.find("comment \""); i != std::string::npos; i = ruleset.find("comment \"", i + 1)) ++rules;
  state_.nft[{netns, table}] = rules;
  return {};
}

Result<host::DeleteOutcome> FakeHost::delete_nft_table(const std::string& netns, const std::string& family,
                                                       const std::string& table) {
  if (auto st = write("delete_nft_table " + at(netns, family + " " + table)); !st) return st.error();
  if (family != "inet" || !state_.nft.erase({netns, table})) return host::DeleteOutcome::absent;
  return host::DeleteOutcome::deleted;
}

Status FakeHost::start_dnsmasq(const std::string& netns, const host::DnsmasqConfig& config) {
  if (auto st = write("start_dnsmasq " + at(netns, config.network)); !st) return st;
  if (auto st = need_link(netns, config.bridge); !st) return st;
  const std::string pid_file = host::dnsmasq_files(config.run_dir, config.network).pid;
  if (!pids_.count(pid_file)) pids_[pid_file] = next_pid_++;
  state_.process_pid_files.insert(pid_file);
  auto conf = host::render_dnsmasq_conf(config);
  if (!conf) return conf.error();
  state_.files[host::dnsmasq_files(config.run_dir, config.network).conf] = conf.value();
  // As SystemWriter does: the ifindex of the device it serves.
  auto bridge = state_.links.find({netns, config.bridge});
  state_.dnsmasq_bridge_indexes[host::dnsmasq_files(config.run_dir, config.network).bridge_index] =
      bridge == state_.links.end() ? 0 : bridge->second.ifindex;
  return {};
}

Status FakeHost::write_file(const std::string& path, const std::string& content) {
  if (auto st = write("write_file " + path); !st) return st;
  state_.files[path] = content;
  return {};
}

std::optional<pid_t> FakeHost::running_process(const std::string& pid_file, const std::string&) {
  auto it = pids_.find(pid_file);
  if (it == pids_.end()) return std::nullopt;
  return it->second;
}

Status FakeHost::stop_process(pid_t pid) {
  if (auto st = write("stop_process " + std::to_string(pid)); !st) return st;
  for (auto it = pids_.begin(); it != pids_.end(); ++it)
    if (it->second == pid) {
      state_.process_pid_files.erase(it->first);
      pids_.erase(it);
      return {};
    }
  return Error{"no process " + std::to_string(pid)};
}

Status FakeHost::start_ovs(const std::string& netns, const std::string& run_dir) {
  if (auto st = write("start_ovs " + at(netns, run_dir)); !st) return st;
  if (auto st = need_netns(netns); !st) return st;
  state_.ovs_run_dirs.insert(run_dir);
  return {};
}

Status FakeHost::stop_ovs(const std::string& run_dir) {
  if (auto st = write("stop_ovs " + run_dir); !st) return st;
  if (!state_.ovs_run_dirs.erase(run_dir)) return Error{"OVS of " + run_dir + " is not running"};
  // The userspace datapath's internal ports go with ovs-vswitchd.
  for (const auto& key : ovs_bridges_[run_dir]) {
    state_.ovs_ports.erase({run_dir, key.second});
    erase_link(key);
  }
  ovs_bridges_.erase(run_dir);
  return {};
}

Status FakeHost::ovs_add_bridge(const std::string& netns, const std::string& run_dir, const std::string& name,
                                bool secure) {
  if (auto st = write("ovs_add_bridge " + at(netns, name) + (secure ? " secure" : "")); !st) return st;
  if (!state_.ovs_running(run_dir)) return Error{"cannot connect to the OVS of " + run_dir};
  if (auto st = new_link(netns, name); !st) return st;
  state_.ovs_ports[{run_dir, name}];
  state_.links[{netns, name}] = {"tun", "", "", false};
  ovs_bridges_[run_dir].push_back({netns, name});
  return {};
}

Status FakeHost::ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                              std::optional<int> tag, const std::string& iface_id) {
  if (auto st = write("ovs_set_port " + bridge + " " + port + tag_text(tag) + (iface_id.empty() ? "" : " iface-id=" + iface_id));
      !st)
    return st;
  if (!state_.ovs_running(run_dir)) return Error{"cannot connect to the OVS of " + run_dir};
  if (!state_.ovs_ports.count({run_dir, bridge})) return Error{"no OVS bridge " + bridge};
  state_.ovs_ports[{run_dir, bridge}][port] = tag;
  state_.ovs_iface_ids[port] = iface_id;
  return {};
}

Status FakeHost::start_ovn_central(const std::string& netns, const std::string& dir, const model::Ipv4& listen) {
  if (auto st = write("start_ovn_central " + at(netns, dir) + " " + listen.str()); !st) return st;
  if (auto st = need_netns(netns); !st) return st;
  state_.ovn_central_dirs.insert(dir);
  return {};
}

Status FakeHost::stop_ovn_central(const std::string& dir) {
  if (auto st = write("stop_ovn_central " + dir); !st) return st;
  if (!state_.ovn_central_dirs.erase(dir)) return Error{"OVN central of " + dir + " is not running"};
  state_.ovn_networks.clear();  // NB went with its database server
  return {};
}

Status FakeHost::start_ovn_controller(const std::string& netns, const std::string& host_dir,
                                      const host::ChassisConfig& chassis) {
  if (auto st = write("start_ovn_controller " + at(netns, host_dir) + " " + chassis.system_id + " " + chassis.remote);
      !st)
    return st;
  if (auto st = need_netns(netns); !st) return st;
  if (!state_.ovs_running(host_dir)) return Error{"cannot connect to the OVS of " + host_dir};
  state_.ovn_controller_dirs.insert(host_dir);
  return {};
}

Status FakeHost::stop_ovn_controller(const std::string& host_dir) {
  if (auto st = write("stop_ovn_controller " + host_dir); !st) return st;
  if (!state_.ovn_controller_dirs.erase(host_dir)) return Error{"ovn-controller of " + host_dir + " is not running"};
  return {};
}

Status FakeHost::apply_ovn_network(const std::string& central_dir, const host::OvnNetworkSpec& spec) {
  if (auto st = write("apply_ovn_network " + spec.network + " ports=" + std::to_string(spec.ports.size())); !st) return st;
  if (!state_.ovn_central_running(central_dir)) return Error{"cannot connect to the NB database of " + central_dir};
  state_.ovn_networks[spec.network] = host::ovn_network_digest(spec);
  return {};
}

Status FakeHost::set_tx_checksumming(const std::string& netns, const std::string& device, bool on) {
  if (auto st = write("set_tx_checksumming " + at(netns, device) + (on ? " on" : " off")); !st) return st;
  if (auto st = need_link(netns, device); !st) return st;
  if (on) state_.tx_checksum_off.erase({netns, device});
  else state_.tx_checksum_off.insert({netns, device});
  return {};
}

Result<model::Cidr> FakeHost::obtain_lease(const host::DhcpClientOptions& options) {
  if (auto st = write("obtain_lease " + at(options.netns, options.device)); !st) return st.error();
  if (auto st = need_link(options.netns, options.device); !st) return st.error();
  state_.addrs[{options.netns, options.device}].push_back(lease_address);
  return lease_address;
}

Result<pid_t> FakeHost::start_dhcp6_client(const host::Dhcp6ClientOptions& options) {
  if (auto st = write("start_dhcp6_client " + at(options.netns, options.device)); !st) return st.error();
  if (auto st = need_link(options.netns, options.device); !st) return st.error();
  const std::string pid_file = host::dhcp6_client_files(options.run_dir, options.netns, options.device).pid;
  pids_[pid_file] = next_pid_++;
  state_.process_pid_files.insert(pid_file);
  state_.addrs6[{options.netns, options.device}].push_back(lease6_address);
  return pids_[pid_file];
}

Status FakeHost::start_libvirtd(const std::string& netns, const std::string& run_dir, const std::string& ovs_run_dir) {
  if (auto st = write("start_libvirtd " + at(netns, run_dir) + (ovs_run_dir.empty() ? "" : " ovs " + ovs_run_dir)); !st)
    return st;
  if (auto st = need_netns(netns); !st) return st;
  state_.libvirtd_run_dirs.insert(run_dir);
  return {};
}

Status FakeHost::stop_libvirtd(const std::string& run_dir) {
  if (auto st = write("stop_libvirtd " + run_dir); !st) return st;
  if (!state_.libvirtd_run_dirs.erase(run_dir)) return Error{"libvirtd of " + run_dir + " is not running"};
  return {};
}

Status FakeHost::create_vm_disk(const host::BaseImage& base, const std::string& path, bool thick) {
  if (auto st = write("create_vm_disk " + path + (thick ? " thick from " : " thin on ") + base.disk); !st) return st;
  if (state_.files.count(path)) return Error{path + " exists"};
  state_.files[path] = "";
  return {};
}

Result<bool> FakeHost::remove_file(const std::string& path) {
  if (auto st = write("remove_file " + path); !st) return st.error();
  return state_.files.erase(path) > 0;
}

Result<host::DomainState> FakeHost::domain_state(const std::string&, const std::string& name) {
  auto it = domains.find(name);
  if (it == domains.end()) return host::DomainState::absent;
  return it->second.second ? host::DomainState::running : host::DomainState::shutoff;
}

Status FakeHost::define_domain(const std::string&, const std::string& xml, const std::string& xml_copy) {
  const auto name_at = xml.find("<name>") + 6;
  const std::string name = xml.substr(name_at, xml.find("</name>") - name_at);
  if (auto st = write("define_domain " + name + " copy " + xml_copy); !st) return st;
  auto& d = domains[name];
  d.first = xml;
  state_.files[xml_copy] = xml;  // as SystemWriter keeps it, for the planner
  return {};
}

Status FakeHost::start_domain(const std::string&, const std::string& name) {
  if (auto st = write("start_domain " + name); !st) return st;
  auto it = domains.find(name);
  if (it == domains.end()) return Error{"no domain " + name};
  if (it->second.second) return Error{"domain " + name + " is already running"};
  it->second.second = true;
  state_.domains[name] = it->second.first;
  return {};
}

Status FakeHost::destroy_domain(const std::string&, const std::string& name) {
  if (auto st = write("destroy_domain " + name); !st) return st;
  if (auto it = domains.find(name); it != domains.end()) it->second.second = false;
  state_.domains.erase(name);
  return {};
}

Status FakeHost::undefine_domain(const std::string&, const std::string& name) {
  if (auto st = write("undefine_domain " + name); !st) return st;
  domains.erase(name);
  return {};
}

std::optional<model::Ipv4> FakeHost::leased_address(const std::string&, const model::Mac& mac) {
  // The fake dnsmasq answers every VM at once, as the lab's real one would after a boot.
  state_.leases.insert(mac.str());
  return lease_address.address;
}

Status FakeHost::set_netem(const std::string& netns, const std::string& device, const model::Impairment& impairment) {
  if (auto st = write("set_netem " + at(netns, device) + " " + model::describe(impairment)); !st) return st;
  if (auto st = need_link(netns, device); !st) return st;
  if (impairment.none()) state_.netems.erase({netns, device});
  else state_.netems[{netns, device}] = impairment;
  return {};
}

std::string dump(const FakeObserved& state) {
  std::ostringstream out;
  for (const auto& ns : state.namespaces) out << "netns " << ns << "\n";
  for (const auto& [key, l] : state.links)
    out << "link " << at(key.first, key.second) << " kind=" << l.kind << " master=" << l.master << " alias=" << l.alias
        << (l.up ? " up" : "") << "\n";
  for (const auto& [key, list] : state.addrs)
    for (const auto& a : list) out << "address " << at(key.first, key.second) << " " << a.str() << "\n";
  for (const auto& [ns, list] : state.routes)
    for (const auto& r : list)
      out << "route " << at(ns, r.dev) << " " << (r.dest ? r.dest->str() : "default") << " via "
          << (r.gateway ? r.gateway->str() : "-") << "\n";
  for (const auto& [key, value] : state.sysctls) out << "sysctl " << at(key.first, key.second) << "=" << value << "\n";
  for (const auto& [key, rules] : state.nft) out << "nft " << at(key.first, key.second) << " " << rules << "\n";
  for (const auto& pid_file : state.process_pid_files) out << "dnsmasq " << pid_file << "\n";
  for (const auto& dir : state.ovs_run_dirs) out << "ovs " << dir << "\n";
  for (const auto& [bridge, ports] : state.ovs_ports)
    for (const auto& [port, tag] : ports) out << "ovs-port " << bridge.second << " " << port << tag_text(tag) << "\n";
  for (const auto& dir : state.ovn_central_dirs) out << "ovn-central " << dir << "\n";
  for (const auto& dir : state.ovn_controller_dirs) out << "ovn-controller " << dir << "\n";
  for (const auto& [net, digest] : state.ovn_networks) out << "ovn-network " << net << "\n";
  for (const auto& key : state.tx_checksum_off) out << "tx-checksum-off " << at(key.first, key.second) << "\n";
  for (const auto& [key, imp] : state.netems) out << "netem " << at(key.first, key.second) << " " << model::describe(imp) << "\n";
  return out.str();
}

}  // namespace netlab::plan
