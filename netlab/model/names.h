#pragma once
// How netlab names what it creates, in one place: the validator checks these
// names fit the kernel's 15-byte interface limit, the engine creates them, the
// tracer and graphs find them again.
#include <string>

#include "netlab/model/topology.h"

namespace netlab::model {

/// Linux IFNAMSIZ - 1: the longest interface name the kernel accepts.
inline constexpr size_t kMaxIfName = 15;

/// The bridge of a network: its `bridge:` key, or "<lab>-<network>".
std::string bridge_name(const Topology& topo, const Network& net);
/// The host-side device (veth peer or tap) of guest NIC `index`: "<lab>-<guest>-<index>".
std::string host_nic_name(const Topology& topo, const Guest& guest, size_t index);
/// The device name inside the guest: the NIC's `name:`, or "eth<index>".
std::string guest_nic_name(const Nic& nic, size_t index);
/// The namespace of a light guest: "<lab>-<guest>".
std::string guest_namespace(const Topology& topo, const Guest& guest);

/// Sandbox namespaces (README "The sandbox").
std::string sandbox_host_namespace(const std::string& lab);  // "<lab>-host", plays the KVM host
std::string sandbox_wan_namespace(const std::string& lab);   // "<lab>-wan", upstream router + internet
std::string sandbox_lan_namespace(const std::string& lab);   // "<lab>-lan", office LAN with its DHCP
/// The link alias every link of a lab carries: "netlab:<lab>".
std::string link_tag(const std::string& lab);
/// The nftables table of a lab: "netlab_<lab>" (dashes become underscores).
std::string nft_table_name(const std::string& lab);

}  // namespace netlab::model
