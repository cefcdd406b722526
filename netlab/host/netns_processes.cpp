#include "netlab/host/netns_processes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace netlab::host {
namespace {

/// The namespace file of `name` under /run/netns; false when there is none.
bool netns_file(const std::string& name, struct stat* st) {
  return !name.empty() && name.find('/') == std::string::npos && stat(("/run/netns/" + name).c_str(), st) == 0;
}

/// Calls `each(pid, namespace inode)` for every process but this one.
template <typename Each>
void walk_processes(Each each) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid_text = entry.path().filename().string();
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (stat(("/proc/" + pid_text + "/ns/net").c_str(), &st) != 0) continue;  // gone, or a kernel thread
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid != getpid()) each(pid, st);
  }
}

std::string last_pid() {
  std::ifstream in("/proc/sys/kernel/ns_last_pid");
  std::string text;
  std::getline(in, text);
  return text;
}

}  // namespace

std::vector<pid_t> NetnsProcesses::in(const std::string& name) {
  struct stat ns {};
  if (!netns_file(name, &ns)) return {};
  std::lock_guard<std::mutex> hold(mutex_);
  const std::string now = last_pid();
  if (now.empty() || now != last_pid_) {
    by_namespace_.clear();
    walk_processes([&](pid_t pid, const struct stat& st) { by_namespace_[{st.st_dev, st.st_ino}].push_back(pid); });
    last_pid_ = now;
  }
  auto found = by_namespace_.find({ns.st_dev, ns.st_ino});
  return found == by_namespace_.end() ? std::vector<pid_t>{} : found->second;
}

}  // namespace netlab::host
