#include "netlab/host/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "netlab/host/fd.h"

namespace netlab::host {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

/// True when `dir` has no entries (or cannot be read).
bool directory_empty(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) return true;
  bool empty = true;
  while (dirent* entry = readdir(d)) {
    std::string_view n = entry->d_name;
    if (n != "." && n != "..") {
      empty = false;
      break;
    }
  }
  closedir(d);
  return empty;
}

/// Makes /run/netns exist and be a shared mount point (recursively), the way
/// iproute2 does, so namespace mounts propagate to every mount namespace.
/// Namespace files are only mount points with nothing to keep: where /run/netns
/// lies on a disk filesystem (here ext4, where most distributions have a tmpfs
/// /run) and holds no namespace yet, a tmpfs is mounted on it first; creating a
/// thousand pin files on ext4 cost a fifth of `up`. Done once per process.
Status prepare_run_dir() {
  static std::mutex mutex;
  static bool done = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (done) return {};
  if (mkdir(kNetnsRunDir, 0755) != 0 && errno != EEXIST)
    return Error{std::string("cannot create ") + kNetnsRunDir + ": " + errno_text(errno)};
  struct statfs fs {};
  if (statfs(kNetnsRunDir, &fs) == 0 && static_cast<unsigned long>(fs.f_type) != TMPFS_MAGIC &&
      directory_empty(kNetnsRunDir)) {
    // Best effort: without it namespaces still work, only slower.
    mount("netns", kNetnsRunDir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755");
  }
  bool bound = false;
  while (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    // Not a mount point yet: bind it onto itself, then retry once.
    if (errno != EINVAL || bound)
      return Error{std::string("cannot make ") + kNetnsRunDir + " a shared mount: " + errno_text(errno)};
    if (mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) != 0)
      return Error{std::string("cannot bind-mount ") + kNetnsRunDir + ": " + errno_text(errno)};
    bound = true;
  }
  done = true;
  return {};
}

/// Sets IFF_UP on "lo" of the calling thread's namespace.
Status loopback_up() {
  Fd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return Error{"socket: " + errno_text(errno)};
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) return Error{"reading lo flags: " + errno_text(errno)};
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP);
  if (ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) return Error{"setting lo up: " + errno_text(errno)};
  return {};
}

/// Puts the calling thread back into namespace `home_fd`. Staying in the wrong
/// namespace would send every later change to the wrong place, so a failure
/// here ends the process.
void return_home(int home_fd) {
  if (setns(home_fd, CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "netlab: cannot return to the original network namespace: %s\n", std::strerror(errno));
    std::abort();
  }
}

}  // namespace

bool valid_netns_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  return name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

std::string netns_path(const std::string& name) { return std::string(kNetnsRunDir) + "/" + name; }

Status create_netns(const std::string& name, Loopback lo, Ipv6 ipv6) {
  if (!valid_netns_name(name)) return Error{"invalid network namespace name '" + name + "'"};
  if (Status s = prepare_run_dir(); !s) return Error{"cannot create network namespace " + name + ": " + s.error().message};
  const std::string path = netns_path(name);
  {
    Fd file(open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
    if (!file.valid()) {
      if (errno == EEXIST) return Error{"cannot create network namespace " + name + ": the name is already taken"};
      return Error{"cannot create network namespace " + name + ": " + path + ": " + errno_text(errno)};
    }
  }
  // The calling thread unshares into the fresh namespace, bind-mounts it, and
  // returns to its own namespace before this function returns (no helper
  // thread: starting one per namespace cost more than the namespace itself).
  Fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!home.valid()) {
    unlink(path.c_str());
    return Error{"cannot create network namespace " + name + ": cannot open the current one: " + errno_text(errno)};
  }
  std::string failure;
  bool mounted = false;
  if (unshare(CLONE_NEWNET) != 0) {
    failure = "unshare: " + errno_text(errno);
  } else {
    if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
      failure = "bind mount on " + path + ": " + errno_text(errno);
    } else {
      mounted = true;
      // Devices made from now on get no IPv6 (lo already exists and keeps ::1).
      // /proc/sys/net opened by this thread is the new namespace's.
      if (ipv6 == Ipv6::off) {
        const char* knob = "/proc/sys/net/ipv6/conf/default/disable_ipv6";
        Fd fd(::open(knob, O_WRONLY | O_CLOEXEC));
        if (!fd.valid() || ::write(fd.get(), "1\n", 2) != 2)
          failure = std::string("disabling IPv6 (") + knob + "): " + errno_text(errno);
      }
      if (failure.empty() && lo == Loopback::up) {
        if (Status s = loopback_up(); !s) failure = s.error().message;
      }
    }
    return_home(home.get());
  }
  if (!failure.empty()) {
    if (mounted) umount2(path.c_str(), MNT_DETACH);
    unlink(path.c_str());
    return Error{"cannot create network namespace " + name + ": " + failure};
  }
  return {};
}

Status delete_netns(const std::string& name) {
  if (!valid_netns_name(name)) return Error{"invalid network namespace name '" + name + "'"};
  const std::string path = netns_path(name);
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL) {
    if (errno == ENOENT) return Error{"cannot delete network namespace " + name + ": it does not exist"};
    return Error{"cannot delete network namespace " + name + ": umount: " + errno_text(errno)};
  }
  if (unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Error{"cannot delete network namespace " + name + ": it does not exist"};
    return Error{"cannot delete network namespace " + name + ": " + errno_text(errno)};
  }
  return {};
}

std::string netns_identity(const std::string& name) {
  if (!valid_netns_name(name)) return "";
  // Every namespace file lives on the one nsfs: a path whose device is that
  // of this process's own namespace file is a namespace (one stat, where
  // netns_exists' statfs and a stat would be two: `up` checks 1000 of them).
  static const dev_t nsfs = [] {
    struct stat own {};
    return ::stat("/proc/self/ns/net", &own) == 0 ? own.st_dev : dev_t{0};
  }();
  struct stat st {};
  if (nsfs == 0) {
    if (!netns_exists(name) || ::stat(netns_path(name).c_str(), &st) != 0) return "";
  } else if (::stat(netns_path(name).c_str(), &st) != 0 || st.st_dev != nsfs) {
    return "";
  }
  char time[32];
  std::snprintf(time, sizeof time, ":%lld.%09ld", static_cast<long long>(st.st_ctim.tv_sec), st.st_ctim.tv_nsec);
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + time;
}

bool same_netns(const std::string& recorded, const std::string& now) {
  if (recorded == now) return true;
  // "<dev>:<inode>" from an older netlab: compared with `now` up to its time.
  if (std::count(recorded.begin(), recorded.end(), ':') != 1) return false;
  return now.size() > recorded.size() && now.compare(0, recorded.size(), recorded) == 0 && now[recorded.size()] == ':';
}

bool netns_exists(const std::string& name) {
  if (!valid_netns_name(name)) return false;
  struct statfs fs {};
  if (statfs(netns_path(name).c_str(), &fs) != 0) return false;
  return static_cast<unsigned long>(fs.f_type) == static_cast<unsigned long>(NSFS_MAGIC);
}

std::vector<std::string> list_netns() {
  std::vector<std::string> names;
  DIR* dir = opendir(kNetnsRunDir);
  if (!dir) return names;
  while (dirent* entry = readdir(dir)) {
    std::string n = entry->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<NetnsFd> NetnsFd::open(const std::string& name) {
  if (name.empty()) {
    int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{"cannot open the current network namespace: " + errno_text(errno)};
    return NetnsFd(fd);
  }
  if (!valid_netns_name(name)) return Error{"invalid network namespace name '" + name + "'"};
  int fd = ::open(netns_path(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error{"network namespace " + name + " does not exist"};
    return Error{"cannot open network namespace " + name + ": " + errno_text(errno)};
  }
  return NetnsFd(fd);
}

Status run_in_netns_fd(const NetnsFd& fd, const std::string& name_for_errors, const std::function<void()>& body) {
  // The calling thread enters the namespace for the length of `body` and then
  // returns to the namespace it was in (nested calls work: each saves its own).
  Fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!home.valid()) return Error{"cannot open the current network namespace: " + errno_text(errno)};
  if (setns(fd.get(), CLONE_NEWNET) != 0)
    return Error{"cannot enter network namespace " + name_for_errors + ": " + errno_text(errno)};
  struct GoHome {
    int fd;
    ~GoHome() { return_home(fd); }
  } go_home{home.get()};
  body();
  return {};
}

Status in_netns(const std::string& name, const std::function<void()>& body) {
  if (name.empty()) {
    body();
    return {};
  }
  auto fd = NetnsFd::open(name);
  if (!fd) return fd.error();
  return run_in_netns_fd(*fd, name, body);
}

std::string current_netns_id() {
  char buf[64] = {};
  ssize_t n = ::readlink("/proc/thread-self/ns/net", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace netlab::host
