#pragma once
// The `GUEST[:NIC]` argument of `netlab capture` and `netlab impair`: a guest
// and, after a ':', one of its NICs. Parsed in one place so both commands
// accept and refuse the same shapes.
#include <string>

#include "netlab/model/result.h"

namespace netlab::cli {

struct GuestNic {
  std::string guest;
  std::string nic;  // "" = every NIC of the guest
};

/// "g1" -> {g1, ""}; "g1:eth1" -> {g1, eth1}. An Error (bad input, the usage
/// message) for an empty guest (":eth0", ""), an empty NIC after the ':'
/// ("g1:") and a second ':' ("g1:eth0:x"): no guest or NIC name holds a ':'.
Result<GuestNic> parse_guest_nic(const std::string& text);

}  // namespace netlab::cli
