#pragma once
// Desired state (the topology) against observed state -> the ordered steps `up`
// must take. Steps whose effect already exists are left out, so applying a file
// twice does nothing the second time and a part removed by hand comes back.
// What the lab owns (its journal) and the file no longer has is removed first;
// what the file changed is changed in place (an address, a dnsmasq conf, the
// nft ruleset, a VLAN tag) instead of being rebuilt.
#include <map>
#include <string>
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/observed.h"
#include "netlab/plan/target.h"
#include "netlab/state/journal.h"

namespace netlab::plan {

/// What a running lab owns: its journal, and names for its objects taken from
/// the topology it was last built from ("guest g2 (namespace nat-g2)").
struct Owned {
  std::vector<state::OwnedObject> objects;
  std::map<std::string, std::string> labels;  // by owned_key()
};

/// The key of an owned object: kind, namespace and name (its detail aside).
std::string owned_key(const state::OwnedObject& object);

/// Labels for the objects `previous` (the lab's last topology) made on `target`.
std::map<std::string, std::string> owner_labels(const model::Topology& previous, const Target& target);

/// The steps still needed, in dependency order: removals of what `owned` holds
/// and the file does not, then the creations and changes. `topology` must be valid.
std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed,
                         const Owned& owned = {});

/// The step `action` still needs: nullopt when its effect is present, the
/// action itself when absent, or its change-in-place form (ChangeAddress, a
/// renewed lease, a restarted dnsmasq, a replaced nft table, a retagged port).
std::optional<Action> needed(const Action& action, Observed& observed);

/// True when `action`'s effect is already present in `observed`.
bool satisfied(const Action& action, Observed& observed);

}  // namespace netlab::plan
