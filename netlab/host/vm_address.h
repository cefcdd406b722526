#pragma once
// A VM's IPv4 address as the VM itself holds it, read through its QEMU guest
// agent: for networks whose DHCP server keeps no lease file netlab can read
// (OVN's native DHCP answers from the logical port, statelessly).
#include <optional>
#include <string>

#include "netlab/host/libvirt_client.h"
#include "netlab/model/address.h"

namespace netlab::host {

/// The first IPv4 address of the VM's NIC whose MAC is `mac`; nullopt when the
/// agent does not answer yet or the NIC has none.
std::optional<model::Ipv4> vm_nic_address(LibvirtClient& client, const std::string& domain, const model::Mac& mac);
/// The same through a fresh connection to `uri`.
std::optional<model::Ipv4> vm_nic_address(const std::string& uri, const std::string& domain, const model::Mac& mac);

/// Parses the lines "MAC inet A.B.C.D" the agent's command prints (exposed for tests).
std::optional<model::Ipv4> parse_vm_addresses(const std::string& text, const model::Mac& mac);

}  // namespace netlab::host
