#pragma once
// What a light guest's steps are expanded from, as one key per guest, so that
// `up` of a changed file expands only the guests whose key differs from the one
// its last `up` recorded (built.h): a one-guest change then costs one guest.
#include <map>
#include <string>

#include "netlab/model/topology.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

/// Input keys of light guests, by guest name.
using GuestKeys = std::map<std::string, std::string>;

/// The key of each light guest of `topology`, by guest name: a digest of
/// everything desired_actions() builds its steps from — this netlab program
/// (its build id: another build may expand differently), the target, the file
/// but the guests (Topology::source_digest), the guest as written
/// (Guest::source_digest) and where it runs, and the names derived for it from
/// the whole lab (its namespace, its NICs' host-side devices). Two equal keys
/// mean the same steps. Empty when `topology` was not loaded from a file (it
/// has no source digests): every guest is then expanded.
GuestKeys guest_input_keys(const model::Topology& topology, const Target& target);

}  // namespace netlab::plan
