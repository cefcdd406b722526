#pragma once
// The hypervisors of a lab and where each guest runs. A file without `hosts:`
// means one host, as before `hosts:` existed; every layer asks here instead of
// reading Topology::hosts itself.
#include <string>
#include <vector>

#include "netlab/model/topology.h"

namespace netlab::model {

/// The name the one host of a lab without `hosts:` goes by.
inline constexpr const char* kDefaultHostName = "host";

/// The MTU of an OVN network whose `mtu:` is not written: room for the Geneve
/// header (and its options) inside the underlay's 1500.
inline constexpr int kOvnDefaultMtu = 1400;

/// `hosts:` as written, or one host named kDefaultHostName with `host: uplink:`.
std::vector<HostSpec> lab_hosts(const Topology& topo);
/// The host guest `g` runs on: its `host:`, else the first host's name.
std::string guest_host(const Topology& topo, const Guest& g);
/// Index of host `name` in lab_hosts; -1 when unknown.
int host_index(const Topology& topo, const std::string& name);
/// The host that carries OVN's nat and route networks out (the gateway
/// chassis): the first host with an `uplink`, else the first host.
HostSpec gateway_host(const Topology& topo);
/// True when a network of the lab is `switch: ovn`.
bool uses_ovn(const Topology& topo);
inline bool is_ovn(const Network& net) { return net.switch_kind == SwitchKind::ovn; }

}  // namespace netlab::model
