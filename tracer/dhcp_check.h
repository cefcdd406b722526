#pragma once
// `netlab doctor`'s check that each network's dnsmasq serves its bridge: not
// only that its pid lives (a dnsmasq whose bridge was deleted and recreated
// lives on, bound to a device that is gone), but that a DHCP discover sent on
// the network is answered with an offer.
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "tracer/doctor.h"

namespace netlab::tracer {

struct NetworkCheck {
  std::string network;
  Check check;  // name "dhcp"
};

/// One check per network of `map` (only those with a NIC of `guest`, when not
/// empty) whose dnsmasq hands out addresses. The discover goes out of a light
/// guest's NIC on the network, with a made-up client MAC and no REQUEST after
/// it, so that guest's lease is untouched; a network without a light guest is
/// probed from a veth pair doctor adds to its Linux bridge (tagged as the
/// lab's, so `gc` finds it should doctor die) and removes again. A problem
/// names the dnsmasq (pid), the bridge and why it serves nobody.
std::vector<NetworkCheck> check_dhcp_servers(const std::string& lab, const model::HopMap& map,
                                             const std::string& guest = "");

}  // namespace netlab::tracer
