#pragma once
// The live tracer's adapter to a namespace's sockets: which TCP ports are
// listened on and which UDP ports are bound (the kernel's /proc/net tables,
// read by a thread inside the namespace). Used to say why a guest refused a
// published port ("web listens on tcp/81").
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/vocabulary.h"

namespace netlab::tracer {

/// Parses one /proc/net/{tcp,udp}[6] table: the local ports of the rows in
/// state `state` (hex, "0A" = TCP LISTEN, "07" = UDP unconnected), sorted, unique.
std::vector<uint16_t> ports_in_state(const std::string& table, const std::string& state);

/// The TCP ports listened on (or UDP ports bound) in namespace `netns`, IPv4
/// and IPv6 sockets. When it cannot be read, nothing is returned and the error
/// is appended to *warnings.
std::vector<uint16_t> listening_ports(const std::string& netns, model::L4Proto proto,
                                      std::vector<std::string>* warnings);

}  // namespace netlab::tracer
