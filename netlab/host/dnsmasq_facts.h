#pragma once
// What a network's dnsmasq knows, read back from the files it keeps in the lab's
// run directory (dnsmasq_files): the leases it handed out and the dhcp-host
// reservations of its conf. The one reader of those files: plan (status, the
// leases a drawing shows) and the tracer (a KVM guest's address) both use it.
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/lease_file.h"
#include "netlab/model/address.h"

namespace netlab::host {

/// The leases the dnsmasq of `network` recorded under `run_dir`; empty when it
/// has recorded none yet (no lease file is not an error: DHCP may not have run).
std::vector<Lease> network_leases(const std::string& run_dir, const std::string& network);

/// Its DHCPv6 leases, likewise.
std::vector<Lease6> network_leases6(const std::string& run_dir, const std::string& network);

/// The address of `mac` on `network`: its lease, else its dhcp-host reservation
/// (as render_dnsmasq_conf writes it: "dhcp-host=<mac>,<ip>[,<name>]").
std::optional<model::Ipv4> leased_or_reserved(const std::string& run_dir, const std::string& network,
                                              const model::Mac& mac);

/// Whether the dnsmasq of `network` hands out addresses: its conf has a
/// dhcp-range (without one dnsmasq does no DHCP, reservations or not).
bool serves_dhcp(const std::string& run_dir, const std::string& network);

}  // namespace netlab::host
