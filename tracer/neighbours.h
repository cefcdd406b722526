#pragma once
// The live tracer's adapter to a namespace's neighbour cache (libnl): which
// IPv4 (ARP) and IPv6 (NDP) neighbours the kernel could not resolve.
#include <string>
#include <vector>

#include "netlab/model/address.h"

namespace netlab::tracer {

/// One unresolved neighbour entry.
struct FailedNeighbour {
  model::Ipv4 ip;    // 0 for an IPv6 entry
  std::string device;
  std::string text;  // "lab-host: 203.0.113.1 on eth0 FAILED"
  model::Ipv6 ip6;   // an IPv6 entry's address (:: for an IPv4 entry)
  bool v6 = false;
};

/// The IPv4 and IPv6 neighbours of namespace `netns` in state FAILED or INCOMPLETE.
/// When the namespace cannot be read, nothing is returned and the error is
/// appended to *warnings.
std::vector<FailedNeighbour> failed_neighbours(const std::string& netns, std::vector<std::string>* warnings);

/// The texts of the entries of `all` whose address is one of `next_hops`: the
/// neighbours the probe itself needed in that namespace. Entries for other
/// addresses (an earlier, unrelated trace's) are no cause of this one.
std::vector<std::string> on_path(const std::vector<FailedNeighbour>& all, const std::vector<model::Ipv4>& next_hops);
/// The same for IPv6 next hops (:: entries of `next_hops` match nothing).
std::vector<std::string> on_path6(const std::vector<FailedNeighbour>& all, const std::vector<model::Ipv6>& next_hops);

}  // namespace netlab::tracer
