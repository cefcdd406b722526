#pragma once
// state.json: what a lab is and how far its last `up` got. Written atomically
// (temporary file + rename) at the start and end of every `up`.
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/result.h"

namespace netlab::state {

/// building: an `up` is (or was, when its pid is gone) at work; ready/failed: the
/// last `up` ended so; removing: a `down` began removing the lab (gc finishes it
/// when that `down` died).
enum class Phase { building, ready, failed, removing };

struct LabState {
  std::string lab;
  std::string topology_file;  // absolute path of the file `up` was given
  bool sandbox = false;
  std::string host_netns;     // "" = the real host's root namespace; "<lab>-host" in --sandbox
  Phase phase = Phase::building;
  int pid = 0;                // the `up` that wrote it
  std::string updated;        // ISO 8601 UTC
  std::string message;        // why it failed, when phase == failed
  /// A real-host lab: the identity of the network namespace that is "the host"
  /// ("net:[4026531840]", host::current_netns_id()). Its journal names that
  /// namespace "", so `down` and `gc` act on it only from there.
  std::string host_netns_id;
};

const char* to_string(Phase phase);

/// Writes <lab_dir>/state.json atomically; stamps `updated`.
Status write_state(LabState state);
/// Reads <lab_dir>/state.json; nullopt when absent or unreadable.
std::optional<LabState> read_state(const std::string& lab);
/// Labs that have a run directory under the run root, sorted.
std::vector<std::string> list_labs();
/// Writes `content` to <lab_dir>/<name> atomically (copies of the topology, hop map).
Status write_lab_file(const std::string& lab, const std::string& name, const std::string& content);
/// Reads <lab_dir>/<name>; nullopt when absent.
std::optional<std::string> read_lab_file(const std::string& lab, const std::string& name);
/// Removes the lab's run directory and everything in it; then the run root if empty.
Status remove_lab_dir(const std::string& lab);

}  // namespace netlab::state
