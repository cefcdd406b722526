#include "netlab/state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "netlab/model/file_io.h"
#include "netlab/state/paths.h"

namespace netlab::state {
namespace {

std::string read_holder(const std::string& path) {
  std::ifstream in(path);
  std::string pid;
  std::getline(in, pid);
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<std::unique_ptr<LabLock>> LabLock::acquire(const std::string& lab) {
  if (auto named = check_lab_name(lab); !named) return named.error();
  if (auto root = model::make_directory(run_root(), kRunDirMode); !root) return root.error();
  const std::string path = lock_path(lab);
  // Retry when the file we locked was unlinked by a `down` that just finished:
  // the lock must be on the inode the path names now.
  for (int attempt = 0; attempt < 10; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, kRunFileMode);
    if (fd < 0) return Error{"cannot open " + path + ": " + std::strerror(errno)};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK)
        return Error{"lab '" + lab + "' is busy: another netlab command (pid " + read_holder(path) +
                     ") is changing it"};
      return Error{"cannot lock " + path + ": " + std::strerror(err)};
    }
    struct stat by_fd {}, by_path {};
    if (::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 && by_fd.st_ino == by_path.st_ino) {
      // The umask does not decide who may write it. Each change is an inode
      // update (a journal write on ext4): made only when needed.
      if ((by_fd.st_mode & 07777) != kRunFileMode) ::fchmod(fd, kRunFileMode);
      // The pid is informational only; the lock itself is held.
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size()) &&
          by_fd.st_size > static_cast<off_t>(pid.size()) && ::ftruncate(fd, static_cast<off_t>(pid.size())) != 0) {
        // A longer pid's digits left behind: still only informational.
      }
      return std::unique_ptr<LabLock>(new LabLock(fd, path));
    }
    ::close(fd);
  }
  return Error{"cannot lock " + path + ": it keeps being replaced"};
}

LabLock::~LabLock() {
  if (remove_) {
    ::unlink(path_.c_str());
    ::rmdir(run_root().c_str());  // only succeeds when no other lab remains
  }
  ::close(fd_);
}

bool LabLock::held_by_other(const std::string& lab) {
  int fd = ::open(lock_path(lab).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

}  // namespace netlab::state
