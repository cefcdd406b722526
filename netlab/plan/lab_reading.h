#pragma once
// What `up` reads of a lab before it plans: its state, its copy of its file,
// the record of its last `up`, its journal, and the identity now of each
// namespace that journal holds. For a lab of a thousand guests that reading
// takes some 10 ms, so `netlab up` starts it on the machine's other core as
// soon as it has read the file (the lab's name guessed from the text:
// model::guess_lab_name), while the file is loaded and validated; `up` keeps
// that reading only when, under the lab's lock, the lab's files are still the
// ones read (lab_files_stamp), and else reads again.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "netlab/plan/built.h"
#include "netlab/state/journal.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {

struct LabReading {
  std::string lab;
  std::string stamp;  // lab_files_stamp(lab), taken before the files were read
  std::optional<state::LabState> state;
  std::optional<std::string> topology_copy;  // state::kTopologyCopy
  std::optional<std::string> built_text;     // state::kBuiltRecord
  /// built_text read, when the lab's last `up` completed (state ready).
  std::optional<Built> built;
  std::vector<state::OwnedObject> journal;
  size_t journal_lines = 0;  // forgotten objects included
  /// When the last `up` completed: host::netns_identity of every namespace in
  /// the journal, by name, read with the rest (mark_unexpanded() compares them).
  std::unordered_map<std::string, std::string> identities;
};

/// Reads it all (a lab that does not exist reads as empty).
LabReading read_lab(const std::string& lab);

/// Inode, size and modification time of each file read_lab() reads:
/// each rewrite or append changes it.
std::string lab_files_stamp(const std::string& lab);

/// `ahead` when it is lab's and its files have not changed since it was read,
/// else a fresh read_lab(lab). Called under the lab's lock.
LabReading current_reading(const std::string& lab, std::optional<LabReading> ahead);

}  // namespace netlab::plan
