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

namespace netlab::host {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  if (in) buf << in.rdbuf();
  return buf.str();
}

std::string conf_arg(const std::string& conf) { return "--conf-file=" + conf; }

}  // namespace

std::optional<pid_t> pid_running_conf(const std::string& pid_file, const std::string& conf_path) {
  std::string text = read_file(pid_file);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || pid <= 1) return std::nullopt;
  if (!alive(pid)) return std::nullopt;
  // /proc/PID/cmdline: NUL-separated argv. One word must be exactly our --conf-file.
  std::string argv = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string want = conf_arg(conf_path);
  bool ours = false;
  size_t pos = 0;
  while (pos < argv.size()) {
    size_t nul = argv.find('\0', pos);
    if (nul == std::string::npos) nul = argv.size();
    if (argv.compare(pos, nul - pos, want) == 0) ours = true;
    pos = nul + 1;
  }
  if (!ours || process_name(pid) != "dnsmasq") return std::nullopt;
  return pid;
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
  // dnsmasq drops to an unprivileged user after opening its files; make sure the lease file exists.
  // O_NOFOLLOW: a link planted there is not followed; fchmod: the mode whatever the umask.
  if (int fd = ::open(files_.leases.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644); fd >= 0) {
    ::fchmod(fd, 0644);
    ::close(fd);
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
                 std::to_string(started->exit_code) + "): " + why};
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
