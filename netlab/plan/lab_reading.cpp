#include "netlab/plan/lab_reading.h"

#include <sys/stat.h>

#include "netlab/host/netns.h"
#include "netlab/state/paths.h"

namespace netlab::plan {

std::string lab_files_stamp(const std::string& lab) {
  std::string stamp;
  for (const char* name : {state::kStateFile, state::kTopologyCopy, state::kBuiltRecord, state::kJournalFile}) {
    struct stat st {};
    if (::stat((state::lab_dir(lab) + "/" + name).c_str(), &st) != 0) {
      stamp += "-;";
      continue;
    }
    stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
             "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

LabReading read_lab(const std::string& lab) {
  LabReading snap;
  snap.lab = lab;
  snap.stamp = lab_files_stamp(lab);
  snap.state = state::read_state(lab);
  snap.topology_copy = state::read_lab_file(lab, state::kTopologyCopy);
  snap.built_text = state::read_lab_file(lab, state::kBuiltRecord);
  snap.journal = state::read_journal(lab, &snap.journal_lines);
  if (!snap.state || snap.state->phase != state::Phase::ready) return snap;
  if (snap.built_text) snap.built = built_from_text(*snap.built_text);
  for (const auto& object : snap.journal)
    if (object.kind == state::ObjectKind::netns) snap.identities.emplace(object.name, host::netns_identity(object.name));
  return snap;
}

LabReading current_reading(const std::string& lab, std::optional<LabReading> ahead) {
  if (ahead && ahead->lab == lab && ahead->stamp == lab_files_stamp(lab)) return std::move(*ahead);
  return read_lab(lab);
}

}  // namespace netlab::plan
