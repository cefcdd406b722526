#include "netlab/model/lab_hosts.h"

namespace netlab::model {

std::vector<HostSpec> lab_hosts(const Topology& topo) {
  if (!topo.hosts.empty()) return topo.hosts;
  HostSpec one;
  one.name = kDefaultHostName;
  one.uplink = topo.host.uplink;
  one.pos = topo.host.pos;
  return {one};
}

std::string guest_host(const Topology& topo, const Guest& g) {
  if (!g.host.empty()) return g.host;
  return topo.hosts.empty() ? std::string(kDefaultHostName) : topo.hosts.front().name;
}

int host_index(const Topology& topo, const std::string& name) {
  const auto hosts = lab_hosts(topo);
  for (size_t i = 0; i < hosts.size(); ++i)
    if (hosts[i].name == name) return static_cast<int>(i);
  return -1;
}

HostSpec gateway_host(const Topology& topo) {
  const auto hosts = lab_hosts(topo);
  for (const auto& h : hosts)
    if (!h.uplink.empty()) return h;
  return hosts.front();
}

bool uses_ovn(const Topology& topo) {
  for (const auto& n : topo.networks)
    if (is_ovn(n)) return true;
  return false;
}

}  // namespace netlab::model
