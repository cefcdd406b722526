// `netlab status [LAB] [--json]`: the labs, or one lab's networks, guests with
// their addresses and DHCP leases, and its drift from the file. The JSON form is
// stable (schema 1, README "status --json").
#include <fmt/core.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>
#include <nlohmann/json.hpp>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/model/mode_traits.h"
#include "netlab/plan/lab.h"
#include "netlab/plan/vm_ops.h"
#include "netlab/state/lab_state.h"

namespace netlab::cli {
namespace {

using nlohmann::json;

json lease_json(const host::Lease& l) {
  return {{"mac", l.mac.str()}, {"ip", l.ip.str()}, {"hostname", l.hostname}, {"expiry", l.expiry}};
}

json lease6_json(const host::Lease6& l) {
  return {{"ip", l.ip.str()}, {"iaid", l.iaid}, {"duid", l.duid}, {"hostname", l.hostname}, {"expiry", l.expiry}};
}

json vm_json(const plan::VmStatus& v) {
  json disks = json::array();
  for (const auto& d : v.disks)
    disks.push_back({{"path", d.path}, {"format", d.format}, {"backing", d.backing},
                     {"virtual_size", d.virtual_size}, {"allocated_size", d.allocated_size}});
  return {{"domain", v.domain}, {"state", v.state}, {"accelerator", v.accelerator}, {"vcpus", v.vcpus},
          {"memory_mib", v.memory_mib}, {"disks", disks}, {"interrupted_migration", v.interrupted_migration}};
}

/// The VM side of each kvm guest, read once for both forms.
std::map<std::string, plan::VmStatus> vm_statuses(const plan::LabStatus& s) {
  std::map<std::string, plan::VmStatus> out;
  for (const auto& g : s.guests)
    if (g.kind == model::GuestKind::kvm) out[g.name] = plan::vm_status(s.state.lab, g.name);
  return out;
}

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

json ovn_json(const plan::OvnStatus& o) {
  json hosts = json::array(), chassis = json::array(), bindings = json::array();
  for (const auto& h : o.hosts) {
    json tunnels = json::array();
    for (const auto& t : h.tunnels) tunnels.push_back({{"port", t.name}, {"type", t.type}, {"remote_ip", t.remote_ip}});
    hosts.push_back({{"name", h.name}, {"netns", h.netns}, {"underlay", h.underlay}, {"ovn_controller", h.controller},
                     {"gateway", h.gateway}, {"tunnels", tunnels}});
  }
  for (const auto& c : o.chassis) chassis.push_back({{"name", c.name}, {"encap", c.encap_type}, {"ip", c.encap_ip}});
  for (const auto& b : o.bindings) {
    json port = {{"logical_port", b.logical_port}, {"chassis", b.chassis}, {"up", b.up}};
    for (const auto& a : o.addresses)
      if (a.port == b.logical_port) port["addresses"] = a.dynamic_addresses.empty() ? a.addresses : a.dynamic_addresses;
    bindings.push_back(std::move(port));
  }
  return {{"central", o.central}, {"hosts", hosts}, {"chassis", chassis}, {"ports", bindings}, {"problems", o.problems}};
}

void print_table(const std::vector<std::vector<std::string>>& rows);

/// The hosts of a lab on OVN, the chassis SB knows, and where each logical port is bound.
void print_ovn(const plan::OvnStatus& o) {
  std::vector<std::vector<std::string>> hosts{{"HOST", "NAMESPACE", "UNDERLAY", "OVN-CONTROLLER", "TUNNELS"}};
  for (const auto& h : o.hosts) {
    std::string tunnels;
    for (const auto& t : h.tunnels) tunnels += (tunnels.empty() ? "" : ", ") + t.type + " to " + t.remote_ip;
    hosts.push_back({h.name + (h.gateway ? " (gateway)" : ""), h.netns, h.underlay.empty() ? "-" : h.underlay,
                     h.controller ? "running" : "NOT RUNNING", tunnels.empty() ? "none" : tunnels});
  }
  fmt::print("\nOVN: databases and ovn-northd {}\n", o.central ? "running" : "NOT RUNNING");
  print_table(hosts);
  std::string chassis;
  for (const auto& c : o.chassis) chassis += (chassis.empty() ? "" : ", ") + c.name + " (" + c.encap_type + " " + c.encap_ip + ")";
  fmt::print("chassis in SB: {}\n", chassis.empty() ? "none" : chassis);
  std::vector<std::vector<std::string>> ports{{"LOGICAL PORT", "BOUND ON", "UP", "OVN ADDRESS"}};
  for (const auto& b : o.bindings) {
    std::string address = "-";
    for (const auto& a : o.addresses)
      if (a.port == b.logical_port) address = a.dynamic_addresses.empty() ? a.addresses : a.dynamic_addresses + " (dynamic)";
    ports.push_back({b.logical_port, b.chassis.empty() ? "(unbound)" : b.chassis, b.up ? "yes" : "no", address});
  }
  fmt::print("\n");
  print_table(ports);
  for (const auto& p : o.problems) fmt::print("problem: {}\n", p);
}

json status_json(const plan::LabStatus& s) {
  const auto vms = vm_statuses(s);
  json networks = json::array(), guests = json::array();
  for (const auto& n : s.networks) {
    json leases = json::array();
    for (const auto& l : n.leases) leases.push_back(lease_json(l));
    json leases6 = json::array();
    for (const auto& l : n.leases6) leases6.push_back(lease6_json(l));
    networks.push_back({{"name", n.name}, {"mode", model::to_string(n.mode)}, {"bridge", n.bridge}, {"subnet", n.subnet},
                        {"gateway", n.gateway}, {"subnet6", n.subnet6}, {"gateway6", n.gateway6}, {"bridge_up", n.bridge_up}, {"macvtap_on", n.macvtap_on}, {"dnsmasq_pid", n.dnsmasq_pid},
                        {"leases", leases}, {"leases6", leases6}});
  }
  for (const auto& g : s.guests) {
    json nics = json::array();
    for (const auto& n : g.nics)
      nics.push_back({{"nic", n.nic}, {"host_device", n.host_device}, {"network", n.network}, {"mac", n.mac}, {"address_kind", model::to_string(n.address_kind)},
                      {"address", n.address}, {"addresses6", n.addresses6}, {"lease", n.lease ? lease_json(*n.lease) : json(nullptr)},
                      {"lease6", n.lease6 ? lease6_json(*n.lease6) : json(nullptr)}});
    json guest = {{"name", g.name}, {"kind", model::to_string(g.kind)}, {"netns", g.netns}, {"present", g.present}, {"nics", nics}};
    if (auto it = vms.find(g.name); it != vms.end()) {
      guest["vm"] = vm_json(it->second);
      guest["present"] = it->second.state == "running";
    }
    guests.push_back(std::move(guest));
  }
  return {{"schema", 1},
          {"lab", s.state.lab},
          {"phase", state::to_string(s.state.phase)},
          {"sandbox", s.state.sandbox},
          {"host_netns", s.state.host_netns},
          {"topology_file", s.state.topology_file},
          {"updated", s.state.updated},
          {"networks", networks},
          {"guests", guests},
          {"ovn", s.ovn ? ovn_json(*s.ovn) : json(nullptr)},
          {"drift", s.drift}};
}

std::string expires_in(int64_t expiry) {
  if (expiry == 0) return "never";
  int64_t left = expiry - static_cast<int64_t>(std::time(nullptr));
  if (left <= 0) return "expired";
  return left >= 3600 ? fmt::format("in {}h{:02}m", left / 3600, left % 3600 / 60) : fmt::format("in {}m", left / 60);
}

/// Prints rows as left-aligned columns as wide as their longest cell (names run up to 40 characters).
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 < row.size() ? fmt::format("{:<{}} ", row[i], width[i]) : row[i];
    fmt::print("{}\n", line);
  }
}

void print_status(const plan::LabStatus& s) {
  fmt::print("lab {}: {}{}, from {} (updated {})\n", s.state.lab, state::to_string(s.state.phase),
             s.state.sandbox ? " in the sandbox (host namespace " + s.state.host_netns + ")" : " on this host",
             s.state.topology_file, s.state.updated);
  std::vector<std::vector<std::string>> networks{{"NETWORK", "MODE", "BRIDGE", "SUBNET", "GATEWAY", "DHCP/DNS"}};
  for (const auto& n : s.networks) {
    std::string dns = n.dnsmasq_pid ? fmt::format("dnsmasq pid {}, {} leases", n.dnsmasq_pid, n.leases.size()) +
                                          (n.subnet6.empty() ? "" : fmt::format(", {} DHCPv6", n.leases6.size()))
                                    : std::string(model::traits(n.mode).on_lan ? "from the LAN" : "-");
    networks.push_back({n.name, model::to_string(n.mode),
                        !n.macvtap_on.empty() ? "macvtap on " + n.macvtap_on : n.bridge + (n.bridge_up ? "" : " (down)"),
                        n.subnet6.empty() ? n.subnet : n.subnet + " " + n.subnet6,
                        n.gateway6.empty() ? n.gateway : n.gateway + " " + n.gateway6, dns});
  }
  fmt::print("\n");
  print_table(networks);
  // HOST SIDE: the kernel name of the NIC's host-side device, derived to fit 15 bytes (model/names.h).
  std::vector<std::vector<std::string>> guests{
      {"GUEST", "KIND", "NIC", "HOST SIDE", "NETWORK", "ADDRESS", "MAC", "LEASE"}};
  for (const auto& g : s.guests) {
    for (const auto& n : g.nics) {
      std::string address = n.address.empty() ? (g.present ? "(none)" : "(absent)") : n.address;
      if (g.kind == model::GuestKind::kvm) address = n.lease ? n.lease->ip.str() : "(inside the VM)";  // netlab sees only its tap
      if (g.kind == model::GuestKind::kvm && n.lease6) address += " " + n.lease6->ip.str();
      for (const auto& a6 : n.addresses6) address += " " + a6;
      std::string lease = n.lease ? fmt::format("{} expires {}", n.lease->ip.str(), expires_in(n.lease->expiry))
                                  : std::string(n.address_kind == model::AddressKind::dhcp ? "no lease" : model::to_string(n.address_kind));
      if (n.lease6) lease += fmt::format(", {} expires {}", n.lease6->ip.str(), expires_in(n.lease6->expiry));
      guests.push_back({g.name, model::to_string(g.kind), n.nic, n.host_device.empty() ? "-" : n.host_device, n.network,
                        address, n.mac, lease});
    }
  }
  fmt::print("\n");
  print_table(guests);
  if (s.ovn) print_ovn(*s.ovn);
  const auto vms = vm_statuses(s);
  if (!vms.empty()) {
    std::vector<std::vector<std::string>> rows{{"VM", "DOMAIN", "STATE", "ACCEL", "VCPUS", "MEMORY"}};
    for (const auto& [name, v] : vms)
      rows.push_back({name, v.domain, v.state, v.accelerator, std::to_string(v.vcpus), fmt::format("{} MiB", v.memory_mib)});
    fmt::print("\n");
    print_table(rows);
    for (const auto& [name, v] : vms)
      if (!v.interrupted_migration.empty()) fmt::print("{}: {}\n", name, v.interrupted_migration);
    for (const auto& [name, v] : vms)
      for (const auto& d : v.disks)
        fmt::print("{} disk {} ({}{}), virtual {}, allocated {}\n", name, d.path, d.format,
                   d.backing.empty() ? "" : ", backing " + d.backing, mib(d.virtual_size), mib(d.allocated_size));
  }
  if (s.drift.empty()) {
    fmt::print("\ndrift: none (the lab matches its file)\n");
  } else {
    fmt::print("\ndrift: `netlab up` would take {} steps:\n", s.drift.size());
    for (const auto& d : s.drift) fmt::print("  {}\n", d);
  }
}

void list_labs(bool as_json) {
  json labs = json::array();
  for (const auto& lab : state::list_labs()) {
    auto st = state::read_state(lab);
    if (!st) continue;
    labs.push_back({{"lab", lab}, {"phase", state::to_string(st->phase)}, {"sandbox", st->sandbox},
                    {"topology_file", st->topology_file}, {"updated", st->updated}});
  }
  if (as_json) {
    fmt::print("{}\n", json{{"schema", 1}, {"labs", labs}}.dump(2));
    return;
  }
  if (labs.empty()) {
    fmt::print("no labs\n");
    return;
  }
  fmt::print("{:<12} {:<9} {:<8} {}\n", "LAB", "PHASE", "WHERE", "FILE");
  for (const auto& l : labs)
    fmt::print("{:<12} {:<9} {:<8} {}\n", l["lab"].get<std::string>(), l["phase"].get<std::string>(),
               l["sandbox"].get<bool>() ? "sandbox" : "host", l["topology_file"].get<std::string>());
}

}  // namespace

void add_status(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("status", "Show labs; or one lab's networks, guests, DHCP leases and drift");
  auto lab = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  cmd->add_option("LAB", *lab, "lab name (all labs when omitted)")->check(lab_name_check());
  cmd->add_flag("--json", *as_json, "stable JSON output (schema 1)");
  cmd->callback([lab, as_json, exit_code] {
    if (lab->empty()) return list_labs(*as_json);
    auto s = plan::status(*lab);
    if (!s) {
      fmt::print(stderr, "netlab status: {}\n", s.error().message);
      *exit_code = kExitBadInput;
      return;
    }
    if (*as_json) fmt::print("{}\n", status_json(*s).dump(2));
    else print_status(*s);
  });
}

}  // namespace netlab::cli
