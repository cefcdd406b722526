// Reading a running lab back (see running_lab.h).
#include "netlab/plan/running_lab.h"

#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/process.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
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
  auto pid = host::spawn(argv, options);
  if (!pid) return pid.error();
  return host::wait_exit(*pid, limit);
}

}  // namespace netlab::plan
