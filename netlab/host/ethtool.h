#pragma once
// The one ethtool setting netlab needs: TX checksum offload. With Open vSwitch's
// userspace (netdev) datapath, veth ports must not leave checksums to "hardware",
// or TCP through the switch fails (partial checksums are never completed).
#include <string>

#include "netlab/model/result.h"

namespace netlab::host {

/// Turns TX checksum offload of `device` in `netns` on or off (SIOCETHTOOL
/// ETHTOOL_STXCSUM, as `ethtool -K DEV tx off`).
Status set_tx_checksumming(const std::string& netns, const std::string& device, bool on);

/// Whether TX checksum offload of `device` in `netns` is on.
Result<bool> tx_checksumming(const std::string& netns, const std::string& device);

}  // namespace netlab::host
