#pragma once
// Whether a DHCP server answers on a segment: one DHCPDISCOVER sent out of a
// device and the DHCPOFFER that comes back. Only DISCOVER is ever sent, never
// REQUEST, so no server records a lease and no client on the segment (which
// filters answers by their transaction id) is disturbed.
#include <chrono>
#include <optional>
#include <string>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

struct DhcpOffer {
  model::Ipv4 offered;  // yiaddr
  model::Ipv4 server;   // option 54, the server identifier (0 when absent)
};

/// Sends a DHCPDISCOVER for client hardware address `client_mac` (broadcast
/// flag set, so the offer comes back as a broadcast frame) out of `device` in
/// namespace `netns` ("" = the caller's), again after 0.3 s and 1 s, and waits
/// up to `timeout` for a DHCPOFFER carrying its transaction id. nullopt when
/// none came; an Error when the probe could not be sent (no device, no socket).
Result<std::optional<DhcpOffer>> dhcp_discover(const std::string& netns, const std::string& device,
                                               const model::Mac& client_mac,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(2));

/// A made-up, locally administered MAC for a probe (02:6e:6c:xx:xx:xx), unique
/// enough per call that two probes do not answer each other.
model::Mac probe_mac();

}  // namespace netlab::host
