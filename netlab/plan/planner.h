#pragma once
// Desired state (the topology) against observed state -> the ordered steps `up`
// must take. Steps whose effect already exists are left out, so applying a file
// twice does nothing the second time and a part removed by hand comes back.
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/observed.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

/// The steps still needed, in dependency order. `topology` must be valid.
std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed);

/// True when `action`'s effect is already present in `observed`.
bool satisfied(const Action& action, Observed& observed);

}  // namespace netlab::plan
