#pragma once
// Cross-node checks of a loaded Topology. Returns every problem at once.
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/topology.h"

namespace netlab::model {

/// Checks names (the name rule of names.h; interface names given in the file <= 15
/// bytes, derived ones always fit), subnets, gateways, DHCP ranges and
/// static hosts, overlaps, duplicate MACs/IPs, references to networks, and
/// mode-specific requirements. Empty result = valid.
std::vector<Diagnostic> validate(const Topology& topology);

}  // namespace netlab::model
