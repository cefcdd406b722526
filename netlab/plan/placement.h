#pragma once
// Where a lab's VMs run when that is not where its file says: after
// `netlab migrate`, the lab's run directory holds placement.json
// ({"vm1": "h2"}). Every reader of a running lab (lab_topology) and `up` apply
// it, so `up` keeps a migrated VM where it runs (it never migrates one back
// silently) and `status` reports the difference from the file as drift.
#include <map>
#include <string>
#include <vector>

#include "netlab/model/result.h"
#include "netlab/model/topology.h"

namespace netlab::plan {

inline constexpr const char* kPlacementFile = "placement.json";

/// VM name -> the host it runs on now; empty when no VM was migrated (or no such lab).
std::map<std::string, std::string> read_placement(const std::string& lab);
/// Records that `vm` runs on `host`; `host` empty forgets the record (the VM is back where the file says).
Status write_placement(const std::string& lab, const std::string& vm, const std::string& host);

/// `topo` with each placed VM's `host` set to where it runs. A record is ignored
/// when the VM or the host is no longer in the file, or the VM has a NIC on a
/// network that is not OVN (only OVN networks span hosts).
model::Topology placed(model::Topology topo, const std::map<std::string, std::string>& placement);
/// The same with the lab's own placement.json.
model::Topology placed(model::Topology topo);

/// One line per VM that runs elsewhere than `file` says, for `status`:
/// "vm1 runs on h2, the file says h1 (netlab migrate LAB vm1 --to h1 moves it back; up keeps it on h2)".
std::vector<std::string> placement_drift(const model::Topology& file, const std::map<std::string, std::string>& placement);

}  // namespace netlab::plan
