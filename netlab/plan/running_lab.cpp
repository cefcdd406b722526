// Reading a running lab back (see running_lab.h).
#include "netlab/plan/running_lab.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/process.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/plan/guest_dns.h"
#include "netlab/plan/placement.h"
#include "netlab/plan/target.h"
#include "netlab/state/paths.h"

namespace netlab::plan {

Result<model::Topology> lab_topology(const std::string& lab) {
  auto text = state::read_lab_file(lab, state::kTopologyCopy);
  if (!text) return Error{"no lab named '" + lab + "' (nothing in " + state::lab_dir(lab) + ")", true};
  auto loaded = model::load_string(*text, state::lab_dir(lab) + "/" + state::kTopologyCopy);
  if (!loaded.ok())
    return Error{"the lab's copy of its topology no longer loads:\n" + model::format_all(loaded.diagnostics)};
  return placed(std::move(loaded.topology));  // migrated VMs where they run (placement.h)
}

Result<RunningLab> running_lab(const std::string& lab) {
  auto st = state::read_state(lab);
  if (!st) return Error{"no lab named '" + lab + "'", true};
  auto topo = lab_topology(lab);
  if (!topo) return topo.error();
  return RunningLab{std::move(*st), std::move(*topo)};
}

Result<model::HopMap> lab_hop_map(const std::string& lab) {
  auto map = model::read_hopmap_file(state::lab_dir(lab) + "/" + model::kHopMapFile);
  if (!map && map.error().bad_input)
    return Error{"no running lab named " + lab + " (no hop map in its run directory)", true};
  return map;
}

std::map<std::string, host::Lease> lab_leases(const std::string& lab, const model::Topology& topology) {
  const std::string run_dir = state::lab_dir(lab);
  std::vector<std::string> networks;
  for (const auto& net : topology.networks) networks.push_back(net.name);
  networks.push_back(sandbox_net::kLanNetwork);
  std::map<std::string, host::Lease> by_mac;
  for (const auto& network : networks)
    for (auto& lease : host::network_leases(run_dir, network)) by_mac[lease.mac.str()] = std::move(lease);
  return by_mac;
}

namespace {

/// The machine's file at `path` when it is a regular file (through a symlink).
std::optional<std::string> machine_file(const char* path) {
  struct stat st {};
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// The guest's resolv.conf and hosts file (guest_dns.h), written to the lab's
/// run directory, to bind over the machine's: only files the machine has (a
/// bind mount needs its target), and no resolv.conf when no lab network serves
/// the guest DNS.
std::vector<host::SpawnOptions::BindFile> guest_name_files(const std::string& lab, const model::Topology& topo,
                                                           const model::Guest& guest) {
  std::vector<host::SpawnOptions::BindFile> binds;
  auto place = [&](const std::string& kind, const std::string& text, const char* target) {
    const std::string name = kind + "-" + guest.name;
    if (state::write_lab_file(lab, name, text)) binds.push_back({state::lab_dir(lab) + "/" + name, target});
  };
  if (auto machine = machine_file("/etc/resolv.conf")) {
    auto lab_state = state::read_state(lab);
    std::optional<std::string> host_servers;  // the sandbox has no way to the machine's servers
    if (lab_state && !lab_state->sandbox) host_servers = *machine;
    if (auto text = guest_resolv_conf(topo, guest, host_servers)) place("resolv.conf", *text, "/etc/resolv.conf");
  }
  if (auto machine = machine_file("/etc/hosts")) place("hosts", guest_hosts_file(topo, guest, *machine), "/etc/hosts");
  return binds;
}

}  // namespace

Result<int> run_in_guest(const std::string& lab, const std::string& guest, const std::vector<std::string>& argv,
                         std::chrono::milliseconds limit) {
  auto topo = lab_topology(lab);
  if (!topo) return topo.error();
  const model::Guest* g = topo->find_guest(guest);
  if (!g || g->kind != model::GuestKind::netns)
    return Error{"lab '" + lab + "' has no light guest named '" + guest + "'", true};
  host::SpawnOptions options;
  options.netns = model::guest_namespace(*topo, *g);
  options.inherit_stdin = true;
  options.new_session = false;  // ^C on this terminal reaches the command
  options.bind_files = guest_name_files(lab, *topo, *g);  // the lab's guests by name
  auto pid = host::spawn(argv, options);
  if (!pid) return pid.error();
  return host::wait_exit(*pid, limit);
}

}  // namespace netlab::plan
