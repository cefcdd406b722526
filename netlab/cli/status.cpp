// `netlab status [LAB] [--json]`: the labs, or one lab's networks, guests with
// their addresses and DHCP leases, and its drift from the file. The JSON form is
// stable (schema 1, README "status --json").
#include <fmt/core.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "netlab/cli/commands.h"
#include "netlab/model/mode_traits.h"
#include "netlab/plan/lab.h"
#include "netlab/state/lab_state.h"

namespace netlab::cli {
namespace {

using nlohmann::json;

json lease_json(const host::Lease& l) {
  return {{"mac", l.mac.str()}, {"ip", l.ip.str()}, {"hostname", l.hostname}, {"expiry", l.expiry}};
}

json status_json(const plan::LabStatus& s) {
  json networks = json::array(), guests = json::array();
  for (const auto& n : s.networks) {
    json leases = json::array();
    for (const auto& l : n.leases) leases.push_back(lease_json(l));
    networks.push_back({{"name", n.name}, {"mode", model::to_string(n.mode)}, {"bridge", n.bridge}, {"subnet", n.subnet},
                        {"gateway", n.gateway}, {"bridge_up", n.bridge_up}, {"macvtap_on", n.macvtap_on}, {"dnsmasq_pid", n.dnsmasq_pid},
                        {"leases", leases}});
  }
  for (const auto& g : s.guests) {
    json nics = json::array();
    for (const auto& n : g.nics)
      nics.push_back({{"nic", n.nic}, {"network", n.network}, {"mac", n.mac}, {"address_kind", model::to_string(n.address_kind)},
                      {"address", n.address}, {"lease", n.lease ? lease_json(*n.lease) : json(nullptr)}});
    guests.push_back({{"name", g.name}, {"kind", model::to_string(g.kind)}, {"netns", g.netns}, {"present", g.present}, {"nics", nics}});
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
          {"drift", s.drift}};
}

std::string expires_in(int64_t expiry) {
  if (expiry == 0) return "never";
  int64_t left = expiry - static_cast<int64_t>(std::time(nullptr));
  if (left <= 0) return "expired";
  return left >= 3600 ? fmt::format("in {}h{:02}m", left / 3600, left % 3600 / 60) : fmt::format("in {}m", left / 60);
}

void print_status(const plan::LabStatus& s) {
  fmt::print("lab {}: {}{}, from {} (updated {})\n", s.state.lab, state::to_string(s.state.phase),
             s.state.sandbox ? " in the sandbox (host namespace " + s.state.host_netns + ")" : " on this host",
             s.state.topology_file, s.state.updated);
  fmt::print("\n{:<12} {:<9} {:<15} {:<18} {:<16} {}\n", "NETWORK", "MODE", "BRIDGE", "SUBNET", "GATEWAY", "DHCP/DNS");
  for (const auto& n : s.networks) {
    std::string dns = n.dnsmasq_pid ? fmt::format("dnsmasq pid {}, {} leases", n.dnsmasq_pid, n.leases.size())
                                    : std::string(model::traits(n.mode).on_lan ? "from the LAN" : "-");
    fmt::print("{:<12} {:<9} {:<15} {:<18} {:<16} {}\n", n.name, model::to_string(n.mode), !n.macvtap_on.empty() ? "macvtap on " + n.macvtap_on : n.bridge + (n.bridge_up ? "" : " (down)"),
               n.subnet, n.gateway, dns);
  }
  fmt::print("\n{:<12} {:<6} {:<6} {:<12} {:<18} {:<19} {}\n", "GUEST", "KIND", "NIC", "NETWORK", "ADDRESS", "MAC",
             "LEASE");
  for (const auto& g : s.guests) {
    for (const auto& n : g.nics) {
      std::string address = n.address.empty() ? (g.present ? "(none)" : "(absent)") : n.address;
      if (g.kind == model::GuestKind::kvm) address = n.lease ? n.lease->ip.str() : "(inside the VM)";  // netlab sees only its tap
      std::string lease = n.lease ? fmt::format("{} expires {}", n.lease->ip.str(), expires_in(n.lease->expiry))
                                  : std::string(n.address_kind == model::AddressKind::dhcp ? "no lease" : model::to_string(n.address_kind));
      fmt::print("{:<12} {:<6} {:<6} {:<12} {:<18} {:<19} {}\n", g.name, model::to_string(g.kind), n.nic, n.network, address, n.mac,
                 lease);
    }
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
  cmd->add_option("LAB", *lab, "lab name (all labs when omitted)");
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
