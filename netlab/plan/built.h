#pragma once
// What a lab's last completed `up` built, in brief: a digest of the steps of
// each guest and of the lab's own (planner.h step_digests), and what its file
// said about the objects it made (names for messages, where DHCP leases are
// kept: planner.h Owned without its journal). Written at the end of every `up`
// that completed, removed at the start of the next, so `up` of a changed file
// compares digests instead of loading and expanding the previous file again.
#include <optional>
#include <string>

#include "netlab/model/topology.h"
#include "netlab/plan/planner.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

struct Built {
  StepDigests digests;
  Owned described;  // labels, leased_nics, lease_files, lease_file_of_pid; no objects
  /// Each light guest's input key (guest_keys.h) and the keys of the objects its
  /// steps make (guest_object_keys): the next `up` leaves a guest with the same
  /// key unexpanded and keeps those objects. Only guests with both are listed.
  GuestKeys keys;
  std::map<std::string, std::vector<std::string>> objects;
};

/// The record of `topology` built on `target`, whose steps have `digests`;
/// `keys` and `objects` as in Built (guests missing from either are left out).
Built built_record(const model::Topology& topology, const Target& target, StepDigests digests, GuestKeys keys = {},
                   std::map<std::string, std::vector<std::string>> objects = {});

/// One line per entry, fields separated by tabs; nullopt when a field holds a
/// tab or a newline (no record is then kept: `up` falls back to the file's copy).
std::optional<std::string> built_to_text(const Built& built);
/// nullopt when `text` is not a whole record (a line cut short, another version).
std::optional<Built> built_from_text(const std::string& text);

/// Writes a record written out by built_to_text; without one (nullopt) removes the old one.
Status write_built(const std::string& lab, const std::optional<std::string>& text);
/// Removes it (at the start of an `up`: the lab is about to change).
void forget_built(const std::string& lab);

}  // namespace netlab::plan
