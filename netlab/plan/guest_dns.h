#pragma once
// The resolv.conf and hosts file a command run in a light guest (`netlab exec`)
// sees: the guest's own view of names, as a VM on the same network gets it by
// DHCP. Guests with a lease resolve through the dnsmasq of each network the
// guest is on (it learnt their names from DHCP); guests with static addresses,
// which dnsmasq never hears of, from the hosts file; on a real host the
// machine's own name servers follow, for outside names.
#include <optional>
#include <string>
#include <string_view>

#include "netlab/model/topology.h"

namespace netlab::plan {

/// The resolv.conf text for `guest`: a `nameserver` line per gateway of a
/// network of it whose netlab dnsmasq answers DNS (nat, route, isolated with
/// `dns` on; in the order of its NICs, each once), then, when `host_resolv` is
/// given (a real-host lab: the machine's /etc/resolv.conf), its name servers
/// that the guest can reach (loopback ones live in the host's namespace, not
/// the guest's: left out). nullopt when no lab network serves DNS to the guest:
/// its commands keep the machine's file then.
std::optional<std::string> guest_resolv_conf(const model::Topology& topology, const model::Guest& guest,
                                             std::optional<std::string_view> host_resolv);

/// The hosts file for a light guest's commands: `machine_hosts` (the machine's
/// /etc/hosts: localhost and the rest stay), then a line per static IPv4 address
/// of every guest of the lab, "ADDRESS NAME" — for a guest with several, the one
/// on a network `guest` is on first, as a resolver takes the first match.
std::string guest_hosts_file(const model::Topology& topology, const model::Guest& guest,
                             std::string_view machine_hosts);

}  // namespace netlab::plan
