#pragma once
// dnsmasq's lease file (dhcp-leasefile): one line per IPv4 lease,
// "<expiry epoch> <mac> <ip> <hostname|*> <client-id|*>". Pure parsing.
#include <cstdint>
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

/// Parses lease-file text. IPv6 lines ("duid ..." and their leases) and lines
/// that do not parse (dnsmasq rewrites the file in place, so a reader may see a
/// cut line) are skipped.
std::vector<Lease> parse_leases(std::string_view text);

/// Reads and parses the lease file at `path`; an Error when it cannot be read.
Result<std::vector<Lease>> read_leases(const std::string& path);

}  // namespace netlab::host
