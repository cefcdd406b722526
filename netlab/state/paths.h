#pragma once
// Where a lab's state lives: /run/netlab/<lab>/ (state.json, journal, topology.yaml,
// hopmap.json, dnsmasq and dhcp files) and /run/netlab/<lab>.lock. The root can be
// moved with NETLAB_RUN_DIR (unit tests use a temporary directory).
#include <string>

namespace netlab::state {

/// The copy of the topology `up` was given, in the lab's run directory.
inline constexpr const char* kTopologyCopy = "topology.yaml";

/// The run root: $NETLAB_RUN_DIR, or /run/netlab.
std::string run_root();
/// The lab's run directory: <run_root>/<lab>.
std::string lab_dir(const std::string& lab);
/// The lab's lock file: <run_root>/<lab>.lock (outside the run directory so that
/// `down` can remove the directory while it holds the lock).
std::string lock_path(const std::string& lab);

}  // namespace netlab::state
