#include "netlab/host/dnsmasq.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "netlab/host/process.h"
#include "netlab/model/file_io.h"
#include "netlab/model/diagnostic.h"

namespace netlab::host {
namespace {

std::string conf_arg(const std::string& conf) { return "--conf-file=" + conf; }

}  // namespace

std::optional<pid_t> pid_running_conf(const std::string& pid_file, const std::string& conf_path) {
  return pid_file_process(pid_file, "dnsmasq", conf_arg(conf_path));
}

Dnsmasq::Dnsmasq(DnsmasqConfig config)
    : config_(std::move(config)), files_(dnsmasq_files(config_.run_dir, config_.network)) {}

std::optional<pid_t> Dnsmasq::pid() const { return pid_running_conf(files_.pid, files_.conf); }

Status Dnsmasq::start(const std::string& netns, std::chrono::milliseconds timeout) {
  if (running()) return {};
  Result<std::string> conf = render_dnsmasq_conf(config_);
  if (!conf) return conf.error();
  if (Status made = model::make_directory(config_.run_dir, 0755); !made) return made;
  if (Status written = model::write_file(files_.conf, *conf, 0644); !written) return written;
  // A stale pid file would be mistaken for the new daemon's: remove it first.
  ::unlink(files_.pid.c_str());
  // dnsmasq drops to an unprivileged user after opening its files; make sure the lease file
  // exists, and the log too (dnsmasq would create it with a mode that follows the umask).
  // O_NOFOLLOW: a link planted there is not followed; fchmod: the mode whatever the umask.
  for (const std::string* path : {&files_.leases, &files_.log}) {
    if (int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644); fd >= 0) {
      ::fchmod(fd, 0644);
      ::close(fd);
    }
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  SpawnOptions options;
  options.netns = netns;
  // The foreground dnsmasq exits once its daemon is ready (0) or failed (its message on stderr).
  Result<RunResult> started = run({"dnsmasq", conf_arg(files_.conf)}, options, timeout);
  if (!started) return Error{"dnsmasq for " + config_.network + ": " + started.error().message};
  if (started->exit_code != 0) {
    std::string why = started->err.empty() ? started->out : started->err;
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Error{"dnsmasq for network " + config_.network + " did not start (exit " +
                 std::to_string(started->exit_code) + "): " + model::excerpt(why, model::kMaxParserMessage)};
  }
  while (!running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Error{"dnsmasq for network " + config_.network + " wrote no usable pid file " + files_.pid};
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return {};
}

Status Dnsmasq::stop(std::chrono::milliseconds grace) {
  std::optional<pid_t> p = pid();
  if (p) {
    if (Status done = terminate(*p, grace); !done)
      return Error{"cannot stop dnsmasq of network " + config_.network + ": " + done.error().message};
  }
  ::unlink(files_.pid.c_str());
  return {};
}

Result<std::vector<Lease>> Dnsmasq::leases() const {
  struct stat st {};
  if (::stat(files_.leases.c_str(), &st) != 0 && errno == ENOENT) return std::vector<Lease>{};
  return read_leases(files_.leases);
}

}  // namespace netlab::host
