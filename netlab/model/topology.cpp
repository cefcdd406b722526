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

std::optional<Ipv4> fixed_address(const Network& net, const Guest& guest) {
  for (const auto& nic : guest.nics) {
    if (nic.network != net.name) continue;
    if (nic.address_kind == AddressKind::static_cidr && nic.address) return nic.address->address;
    if (nic.address_kind != AddressKind::dhcp || !net.dhcp) continue;
    for (const auto& h : net.dhcp->hosts)
      if ((h.mac && nic.mac && *h.mac == *nic.mac) || (!h.mac && h.name == guest.name)) return h.ip;
  }
  return std::nullopt;
}

bool Topology::dual_stack() const {
  for (const auto& n : networks)
    if (n.ipv6) return true;
  return false;
}

}  // namespace netlab::model
