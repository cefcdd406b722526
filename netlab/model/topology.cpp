#include "netlab/model/topology.h"

#include <regex>

namespace netlab::model {

const Network* Topology::find_network(const std::string& wanted) const {
  for (const auto& n : networks)
    if (n.name == wanted) return &n;
  return nullptr;
}

bool is_qemu_libvirt_uri(const std::string& uri) {
  // scheme "qemu" or "qemu+<transport>", "://", an authority without blanks, then the path.
  static const std::regex shape(R"(qemu(\+(unix|ssh|tcp|tls|libssh|libssh2|ext))?://[^/\s?#]*/(system|session)(\?[^\s]*)?)");
  return uri.size() <= 1024 && std::regex_match(uri, shape);
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
