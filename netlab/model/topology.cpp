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

const char* to_string(NetworkMode mode) {
  switch (mode) {
    case NetworkMode::nat: return "nat";
    case NetworkMode::route: return "route";
    case NetworkMode::isolated: return "isolated";
    case NetworkMode::bridge: return "bridge";
  }
  return "?";
}

const char* to_string(SwitchKind kind) { return kind == SwitchKind::ovs ? "ovs" : "linux"; }

const char* to_string(GuestKind kind) { return kind == GuestKind::kvm ? "kvm" : "netns"; }

const char* to_string(Attach attach) { return attach == Attach::macvtap ? "macvtap" : "bridge"; }

}  // namespace netlab::model
