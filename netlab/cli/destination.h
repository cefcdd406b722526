#pragma once
// The `--to` of `trace` and `doctor`: an address, or a guest of the lab by
// name — as one pings a node by name in containerlab. Resolved in one place so
// both commands accept the same shapes.
#include <string>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"

namespace netlab::cli {

/// `to` itself when it parses as an IPv4 or IPv6 address. Otherwise `to` is
/// GUEST or GUEST:NIC of the lab, standing for that NIC's IPv4 address: its
/// static address, else its DHCP lease. GUEST alone picks the NIC on a network
/// `from_guest` is on too (the address a guest beside it would use), else its
/// first NIC holding an address. An Error (bad input) names an unknown guest or
/// NIC, and a NIC without an address yet.
Result<std::string> resolve_destination(const std::string& lab, const model::HopMap& map,
                                        const std::string& from_guest, const std::string& to);

}  // namespace netlab::cli
