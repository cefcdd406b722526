#pragma once
// What the figures show of a running lab beyond its topology: whether it runs
// in the sandbox, and the address each NIC leased. `netlab graph LAB` and the
// trace figures draw a running lab from it.
#include <string>

#include "graphs/lab_graph.h"
#include "netlab/model/topology.h"
#include "netlab/state/lab_state.h"

namespace netlab::cli {

/// The live facts of running lab `state.lab` built from `topology`: its sandbox
/// flag and its DHCP leases (plan::lab_leases) as MAC -> address.
graphs::LiveData lab_live_data(const state::LabState& state, const model::Topology& topology);

}  // namespace netlab::cli
