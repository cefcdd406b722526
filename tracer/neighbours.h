#pragma once
// The live tracer's adapter to a namespace's neighbour cache (libnl): which
// IPv4 neighbours the kernel could not resolve.
#include <string>
#include <vector>

namespace netlab::tracer {

/// The IPv4 neighbours of namespace `netns` in state FAILED or INCOMPLETE, as
/// "lab-host: 203.0.113.1 on eth0 FAILED". When the namespace cannot be read,
/// nothing is returned and the error is appended to *warnings.
std::vector<std::string> failed_neighbours(const std::string& netns, std::vector<std::string>* warnings);

}  // namespace netlab::tracer
