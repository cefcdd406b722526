#pragma once
// The processes living in a named network namespace: what must stop before
// netlab removes a namespace it made, or they outlive it (an `up` killed while
// a guest's one-shot DHCP client ran leaves that client behind).
#include <sys/types.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace netlab::host {

/// Which processes live in which named network namespace, for many namespaces
/// in a row (a teardown removes one per guest): /proc is walked once, and again
/// only once a process was created since (the kernel's last allocated pid,
/// /proc/sys/kernel/ns_last_pid, moved), not once per namespace. Safe to share
/// between threads.
class NetnsProcesses {
 public:
  /// Pids (other than this process) whose network namespace is /run/netns/NAME,
  /// compared by the namespace's inode; empty when there is no such namespace.
  std::vector<pid_t> in(const std::string& name);

 private:
  std::mutex mutex_;
  std::string last_pid_;  // when the walk was made; "" = never
  std::map<std::pair<dev_t, ino_t>, std::vector<pid_t>> by_namespace_;
};

}  // namespace netlab::host
