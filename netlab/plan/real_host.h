#pragma once
// The real host as netlab finds it (netlab without --sandbox: the network
// namespace it runs in): which NIC is the uplink, and the checks that refuse,
// before any change, what would cut the host off or clash with what it has.
#include <string>

#include "netlab/model/topology.h"
#include "netlab/plan/sockets.h"

namespace netlab::plan {

struct UplinkChoice {
  std::string device;  // "" = the lab needs none
  std::string how;     // "named by host.uplink", "the NIC of the default route via 203.0.113.1", ...
};

/// The uplink of `topology`: host.uplink; eth0 in the sandbox; none for a lab
/// without nat or route networks; else the NIC of
/// the route to host.upstream, else the NIC of the default route (the lowest
/// metric). When that NIC is enslaved by a bridge-mode network of the lab, its
/// bridge, which then holds the NIC's addresses and routes. Reads only. An
/// Error (bad input) when a nat or route network needs an uplink and the host
/// has no route that tells it.
Result<UplinkChoice> choose_uplink(const model::Topology& topology, bool sandbox, Sockets& sockets);

/// On a real host, refuses (Error with bad_input: exit 2, nothing changed):
/// - enslaving the NIC that carries the default route, without `force`;
/// - enslaving a NIC that a network manager or DHCP client configures, without `force`;
/// - a lab subnet that overlaps an address or a route the host has on another
///   device (an existing virbr0 on 192.168.122.0/24), with a free subnet as hint.
/// Reads only.
Status check_real_host(const model::Topology& topology, bool force, Sockets& sockets);

}  // namespace netlab::plan
