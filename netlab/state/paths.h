#pragma once
// Where a lab's state lives: /run/netlab/<lab>/ (state.json, journal, topology.yaml,
// hopmap.json, dnsmasq and dhcp files) and /run/netlab/<lab>.lock. The root can be
// moved with NETLAB_RUN_DIR (unit tests use a temporary directory).
#include <string>

#include "netlab/model/result.h"

namespace netlab::state {

/// Every function here that creates or removes files under the run root refuses a
/// lab name that breaks model::is_valid_name: "..", "." or "" would make lab_dir()
/// the run root or its parent. The command line checks names first; this is the
/// last line of defence for any other caller.
Status check_lab_name(const std::string& lab);

/// The run root: $NETLAB_RUN_DIR, or /run/netlab.
std::string run_root();
/// The lab's run directory: <run_root>/<lab>.
std::string lab_dir(const std::string& lab);
/// The lab's lock file: <run_root>/<lab>.lock (outside the run directory so that
/// `down` can remove the directory while it holds the lock).
std::string lock_path(const std::string& lab);

}  // namespace netlab::state
