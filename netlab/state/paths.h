#pragma once
// Where a lab's state lives: /run/netlab/<lab>/ (state.json, journal, topology.yaml,
// built.tsv, hopmap.json, dnsmasq and dhcp files) and /run/netlab/<lab>.lock. The root can be
// moved with NETLAB_RUN_DIR (unit tests use a temporary directory).
#include <string>

#include "netlab/model/result.h"

namespace netlab::state {

/// Every function here that creates or removes files under the run root refuses a
/// lab name that breaks model::is_valid_name: "..", "." or "" would make lab_dir()
/// the run root or its parent. The command line checks names first; this is the
/// last line of defence for any other caller.
Status check_lab_name(const std::string& lab);

/// Modes of what netlab keeps under the run root, whatever the caller's umask:
/// directories 0755 and files 0644, all owned by root, so that nobody else can
/// change the journal and state that `down` trusts, while dnsmasq (which drops
/// to an unprivileged user) still reads its files.
inline constexpr unsigned kRunDirMode = 0755;
inline constexpr unsigned kRunFileMode = 0644;

/// Creates (or re-modes) the run root and the lab's run directory with kRunDirMode,
/// refusing a symbolic link at either.
Status make_lab_dir(const std::string& lab);

/// The lab's state (lab_state.h) and its journal (journal.h), in its run directory.
inline constexpr const char* kStateFile = "state.json";
inline constexpr const char* kJournalFile = "journal";
/// The copy of the topology `up` was given, in the lab's run directory.
inline constexpr const char* kTopologyCopy = "topology.yaml";
/// What the lab's last completed `up` built, in brief (plan/built.h); absent
/// while an `up` runs and after one that failed.
inline constexpr const char* kBuiltRecord = "built.tsv";

/// The run root: $NETLAB_RUN_DIR, or /run/netlab.
std::string run_root();
/// The lab's run directory: <run_root>/<lab>.
std::string lab_dir(const std::string& lab);
/// The lab's lock file: <run_root>/<lab>.lock (outside the run directory so that
/// `down` can remove the directory while it holds the lock).
std::string lock_path(const std::string& lab);

}  // namespace netlab::state
