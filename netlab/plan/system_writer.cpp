#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlab/plan/system_writer.h"

#include <filesystem>

#include "netlab/host/dnsmasq.h"
#include "netlab/host/ethtool.h"
#include "netlab/host/netns.h"
#include "netlab/host/ovsdb.h"
#include "netlab/host/process.h"
#include "netlab/host/sysctl.h"

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

Status SystemWriter::set_up(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.set_up(name); });
}

Status SystemWriter::settle(const std::string& netns, const std::string& name) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.settle(name); });
}

Result<std::vector<model::Cidr>> SystemWriter::addresses(const std::string& netns, const std::string& device) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.list_addresses(device); });
}

Result<std::vector<host::RouteInfo>> SystemWriter::routes(const std::string& netns) {
  return on_netlink(sockets_, netns, [&](host::Netlink& nl) { return nl.list_routes(); });
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
  return host::Dnsmasq(config).start(netns);
}

std::optional<pid_t> SystemWriter::running_process(const std::string& pid_file, const std::string& conf_file) {
  return host::pid_running_conf(pid_file, conf_file);
}

Status SystemWriter::stop_process(pid_t pid) { return host::terminate(pid); }

Status SystemWriter::start_ovs(const std::string& netns, const std::string& run_dir) {
  return host::OvsInstance(run_dir).start(netns);
}

bool SystemWriter::ovs_running(const std::string& run_dir) { return host::OvsInstance(run_dir).running(); }

Status SystemWriter::stop_ovs(const std::string& run_dir) { return host::OvsInstance(run_dir).stop(); }

Status SystemWriter::ovs_add_bridge(const std::string&, const std::string& run_dir, const std::string& name) {
  auto db = host::OvsInstance(run_dir).connect();
  if (!db) return db.error();
  return host::ovs_add_bridge(*db, name);
}

Status SystemWriter::ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                                  std::optional<int> tag) {
  auto db = host::OvsInstance(run_dir).connect();
  if (!db) return db.error();
  // Replaced rather than left, as ovs-vsctl --may-exist would leave a port of another tag.
  if (auto ports = host::ovs_list_ports(*db, bridge))
    for (const auto& p : *ports)
      if (p.name == port)
        if (auto st = host::ovs_del_port(*db, bridge, port); !st) return st;
  return host::ovs_add_port(*db, bridge, port, tag);
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

}  // namespace netlab::plan
