#include "netlab/model/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace netlab::model {
namespace {

std::string errno_text() { return std::strerror(errno); }

/// An Error when `path` is a symbolic link or exists as anything but a regular file.
Status refuse_unsafe_target(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};  // absent: fine
  if (S_ISLNK(st.st_mode))
    return Error{"refusing to write " + path + ": it is a symbolic link (remove it, or choose another path)", true};
  if (!S_ISREG(st.st_mode)) return Error{"refusing to write " + path + ": it exists and is not a regular file", true};
  return {};
}

std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

Result<std::string> read_file_bounded(const std::string& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open the file: " + errno_text(), true};
  // Read straight into the string, in one read when fstat tells the size (one
  // byte more, to see the end at once); a pipe or /dev/zero does not: 64 KiB steps.
  struct stat st {};
  const size_t hint = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
  size_t step = hint < max ? std::max<size_t>(hint + 1, 4096) : 64 * 1024;
  std::string out;
  for (;;) {
    const size_t have = out.size();
    out.resize(have + step);
    const ssize_t n = ::read(fd, out.data() + have, step);
    const int err = errno;
    out.resize(have + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && err == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(err);
      ::close(fd);
      return Error{"cannot read the file: " + why, true};
    }
    if (n == 0) break;
    if (out.size() > max) {
      ::close(fd);
      return Error{"the file is larger than " + (max >= (1u << 20) ? mib(max) : std::to_string(max) + " bytes") +
                       ", far above any real lab; refusing to read it",
                   true};
    }
    step = 64 * 1024;
  }
  ::close(fd);
  return out;
}

Status make_directory(const std::string& path, mode_t mode) {
  if (path.empty()) return Error{"cannot create a directory with an empty name"};
  if (::mkdir(path.c_str(), mode) != 0 && errno == ENOENT) {
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0)
      if (auto parent = make_directory(path.substr(0, slash), 0755); !parent) return parent;
    ::mkdir(path.c_str(), mode);
  }
  // Open without following a link, then set the mode on what was opened: a link
  // swapped in between cannot redirect the chmod.
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
      return Error{"refusing to use " + path + ": it is a symbolic link", true};
    return Error{"cannot create " + path + ": " + errno_text()};
  }
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (ok && (st.st_mode & 07777) != mode && st.st_uid == ::geteuid()) ok = ::fchmod(fd, mode) == 0;
  std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) return Error{"cannot set the mode of " + path + ": " + why};
  return {};
}

Result<OutputFile> OutputFile::create(const std::string& path, mode_t mode) {
  if (auto safe = refuse_unsafe_target(path); !safe) return safe.error();
  std::string tmp = path + ".tmp.XXXXXX";
  // mkostemp creates with O_CREAT|O_EXCL and a random name: never an existing file or link.
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return Error{"cannot create a file beside " + path + ": " + errno_text()};
  if (::fchmod(fd, mode) != 0) {
    std::string why = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{"cannot set the mode of " + tmp + ": " + why};
  }
  return OutputFile(path, std::move(tmp), fd);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::move(other.tmp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.tmp_.clear();
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Status OutputFile::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{"cannot write " + path_ + ": " + errno_text()};
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status OutputFile::commit() {
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Error{"cannot write " + path_ + ": " + errno_text()};
  // rename(2) replaces a link itself rather than its target, but a link planted
  // since create() is still refused so that the user hears of it.
  if (auto safe = refuse_unsafe_target(path_); !safe) return safe;
  // An existing file is exchanged with the new one, then removed under the
  // temporary name: as atomic for readers as rename(2), which on ext4 first
  // writes the new file's data out when it replaces a file (auto_da_alloc):
  // about 1 ms for a lab's hop map, each `up`. Where the file system cannot
  // exchange, or nothing is there yet, a plain rename.
  if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlink(tmp_.c_str());
  } else if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return Error{"cannot write " + path_ + ": " + errno_text()};
  }
  tmp_.clear();
  return {};
}

Status write_file(const std::string& path, std::string_view content, mode_t mode) {
  auto out = OutputFile::create(path, mode);
  if (!out) return out.error();
  if (auto w = out->write(content); !w) return w;
  return out->commit();
}

}  // namespace netlab::model
