#pragma once
// Desired state (the topology) against observed state -> the ordered steps `up`
// must take. Steps whose effect already exists are left out, so applying a file
// twice does nothing the second time and a part removed by hand comes back.
// What the lab owns (its journal) and the file no longer has is removed first;
// what the file changed is changed in place (an address, a dnsmasq conf, the
// nft ruleset, a VLAN tag) instead of being rebuilt.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/observed.h"
#include "netlab/plan/target.h"
#include "netlab/state/journal.h"

namespace netlab::plan {

/// A DHCP NIC of a light guest in the lab's last topology.
struct LeasedNic {
  std::string device;   // inside the guest's namespace
  std::string network;
};

/// What a running lab owns: its journal, and what the topology it was last
/// built from says about those objects: names ("guest g2 (namespace nat-g2)")
/// and where the DHCP leases it handed out are kept.
struct Owned {
  std::vector<state::OwnedObject> objects;
  std::map<std::string, std::string> labels;  // by owned_key()
  std::map<std::string, std::vector<LeasedNic>> leased_nics;  // guest namespace -> its DHCP NICs
  std::map<std::string, std::string> lease_files;            // network -> its dnsmasq's lease file
  std::map<std::string, std::string> lease_file_of_pid;      // dnsmasq pid file -> lease file
  /// Guest namespaces make() takes as the last `up` left them, reading nothing
  /// inside them (unchanged_guest_namespaces()).
  std::set<std::string> unchanged;
};

/// The key of an owned object: kind, namespace and name (its detail aside).
std::string owned_key(const state::OwnedObject& object);

/// What `previous` (the lab's last topology) says about the objects it made
/// on `target`: Owned without `objects` (the caller adds the journal's).
Owned described_by(const model::Topology& previous, const Target& target);

/// The namespaces of the light guests that `next` defines exactly as `previous`
/// did (the same steps), each still the namespace the lab made (the identity
/// the journal in `owned` recorded). Meant for a lab whose last `up`, of
/// `previous`, completed: what is inside those namespaces is then as that `up`
/// left it, unless changed by hand, so `up` of a changed file need not read
/// them (its cost follows the change, not the lab). Empty when `next` changes
/// nothing at all: `up` of an unchanged file reads everything and repairs drift.
std::set<std::string> unchanged_guest_namespaces(const model::Topology& previous, const model::Topology& next,
                                                 const Target& target, const Owned& owned, Observed& observed);

/// The steps still needed, in dependency order: removals of what `owned` holds
/// and the file does not, then the creations and changes. The DHCP leases of
/// removed guests, and of guests whose address leaves their old network, are
/// released: that network's dnsmasq drops them (a restart with `release`).
/// `topology` must be valid.
std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed,
                         const Owned& owned = {});

/// The step `action` still needs: nullopt when its effect is present, the
/// action itself when absent, or its change-in-place form (ChangeAddress, a
/// renewed lease, a restarted dnsmasq, a replaced nft table, a retagged port).
std::optional<Action> needed(const Action& action, Observed& observed);

/// True when `action`'s effect is already present in `observed`.
bool satisfied(const Action& action, Observed& observed);

}  // namespace netlab::plan
