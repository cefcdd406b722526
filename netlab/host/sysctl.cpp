#include "netlab/host/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

std::string where(const std::string& netns) { return netns.empty() ? "" : " in namespace " + netns; }

}  // namespace

std::string sysctl_path(std::string_view key) {
  std::string k(key);
  if (k.empty() || k.find("..") != std::string::npos || k.front() == '/' || k.front() == '.') return {};
  if (k.find('/') == std::string::npos)
    for (char& c : k)
      if (c == '.') c = '/';
  return "/proc/sys/" + k;
}

Status set_sysctl(const std::string& netns, const std::string& key, const std::string& value) {
  std::string path = sysctl_path(key);
  if (path.empty()) return Error{"invalid sysctl name '" + key + "'"};
  int err = 0;
  Status entered = in_netns(netns, [&] {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) {
      err = errno;
      return;
    }
    std::string text = value + "\n";
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) err = errno ? errno : EIO;
  });
  if (!entered) return Error{"cannot set " + key + ": " + entered.error().message};
  if (err) return Error{"cannot set " + key + "=" + value + where(netns) + ": " + std::strerror(err)};
  return {};
}

Result<std::string> get_sysctl(const std::string& netns, const std::string& key) {
  std::string path = sysctl_path(key);
  if (path.empty()) return Error{"invalid sysctl name '" + key + "'"};
  int err = 0;
  std::string value;
  Status entered = in_netns(netns, [&] {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      err = errno;
      return;
    }
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) value.append(buf, static_cast<size_t>(n));
    if (n < 0) err = errno;
  });
  if (!entered) return Error{"cannot read " + key + ": " + entered.error().message};
  if (err) return Error{"cannot read " + key + where(netns) + ": " + std::strerror(err)};
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

Status set_bridge_nf_call_iptables(const std::string& netns, bool enabled) {
  return set_sysctl(netns, "net/bridge/bridge-nf-call-iptables", enabled ? "1" : "0");
}

}  // namespace netlab::host
