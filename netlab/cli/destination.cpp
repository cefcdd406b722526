// `--to ADDR|GUEST[:NIC]` (see destination.h).
#include "netlab/cli/destination.h"

#include <algorithm>
#include <map>
#include <set>

#include "netlab/cli/guest_nic.h"
#include "netlab/model/address.h"
#include "netlab/plan/running_lab.h"

namespace netlab::cli {
namespace {

/// The NIC's IPv4 address without its prefix: static from the hop map, else the lease.
std::string nic_address(const model::NicPath& nic, const std::map<std::string, host::Lease>& leases) {
  if (!nic.address.empty()) return nic.address.substr(0, nic.address.find('/'));
  auto lease = leases.find(nic.mac);
  return lease == leases.end() ? "" : lease->second.ip.str();
}

}  // namespace

Result<std::string> resolve_destination(const std::string& lab, const model::HopMap& map,
                                        const std::string& from_guest, const std::string& to) {
  if (model::Ipv4::parse(to) || model::Ipv6::parse(to)) return to;
  auto named = parse_guest_nic(to);
  std::vector<const model::NicPath*> candidates;
  if (named)
    for (const auto& nic : map.nics)
      if (nic.guest == named->guest && (named->nic.empty() || nic.nic == named->nic)) candidates.push_back(&nic);
  if (candidates.empty()) {
    bool guest_known = named && std::any_of(map.nics.begin(), map.nics.end(),
                                            [&](const model::NicPath& n) { return n.guest == named->guest; });
    if (guest_known) return Error{"guest " + named->guest + " of lab " + lab + " has no NIC " + named->nic, true};
    return Error{"--to must be an IPv4 or IPv6 address or a guest of lab " + lab + " (GUEST or GUEST:NIC), not '" +
                     to + "'",
                 true};
  }
  std::set<std::string> shared;
  for (const auto& nic : map.nics)
    if (nic.guest == from_guest) shared.insert(nic.network);
  std::map<std::string, host::Lease> leases;
  if (auto topo = plan::lab_topology(lab)) leases = plan::lab_leases(lab, *topo);
  std::string first;
  for (const model::NicPath* nic : candidates) {
    std::string address = nic_address(*nic, leases);
    if (address.empty()) continue;
    if (shared.count(nic->network)) return address;
    if (first.empty()) first = address;
  }
  if (!first.empty()) return first;
  return Error{"--to " + to + ": " + (candidates.size() == 1 ? "its NIC " + candidates[0]->nic + " has" : "no NIC has") +
                   " an IPv4 address yet (no static address, no DHCP lease)",
               true};
}

}  // namespace netlab::cli
