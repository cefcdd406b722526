#pragma once
// Per-namespace sysctls: /proc/sys/net/* shows the network namespace of the
// thread that opens it, so reads and writes run inside the namespace (see
// run_in_netns). Keys use '/' ("net/ipv4/ip_forward") or '.' ("net.ipv4.ip_forward").
#include <string>
#include <string_view>

#include "netlab/model/result.h"

namespace netlab::host {

/// "/proc/sys/" + key, with '.' turned into '/' when the key has no '/'
/// (like sysctl(8)); "" for a key that is empty or climbs out with "..".
std::string sysctl_path(std::string_view key);

/// Writes `value` to the sysctl `key` inside namespace `netns` ("" = the caller's).
Status set_sysctl(const std::string& netns, const std::string& key, const std::string& value);

/// Reads the sysctl `key` inside namespace `netns`, without the trailing newline.
Result<std::string> get_sysctl(const std::string& netns, const std::string& key);

/// Whether bridged IPv4 traffic in `netns` passes through the iptables/nft
/// `ip` hooks (net/bridge/bridge-nf-call-iptables; needs br_netfilter, and is
/// 1 in a new namespace). The engine sets it explicitly per namespace.
Status set_bridge_nf_call_iptables(const std::string& netns, bool enabled);

}  // namespace netlab::host
