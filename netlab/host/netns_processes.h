#pragma once
// The processes living in a named network namespace: what must stop before
// netlab removes a namespace it made, or they outlive it (an `up` killed while
// a guest's one-shot DHCP client ran leaves that client behind).
#include <sys/types.h>

#include <string>
#include <vector>

namespace netlab::host {

/// Pids (other than this process) whose network namespace is /run/netns/NAME,
/// compared by the namespace's inode; empty when there is no such namespace.
std::vector<pid_t> processes_in_netns(const std::string& name);

}  // namespace netlab::host
