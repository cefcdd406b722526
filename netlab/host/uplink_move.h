#pragma once
// A host NIC joining a bridge (bridge mode on a real host) hands everything
// it holds to the bridge, so the host stays reachable: every IPv4 and IPv6
// address (flags, lifetimes, labels) and every route through it, default and
// others, of every table. And back again, exactly, on failure and on `down`.
//
// The caller records the snapshot (in the lab's journal) BEFORE move_uplink,
// so that restore_uplink can put things back even after a kill -9 half-way.
// Left in place: IPv6 link-local and temporary (privacy) addresses, which the
// kernel makes per device, and the routes the kernel derives from addresses
// (proto kernel, table local).
#include <string>
#include <vector>

#include "netlab/host/netlink.h"

namespace netlab::host {

/// What a NIC held before it joined `bridge`.
struct UplinkSnapshot {
  std::string nic, bridge;
  std::vector<IpAddress> addresses;  // in the kernel's order: IPv4 primaries before secondaries
  std::vector<IpRoute> routes;       // through nic, without the kernel's own
  bool operator==(const UplinkSnapshot&) const = default;
};

/// Reads what `nic` holds now. An Error (nothing changed) when a route through
/// it cannot be recreated (several next hops or a nexthop object).
Result<UplinkSnapshot> snapshot_uplink(Netlink& nl, const std::string& nic, const std::string& bridge);

/// One line of JSON for the journal, and back (nullopt when it does not parse).
std::string uplink_snapshot_to_json(const UplinkSnapshot& snapshot);
std::optional<UplinkSnapshot> uplink_snapshot_from_json(const std::string& text);

/// Brings the bridge up, gives it the NIC's addresses (IPv6 ones without DAD:
/// the address already holds on this very link), enslaves the NIC, moves each
/// route onto the bridge with one replace (so the default route is never
/// missing), then takes the addresses off the NIC. On failure it restores the
/// snapshot itself and the Error says what failed (and any restore problem).
Status move_uplink(Netlink& nl, const UplinkSnapshot& snapshot);

/// Puts the snapshot back: the addresses on the NIC, each route through it
/// (replacing the bridge's), the NIC out of the bridge, the bridge's copies
/// removed. Idempotent, best effort: an Error lists what could not be restored.
/// Nothing to do when the NIC is gone.
Status restore_uplink(Netlink& nl, const UplinkSnapshot& snapshot);

}  // namespace netlab::host
