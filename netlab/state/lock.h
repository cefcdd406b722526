#pragma once
// One lab, one writer: `up`, `down` and `gc` of a lab hold its lock for their whole
// run, so two of them cannot interleave, while different labs proceed in parallel.
#include <memory>
#include <string>

#include "netlab/model/result.h"

namespace netlab::state {

class LabLock {
 public:
  /// Takes the lab's lock without waiting. Fails with a sentence naming the pid that
  /// holds it when another process does. Creates the run root when missing.
  static Result<std::unique_ptr<LabLock>> acquire(const std::string& lab);
  /// Releases the lock; with remove_file the lock file is unlinked first (used by
  /// `down` once the lab is gone).
  ~LabLock();
  LabLock(const LabLock&) = delete;
  LabLock& operator=(const LabLock&) = delete;
  /// Unlink the lock file when released (the lab no longer exists).
  void remove_on_release() { remove_ = true; }
  /// True when some process holds the lab's lock right now.
  static bool held_by_other(const std::string& lab);

 private:
  LabLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
  bool remove_ = false;
};

}  // namespace netlab::state
