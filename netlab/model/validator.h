#pragma once
// Cross-node checks of a loaded Topology. Returns every problem at once.
#include <string>
#include <utility>
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/topology.h"

namespace netlab::model {

struct ValidateOptions {
  /// Address blocks no lab subnet may overlap, each with what uses it (e.g. the
  /// sandbox's simulated WAN, for `up --sandbox`).
  std::vector<std::pair<Cidr, std::string>> taken;
};

/// Checks names (the name rule of names.h; interface names given in the file <= 15
/// bytes, derived ones always fit), subnets (none in a reserved range: "this
/// network", loopback, link-local, multicast, class E; none overlapping
/// options.taken), gateways, DHCP ranges and static hosts (names dnsmasq can
/// take), overlaps, duplicate MACs/IPs, references to networks, and
/// mode-specific requirements. Empty result = valid.
std::vector<Diagnostic> validate(const Topology& topology, const ValidateOptions& options = {});

}  // namespace netlab::model
