#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlab/plan/system_writer.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>

#include "netlab/host/lease_file.h"
#include "netlab/host/libvirt_daemon.h"
#include "netlab/host/vm_address.h"
#include "netlab/host/owned_process.h"
#include "netlab/host/process.h"

#include <filesystem>

#include "netlab/host/dnsmasq.h"
#include "netlab/host/ethtool.h"
#include "netlab/host/netns.h"
#include "netlab/host/ovsdb.h"
#include "netlab/host/process.h"
#include "netlab/host/sysctl.h"
#include "netlab/model/file_io.h"

namespace netlab::plan {
namespace {

/// Runs `fn` on the rtnetlink socket of `netns`; the socket's Error when it cannot be opened.
template <typename Fn>
auto on_netlink(Sockets& sockets, const std::string& netns, Fn&& fn) -> decltype(fn(std::declval<host::Netlink&>())) {
  auto nl = sockets.netlink(netns);
  if (!nl) return nl.error();
  return fn(**nl);
}

}  // namespace

// Touches no socket: runs on two threads at once (see HostWriter::create_netns).
Status SystemWriter::create_netns(const std::string& name, bool ipv6_off) {
  return host::create_netns(name, host::Loopback::up, ipv6_off ? host::Ipv6::off : host::Ipv6::on);
}

Status SystemWriter::delete_netns(const std::string& name) {
  sockets_.forget(name);
  // Whatever still runs in the lab's namespace is the lab's (a one-shot DHCP
  // client of an `up` killed half-way, a command left by `exec`): it goes with it.
  for (pid_t pid : netns_processes_.in(name)) (void)host::terminate(pid, std::chrono::seconds(1));
  return host::delete_netns(name);
}

bool SystemWriter::netns_exists(const std::string& name) { return host::netns_exists(name); }

bool SystemWriter::netns_file_exists(const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists(host::netns_path(name), ec);
}

Result<std::string> SystemWriter::sysctl(const std::string& netns, const std::string& key) {
  return host::get_sysctl(netns, key);
}

Status SystemWriter::set_sysctl(const std::string& netns, const std::string& key, const std::string& value) {
  return host::set_sysctl(netns, key, value);
}

Result<std::optional<host::LinkInfo>> SystemWriter::find_link(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.find_link(name); });
}

Status SystemWriter::create_bridge(const std::string& netns, const host::BridgeSpec& spec) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.create_bridge(spec); });
}

Status SystemWriter::create_veth(const std::string& netns, const host::VethSpec& spec) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.create_veth(spec); });
}

Status SystemWriter::create_tap(const std::string& netns, const std::string& name, const std::string& alias) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.create_tap(name, alias); });
}

Status SystemWriter::create_macvlan(const std::string& netns, const host::MacvlanSpec& spec) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.create_macvlan(spec); });
}

Status SystemWriter::create_macvtap(const std::string& netns, const host::MacvlanSpec& spec, const std::string& alias) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.create_macvtap(spec, alias); });
}

Status SystemWriter::delete_link(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.delete_link(name); });
}

Status SystemWriter::set_alias(const std::string& netns, const std::string& name, const std::string& alias) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_alias(name, alias); });
}

Status SystemWriter::set_no_ipv6_addresses(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_no_ipv6_addresses(name); });
}

Status SystemWriter::set_mtu(const std::string& netns, const std::string& name, int mtu) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_mtu(name, mtu); });
}

Status SystemWriter::set_master(const std::string& netns, const std::string& name, const std::string& master) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_master(name, master); });
}

Result<host::UplinkSnapshot> SystemWriter::snapshot_uplink(const std::string& netns, const std::string& nic,
                                                           const std::string& bridge) {
  auto nl = sockets_.netlink(netns);
  if (!nl) return nl.error();
  return host::snapshot_uplink(**nl, nic, bridge);
}

Status SystemWriter::move_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return host::move_uplink(nl, snapshot); });
}

Status SystemWriter::restore_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return host::restore_uplink(nl, snapshot); });
}

Status SystemWriter::set_up(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_up(name); });
}

Status SystemWriter::settle(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.settle(name); });
}



Status SystemWriter::add_address(const std::string& netns, const std::string& device, const model::Cidr& address) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.add_address(device, address); });
}


Status SystemWriter::del_address(const std::string& netns, const std::string& device, const model::Cidr& address) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.del_address(device, address); });
}

Status SystemWriter::add_route(const std::string& netns, const host::RouteSpec& route) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.add_route(route); });
}

Status SystemWriter::add_address6(const std::string& netns, const std::string& device, const model::Cidr6& address) {
  host::IpAddress a;
  a.family = AF_INET6;
  a.local = address.address.str();
  a.prefix = address.prefix;
  a.flags = IFA_F_NODAD;
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.add_ip_address(device, a); });
}

Status SystemWriter::add_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                                const model::Ipv6& gateway, const std::string& device) {
  host::IpRoute r;
  r.family = AF_INET6;
  if (destination) {
    r.dst = destination->block().address.str();
    r.dst_len = destination->prefix;
  }
  r.gateway = gateway.str();
  r.dev = device;
  r.protocol = RTPROT_BOOT;
  r.scope = RT_SCOPE_UNIVERSE;
  r.type = RTN_UNICAST;
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.replace_ip_route(r); });
}

Result<std::vector<model::Cidr6>> SystemWriter::addresses6(const std::string& netns, const std::string& device) {
  auto held = on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.ip_addresses(device); });
  if (!held) return held.error();
  return host::global_addresses6(*held);
}

Result<bool> SystemWriter::has_default_route6(const std::string& netns, const std::string& device) {
  auto routes = on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.ip_routes(); });
  if (!routes) return routes.error();
  for (const auto& r : *routes)
    if (r.family == AF_INET6 && r.table == RT_TABLE_MAIN && r.dst_len == 0 && r.dev == device) return true;
  return false;
}

Status SystemWriter::replace_nft_table(const std::string& netns, const std::string&, const std::string& ruleset) {
  auto nft = sockets_.nft(netns);
  if (!nft) return nft.error();
  return (*nft)->apply(ruleset);
}

Result<host::DeleteOutcome> SystemWriter::delete_nft_table(const std::string& netns, const std::string& family,
                                                           const std::string& table) {
  auto nft = sockets_.nft(netns);
  if (!nft) return host::DeleteOutcome::absent;  // the namespace cannot be entered: nothing of it to delete
  return (*nft)->delete_table(family, table);
}

Status SystemWriter::start_dnsmasq(const std::string& netns, const host::DnsmasqConfig& config) {
  auto bridge = find_link(netns, config.bridge);
  if (!bridge) return bridge.error();
  if (!*bridge) return Error{"dnsmasq for " + config.network + ": no device " + config.bridge + " to serve"};
  host::Dnsmasq dnsmasq(config);
  if (auto st = dnsmasq.start(netns); !st) return st;
  // The bridge it serves, by ifindex: one deleted and recreated since is drift (planner.cpp).
  return model::write_file(dnsmasq.files().bridge_index, std::to_string((*bridge)->ifindex) + "\n");
}

std::optional<pid_t> SystemWriter::running_process(const std::string& pid_file, const std::string& detail) {
  return host::owned_process_pid(pid_file, detail);
}

Status SystemWriter::stop_process(pid_t pid) { return host::terminate(pid); }

Status SystemWriter::start_ovs(const std::string& netns, const std::string& run_dir) {
  return host::OvsInstance(run_dir).start(netns);
}

bool SystemWriter::ovs_running(const std::string& run_dir) { return host::OvsInstance(run_dir).running(); }

Status SystemWriter::stop_ovs(const std::string& run_dir) { return host::OvsInstance(run_dir).stop(); }

Status SystemWriter::ovs_add_bridge(const std::string&, const std::string& run_dir, const std::string& name,
                                    bool secure) {
  auto db = host::OvsInstance(run_dir).connect();
  if (!db) return db.error();
  return host::ovs_add_bridge(*db, name, "netdev", secure);
}

Status SystemWriter::ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                                  std::optional<int> tag, const std::string& iface_id) {
  auto db = host::OvsInstance(run_dir).connect();
  if (!db) return db.error();
  // Replaced rather than left, as ovs-vsctl --may-exist would leave a port of another tag.
  if (auto ports = host::ovs_list_ports(*db, bridge))
    for (const auto& p : *ports)
      if (p.name == port)
        if (auto st = host::ovs_del_port(*db, bridge, port); !st) return st;
  return host::ovs_add_port(*db, bridge, port, tag, iface_id);
}

Status SystemWriter::start_ovn_central(const std::string& netns, const std::string& dir, const model::Ipv4& listen) {
  return host::OvnCentral(dir).start(netns, listen);
}

bool SystemWriter::ovn_central_running(const std::string& dir) { return host::OvnCentral(dir).running(); }

Status SystemWriter::stop_ovn_central(const std::string& dir) { return host::OvnCentral(dir).stop(); }

Status SystemWriter::start_ovn_controller(const std::string& netns, const std::string& host_dir,
                                          const host::ChassisConfig& chassis) {
  return host::OvnController(host_dir).start(netns, chassis);
}

bool SystemWriter::ovn_controller_running(const std::string& host_dir) {
  return host::OvnController(host_dir).running();
}

Status SystemWriter::stop_ovn_controller(const std::string& host_dir) { return host::OvnController(host_dir).stop(); }

Status SystemWriter::apply_ovn_network(const std::string& central_dir, const host::OvnNetworkSpec& spec) {
  auto nb = host::OvnCentral(central_dir).connect_nb();
  if (!nb) return nb.error();
  return host::ovn_apply_network(*nb, spec);
}

std::optional<std::string> SystemWriter::read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status SystemWriter::write_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out.flush()) return Error{"cannot write " + tmp};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{"cannot rename " + tmp + " to " + path + ": " + ec.message()};
  return {};
}

Status SystemWriter::set_tx_checksumming(const std::string& netns, const std::string& device, bool on) {
  return host::set_tx_checksumming(netns, device, on);
}

Result<model::Cidr> SystemWriter::obtain_lease(const host::DhcpClientOptions& options) {
  auto lease = host::obtain_lease(options);
  if (!lease) return lease.error();
  return lease->address;
}

Result<pid_t> SystemWriter::start_dhcp6_client(const host::Dhcp6ClientOptions& options) {
  return host::start_dhcp6_client(options);
}

Status SystemWriter::start_libvirtd(const std::string& netns, const std::string& run_dir,
                                    const std::string& ovs_run_dir) {
  return host::PrivateLibvirtd(run_dir).start(netns, ovs_run_dir);
}

bool SystemWriter::libvirtd_running(const std::string& run_dir) { return host::PrivateLibvirtd(run_dir).running(); }

Status SystemWriter::stop_libvirtd(const std::string& run_dir) {
  libvirt_.clear();
  return host::PrivateLibvirtd(run_dir).stop();
}

Status SystemWriter::create_vm_disk(const host::BaseImage& base, const std::string& path, bool thick) {
  return thick ? host::create_thick_disk(base, path) : host::create_thin_disk(base, path);
}

Result<bool> SystemWriter::remove_file(const std::string& path) {
  std::error_code ec;
  bool removed = std::filesystem::remove(path, ec);
  if (ec) return Error{"cannot remove " + path + ": " + ec.message()};
  return removed;
}

Result<host::LibvirtClient*> SystemWriter::libvirt(const std::string& uri) {
  auto it = libvirt_.find(uri);
  if (it != libvirt_.end()) return &it->second;
  auto client = host::LibvirtClient::open(uri);
  if (!client) return client.error();
  return &libvirt_.emplace(uri, std::move(client).value()).first->second;
}

Result<host::DomainState> SystemWriter::domain_state(const std::string& uri, const std::string& name) {
  auto client = libvirt(uri);
  if (!client) return client.error();
  return (*client)->state(name);
}

Status SystemWriter::define_domain(const std::string& uri, const std::string& xml, const std::string& xml_copy) {
  auto client = libvirt(uri);
  if (!client) return client.error();
  if (auto st = (*client)->define(xml); !st) return st;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(xml_copy).parent_path(), ec);
  std::ofstream out(xml_copy, std::ios::trunc);
  out << xml;
  if (!out) return Error{"cannot write " + xml_copy};
  return {};
}

Status SystemWriter::start_domain(const std::string& uri, const std::string& name) {
  auto client = libvirt(uri);
  if (!client) return client.error();
  return (*client)->start(name);
}

Status SystemWriter::destroy_domain(const std::string& uri, const std::string& name) {
  auto client = libvirt(uri);
  if (!client) return client.error();
  return (*client)->destroy(name);
}

Status SystemWriter::undefine_domain(const std::string& uri, const std::string& name) {
  auto client = libvirt(uri);
  if (!client) return client.error();
  return (*client)->undefine(name);
}

std::optional<pid_t> SystemWriter::orphan_qemu(const std::string& uri, const std::string& name) {
  // A private daemon's URI names its socket; libvirt keeps <socket dir>/qemu/<domain>.pid.
  const std::string key = "socket=";
  auto at = uri.find(key);
  if (at == std::string::npos) return std::nullopt;
  const std::string run = std::filesystem::path(uri.substr(at + key.size())).parent_path().string();
  std::ifstream in(run + "/qemu/" + name + ".pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0 || !host::alive(static_cast<pid_t>(pid))) return std::nullopt;
  if (host::process_name(static_cast<pid_t>(pid)).rfind("qemu-system", 0) != 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::optional<model::Ipv4> SystemWriter::leased_address(const std::string& lease_file, const model::Mac& mac) {
  auto leases = host::read_leases(lease_file);
  if (!leases) return std::nullopt;
  for (const auto& l : *leases)
    if (l.mac == mac) return l.ip;
  return std::nullopt;
}

std::optional<model::Ipv4> SystemWriter::vm_address(const std::string& uri, const std::string& domain,
                                                    const model::Mac& mac) {
  auto client = libvirt(uri);
  if (!client) return std::nullopt;
  return host::vm_nic_address(**client, domain, mac);
}

Status SystemWriter::set_netem(const std::string& netns, const std::string& device,
                               const model::Impairment& impairment) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) {
    return impairment.none() ? nl.clear_netem(device) : nl.set_netem(device, impairment);
  });
}

}  // namespace netlab::plan
