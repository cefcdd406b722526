#pragma once
// dnsmasq's lease file (dhcp-leasefile): one line per IPv4 lease,
// "<expiry epoch> <mac> <ip> <hostname|*> <client-id|*>"; then, when it serves
// DHCPv6, a line "duid <server DUID>" followed by one line per IPv6 lease,
// "<expiry epoch> [T]<IAID, decimal> <ipv6> <hostname|*> <client DUID|*>"
// (T: a temporary address, IA_TA). Pure parsing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// One DHCP lease as dnsmasq recorded it.
struct Lease {
  int64_t expiry = 0;     ///< seconds since the epoch; 0 = never expires
  model::Mac mac;
  model::Ipv4 ip;
  std::string hostname;   ///< "" when the client sent none ('*')
  std::string client_id;  ///< "" when none ('*')
  bool operator==(const Lease&) const = default;
};

/// One DHCPv6 lease as dnsmasq recorded it.
struct Lease6 {
  int64_t expiry = 0;     ///< seconds since the epoch; 0 = never expires
  uint32_t iaid = 0;      ///< the client's identity association for this address
  bool temporary = false; ///< IA_TA rather than IA_NA
  model::Ipv6 ip;
  std::string hostname;   ///< "" when the client sent none ('*')
  std::string duid;       ///< the client's DUID, colon-separated hex; "" when none ('*')
  bool operator==(const Lease6&) const = default;
};

/// The MAC inside a DUID: of a DUID-LLT (type 1) or DUID-LL (type 3) of an
/// Ethernet address (hardware type 1); nullopt for other DUIDs.
std::optional<model::Mac> duid_mac(std::string_view duid);

/// True when `lease` belongs to the NIC with `mac`: its DUID carries that MAC,
/// or (a DUID of another type) its IAID is the MAC's last four bytes, the IAID
/// dhclient and most clients derive from the NIC.
bool lease6_of(const Lease6& lease, const model::Mac& mac);

/// Parses lease-file text. IPv6 lines ("duid ..." and their leases) and lines
/// that do not parse (dnsmasq rewrites the file in place, so a reader may see a
/// cut line) are skipped.
std::vector<Lease> parse_leases(std::string_view text);

/// The IPv6 leases of lease-file text: the lines after its "duid" line. Lines
/// that do not parse are skipped, as in parse_leases.
std::vector<Lease6> parse_leases6(std::string_view text);

/// Reads and parses the lease file at `path`; an Error when it cannot be read.
Result<std::vector<Lease>> read_leases(const std::string& path);
Result<std::vector<Lease6>> read_leases6(const std::string& path);

}  // namespace netlab::host
