#pragma once
// One dnsmasq per network: its conf, pid, lease and log files live in the lab's
// run directory (dnsmasq_files), it runs inside the namespace that holds the
// network's bridge, and it outlives netlab (it daemonizes). A Dnsmasq object is
// a handle found again by its pid file, not an owner: destroying it leaves the
// daemon running; stop() ends it. Only a process whose command line carries our
// conf file is ever signalled.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/lease_file.h"
#include "netlab/model/result.h"

namespace netlab::host {

class Dnsmasq {
 public:
  explicit Dnsmasq(DnsmasqConfig config);

  /// Writes the conf file (creating the run directory), and starts
  /// `dnsmasq --conf-file=<conf>` inside namespace `netns` ("" = the caller's).
  /// Returns once the daemon wrote its pid file and that pid runs our conf,
  /// within `timeout`. An Error carries dnsmasq's own message (e.g. an unknown
  /// interface). When ours is already running it is left alone (success).
  Status start(const std::string& netns, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// The daemon's pid when the pid file names a live dnsmasq started with our conf.
  std::optional<pid_t> pid() const;
  bool running() const { return pid().has_value(); }

  /// SIGTERM to our daemon, up to `grace` to exit, then SIGKILL; removes the pid
  /// file. Success when it was not running. Never signals another process.
  Status stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

  /// The leases dnsmasq recorded so far (an empty list before the first one).
  Result<std::vector<Lease>> leases() const;

  const DnsmasqConfig& config() const { return config_; }
  const DnsmasqFiles& files() const { return files_; }

 private:
  DnsmasqConfig config_;
  DnsmasqFiles files_;
};

/// The pid in `pid_file` when that process is alive and its argv holds
/// "--conf-file=<conf_path>"; nullopt otherwise (no file, stale pid, other program).
std::optional<pid_t> pid_running_conf(const std::string& pid_file, const std::string& conf_path);

}  // namespace netlab::host
