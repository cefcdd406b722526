#pragma once
// The lab a topology asks for, as the complete ordered list of steps that would
// build it from nothing. plan::make drops the steps whose effect already exists.
#include <set>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/names.h"
#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

/// Every step, in dependency order: namespaces, sysctls, uplinks and bridges,
/// addresses and routes, the nft table, dnsmasq, guest links, guest addressing,
/// DHCP leases. `topology` must have passed model::validate. With `owners`,
/// (*owners)[i] is the guest step i belongs to (its namespace, its NICs' host
/// sides and switch ports, addresses, leases, netem, its VM), "" for the lab's
/// own steps (sandbox, bridges, rules, dnsmasq, an OVN network with all its ports).
/// The light guests named in `skipped` get no steps of their own (the lab's own
/// steps still count them: a skipped guest is one whose steps are known already).
std::vector<Action> desired_actions(const model::Topology& topology, const Target& target,
                                    std::vector<std::string>* owners = nullptr,
                                    const std::set<std::string>* skipped = nullptr);

/// The hop map of the lab (model/hopmap.h): which devices a packet from each
/// guest NIC crosses, in which namespaces. Addresses are the static ones; DHCP
/// addresses are filled in by whoever knows the lease.
model::HopMap hop_map(const model::Topology& topology, const Target& target);

/// The devices that carry the netem of guest.nics[index] (SetNetem::devices):
/// the host side (veth peer or tap) and, for a light guest, its NIC in its
/// namespace. Empty for a VM's macvtap (validate refuses `impair` there).
std::vector<NetemDevice> nic_netem_devices(const model::Topology& topology, const Target& target,
                                           const model::DeviceNames& names, const model::Guest& guest, size_t index);

/// The host's uplink device name for this target (host.uplink, eth0 in the
/// sandbox, else the one found on the host: Target::uplink).
std::string host_uplink(const model::Topology& topology, const Target& target);

}  // namespace netlab::plan
