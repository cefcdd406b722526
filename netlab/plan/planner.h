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
#include <unordered_set>
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/guest_keys.h"
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
  /// inside them (mark_unchanged()).
  std::set<std::string> unchanged;
  /// Light guests, by name, make() takes whole as the last `up` left them, their
  /// host side too, as long as the lab's own steps need nothing (mark_unchanged()).
  std::set<std::string> untouched;
};

/// The key of an owned object: kind, namespace and name (its detail aside).
std::string owned_key(const state::OwnedObject& object);

/// What `previous` (the lab's last topology) says about the objects it made
/// on `target`: Owned without `objects` (the caller adds the journal's).
Owned described_by(const model::Topology& previous, const Target& target);

/// A digest of the steps of each owner (desired_actions' `owners`): "" for the
/// lab's own steps, else a guest's name. Two equal digests mean the same steps.
using StepDigests = std::map<std::string, std::string>;
StepDigests step_digests(const std::vector<Action>& desired, const std::vector<std::string>& owners);

/// The light guests of `next` whose input key (`keys`) is the one the last
/// completed `up` recorded (`recorded`, holding only guests whose steps it
/// recorded), each still in the namespace the lab made: marked as
/// mark_unchanged() does (adding to what owned holds), and returned, to be left
/// unexpanded (Desired::skipped).
std::set<std::string> mark_unexpanded(const model::Topology& next, const GuestKeys& keys, const GuestKeys& recorded,
                                      Owned& owned, Observed& observed);

/// The light guests of `next` whose steps (`after`) are those the last `up`
/// made (`before`, its digests), each still in the namespace the lab made (the
/// identity the journal in `owned` recorded): their namespaces go to
/// owned.unchanged, their names to owned.untouched. Meant for a lab whose last
/// `up` completed: what those guests hold is then as that `up` left it, unless
/// changed by hand, so `up` of a changed file need not read them (its cost
/// follows the change, not the lab). The guests in `checked` are marked without
/// a second look at their namespace (mark_unexpanded() looked). Marks nothing
/// when `next` changes nothing at all: `up` of an unchanged file reads
/// everything and repairs drift.
void mark_unchanged(const model::Topology& next, const StepDigests& before, const StepDigests& after, Owned& owned,
                    Observed& observed, const std::set<std::string>& checked = {});

/// The steps a topology asks for (desired_actions with their owners), but for
/// the light guests in `skipped`, left unexpanded: their input is what the
/// last `up` expanded (guest_keys.h), so their steps are the ones it made.
struct Desired {
  std::vector<Action> steps;
  std::vector<std::string> owners;
  std::set<std::string> skipped;
  /// What the skipped guests' steps own (wanted keys, as guest_object_keys()
  /// gives them, from the last `up`'s record): make() does not remove it.
  /// Hashed: a lab of a thousand guests keeps some 7000.
  std::unordered_set<std::string> kept;
};
Desired desired_of(const model::Topology& topology, const Target& target, std::set<std::string> skipped = {});

/// The keys of the objects each guest's steps in `desired` make, by guest:
/// what the record keeps for a guest whose steps are later skipped (Desired::kept).
std::map<std::string, std::vector<std::string>> guest_object_keys(const Desired& desired);

/// True when the lab's own steps in `desired` (owner "") need anything. The
/// untouched guests are then read after all (make()), and so must be expanded:
/// a Desired with skipped guests is planned only when this is false.
bool lab_needs_steps(const Desired& desired, Observed& observed, const Owned& owned, const std::string& host_netns);

/// The steps still needed, in dependency order: removals of what `owned` holds
/// and the file does not, then the creations and changes. The DHCP leases of
/// removed guests, and of guests whose address leaves their old network, are
/// released: that network's dnsmasq drops them (a restart with `release`).
/// `topology` must be valid. The lab's own steps are checked first; when they
/// need nothing, the guests in owned.untouched are left out unread.
std::vector<Action> make(const model::Topology& topology, const Target& target, Observed& observed,
                         const Owned& owned = {});
/// make() of steps already listed.
std::vector<Action> make(const Desired& desired, Observed& observed, const Owned& owned, const std::string& host_netns);

/// The step `action` still needs: nullopt when its effect is present, the
/// action itself when absent, or its change-in-place form (ChangeAddress, a
/// renewed lease, a restarted dnsmasq, a replaced nft table, a retagged port).
std::optional<Action> needed(const Action& action, Observed& observed);

/// True when `action`'s effect is already present in `observed`.
bool satisfied(const Action& action, Observed& observed);

}  // namespace netlab::plan
