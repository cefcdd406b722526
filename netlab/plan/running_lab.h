#pragma once
// A lab that `up` built, read back from its run directory: the copy of its
// topology, its state, its hop map, the leases its dnsmasq processes handed out;
// and a command run inside one of its light guests. The one place the CLI (and
// anything above plan) reads a running lab from, so the CLI needs nothing from
// netlab/host.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "netlab/host/lease_file.h"
#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "netlab/model/topology.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {

/// The topology a lab was built from (its copy in the run directory, as loaded,
/// not validated again), with migrated VMs on the hosts they run on (placement.h). An Error with bad_input set when there is no such lab.
Result<model::Topology> lab_topology(const std::string& lab);

/// A running lab: its state.json and its topology.
struct RunningLab {
  state::LabState state;
  model::Topology topology;
};
/// Reads both; an Error with bad_input set when the lab has no run directory
/// (or it holds no state), without it when its topology copy no longer loads.
Result<RunningLab> running_lab(const std::string& lab);

/// The lab's hop map (its run directory's hopmap.json, model::read_hopmap_file):
/// an Error with bad_input set when the lab has none (no such lab, or `up` did
/// not get that far), without it when the file does not parse.
Result<model::HopMap> lab_hop_map(const std::string& lab);

/// Every DHCP lease the lab's dnsmasq processes recorded, by MAC ("52:54:00:.."):
/// its own networks' and, in the sandbox, the simulated LAN's (bridge-mode guests
/// lease from it). A MAC leased twice keeps the lease read last.
std::map<std::string, host::Lease> lab_leases(const std::string& lab, const model::Topology& topology);

/// Runs `argv` inside light guest `guest` of `lab` with this process's stdin,
/// stdout and stderr (^C on the terminal reaches it), waits up to `limit` and
/// returns its exit status (128 + signal when a signal ended it). An Error with
/// bad_input set when the lab has no such light guest.
Result<int> run_in_guest(const std::string& lab, const std::string& guest, const std::vector<std::string>& argv,
                         std::chrono::milliseconds limit);

}  // namespace netlab::plan
