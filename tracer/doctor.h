#pragma once
// `netlab doctor`: static checks of one guest NIC's path (lease, forwarding,
// NAT rule, FORWARD policies of other tables, links, MTU, subnet overlap) plus
// a probe trace, ending with one plain verdict.
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/live_trace.h"
#include "tracer/ruleset_json.h"

namespace netlab::tracer {

struct Check {
  enum class Level { kOk, kWarning, kProblem };
  std::string name;    // "domain", "tap" (VMs), "lease", "address", "forwarding", "forwarding6", "nat-rule", "forward-policy", "links", "mtu", "subnet", "probe"
  Level level = Level::kOk;
  std::string detail;  // one sentence
};

const char* level_name(Check::Level level);

/// Each base chain of another table on the forward hook with policy drop, as
/// "ip filter FORWARD". Tables named `own_table` are skipped.
std::vector<std::string> forward_drop_chains(const Ruleset& ruleset, const std::string& own_table);

struct DoctorReport {
  std::string guest;
  std::string nic;  // "eth0", ...
  std::vector<Check> checks;
  bool probed = false;
  model::Ipv4 target;
  LiveResult trace;
  bool healthy = true;
  std::string verdict;  // "g1: healthy, reaches 198.51.100.1" or "g1: PROBLEM: ..."
};

/// Checks one guest NIC's path in `lab` and traces a probe to `target` from
/// the guest (0 = no probe). For a kvm guest `vm` says how to reach its VM: the
/// checks add its domain's state, its tap (up, a port of the bridge) and its
/// lease, and the probe is sent from inside the VM.
Result<DoctorReport> doctor_nic(const std::string& lab, const model::HopMap& map, const model::NicPath& nic,
                                model::Ipv4 target, const VmAccess* vm = nullptr);
/// The probe target for a guest NIC whose mode is nat or route: an outside
/// address — 198.51.100.1 (the simulated internet) in a sandbox, the host's
/// default gateway on a real host — when the guest reaches it by this NIC;
/// else the gateway of a default route on this NIC; else the host's address on
/// the NIC's bridge (isolated networks); 0 when there is none. A kvm NIC: the
/// outside address for nat/route, else 0.
model::Ipv4 doctor_target(const model::NicPath& nic, bool sandbox);

}  // namespace netlab::tracer
