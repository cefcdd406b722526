#include "netlab/model/topology.h"

namespace netlab::model {

const Network* Topology::find_network(const std::string& wanted) const {
  for (const auto& n : networks)
    if (n.name == wanted) return &n;
  return nullptr;
}

const Guest* Topology::find_guest(const std::string& wanted) const {
  for (const auto& g : guests)
    if (g.name == wanted) return &g;
  return nullptr;
}

bool Topology::dual_stack() const {
  for (const auto& n : networks)
    if (n.ipv6) return true;
  return false;
}

}  // namespace netlab::model
