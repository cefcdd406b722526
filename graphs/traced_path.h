#pragma once
// The traced path as graphs/ draws it: a small input type owned here so that
// graphs/ does not depend on the tracer's internals. The tracer converts its
// result to a TracedPath; `netlab-render-path` reads one from JSON.
//
// JSON form (every key optional except "hops"):
// {
//   "lab": "nat", "guest": "g1", "nic": "eth0", "network": "default",
//   "summary": "icmp echo 192.168.122.10 -> 198.51.100.7",
//   "hops": [
//     {"index": 1, "role": "guest-nic", "netns": "nat-g1", "device": "eth0", "friendly": "",
//      "direction": "out", "time_us": 0, "summary": "192.168.122.10 > 198.51.100.7 echo",
//      "change": "", "dropped": false, "drop_cause": ""},
//     {"index": 4, "role": "nat", "netns": "nat-host", "device": "", "direction": "out",
//      "change": "src 192.168.122.10 → 203.0.113.2"}, ...
//   ]
// }
// "role" is a hop map role (model/vocabulary.h); "direction" says which packet
// the hop belongs to: "out" the request, "back" its reply (Leg in memory).
#include <string>
#include <vector>

#include "netlab/model/result.h"
#include "netlab/model/vocabulary.h"

namespace netlab::graphs {

/// One place where the packet (or its reply) was seen or acted on.
struct TracedHop {
  int index = 0;             // 1-based position along the whole trace (out, then back)
  model::HopRole role = model::HopRole::unknown;
  std::string netns;         // namespace of the device ("" = root namespace)
  std::string device;        // "" for nat/route points
  std::string friendly;      // what the user calls the device ("web:eth0"), "" when none (optional in JSON)
  model::Leg leg = model::Leg::request;  // JSON "direction": "out" (request) or "back" (reply)
  std::string summary;       // what was seen, e.g. "192.168.122.10 > 198.51.100.7 ICMP echo"
  std::string change;        // a rewrite done here, e.g. "src 192.168.122.10 → 203.0.113.2"; "" = none
  long long time_us = -1;    // microseconds since the first hop; -1 = unknown
  bool dropped = false;      // the packet went no further than here
  std::string drop_cause;    // why, e.g. "nft forward chain: policy drop"
  bool operator==(const TracedHop&) const = default;
};

/// A request (and maybe its reply) followed through the lab, hops in order.
struct TracedPath {
  std::string lab;
  std::string guest;         // the guest the trace started from
  std::string nic;           // its NIC device, e.g. "eth0"
  std::string network;       // the network of that NIC (helps place nat/route hops)
  std::string summary;       // one line: protocol, source, destination
  std::vector<TracedHop> hops;
  bool operator==(const TracedPath&) const = default;

  /// The first dropped hop, or nullptr when the packet was not dropped.
  const TracedHop* drop() const;
};

/// Parses the JSON form above; an Error names the first problem.
Result<TracedPath> traced_path_from_json(const std::string& text);
/// Serialises to the JSON form above (two-space indented).
std::string traced_path_to_json(const TracedPath& path);

}  // namespace netlab::graphs
