#include "netlab/host/netns_processes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace netlab::host {

std::vector<pid_t> processes_in_netns(const std::string& name) {
  std::vector<pid_t> pids;
  struct stat ns {};
  if (name.empty() || name.find('/') != std::string::npos || stat(("/run/netns/" + name).c_str(), &ns) != 0)
    return pids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid_text = entry.path().filename().string();
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (stat(("/proc/" + pid_text + "/ns/net").c_str(), &st) != 0) continue;  // gone, or a kernel thread
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (st.st_dev == ns.st_dev && st.st_ino == ns.st_ino && pid != getpid()) pids.push_back(pid);
  }
  return pids;
}

}  // namespace netlab::host
