#pragma once
// `netlab doctor`: static checks of one guest NIC's path (lease, forwarding,
// NAT rule, FORWARD policies of other tables, links, MTU, subnet overlap) plus
// a probe trace, ending with one plain verdict.
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/live_trace.h"

namespace netlab::tracer {

struct Check {
  enum class Level { kOk, kWarning, kProblem };
  std::string name;    // "lease", "forwarding", "nat-rule", "forward-policy", "links", "mtu", "subnet", "probe"
  Level level = Level::kOk;
  std::string detail;  // one sentence
};

const char* level_name(Check::Level level);

/// A base chain of another table on the forward hook with policy drop, from
/// `nft list ruleset` text: "ip filter FORWARD". Tables named `own_table` are skipped.
std::vector<std::string> forward_drop_chains(const std::string& ruleset_text, const std::string& own_table);

struct DoctorReport {
  std::string guest;
  std::vector<Check> checks;
  bool probed = false;
  model::Ipv4 target;
  LiveResult trace;
  bool healthy = true;
  std::string verdict;  // "g1: healthy, reaches 198.51.100.1" or "g1: PROBLEM: ..."
};

/// Checks `guest` of `lab` and traces a probe to `target` (0 = no probe).
Result<DoctorReport> doctor_guest(const std::string& lab, const model::HopMap& map, const std::string& guest,
                                  model::Ipv4 target);

/// The probe target for a guest: 198.51.100.1 (the simulated internet) when the
/// lab is a sandbox and the NIC's mode is nat or route, else the guest's default
/// gateway (0 when it has none).
model::Ipv4 doctor_target(const model::NicPath& nic, bool sandbox);

}  // namespace netlab::tracer
