#pragma once
// A real DHCPv6 client for light guests: ISC dhclient -6 run inside the guest's
// namespace (busybox has no DHCPv6 client), with its pid, lease, conf and
// script files per guest NIC under the lab's run directory. Unlike udhcpc it
// stays running, as the daemon that renews the lease; the lab owns it by its
// pid file (owned_process.h) and stops it on `down` or when the guest goes.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "netlab/model/result.h"

namespace netlab::host {

/// Where the client of one NIC keeps its files.
struct Dhcp6ClientFiles {
  std::string pid;     ///< dhclient -pf
  std::string leases;  ///< dhclient -lf; also what tells this client from any other
  std::string conf;    ///< dhclient -cf (empty: no requests beyond the defaults)
  std::string script;  ///< dhclient -sf (render_dhclient6_script)
};

/// The files of the client on `device` in namespace `netns`:
/// "<run_dir>/dhclient6/<netns>.<device>.{pid,leases,conf,sh}".
Dhcp6ClientFiles dhcp6_client_files(const std::string& run_dir, const std::string& netns, const std::string& device);

/// The script dhclient runs on events (fixed text, no user input in it): on a
/// bound, renewed or rebound lease it puts the leased address on the NIC with
/// the network's `prefix` length (dnsmasq's advertisements carry the on-link
/// prefix and the router), replacing the address an older lease gave; on
/// expiry, release or stop it removes the address. It configures the NIC with
/// `busybox ip` at `busybox_path`, as the udhcpc script does.
std::string render_dhclient6_script(const std::string& busybox_path, int prefix);

struct Dhcp6ClientOptions {
  std::string netns;    ///< the guest's namespace
  std::string device = "eth0";
  std::string run_dir;  ///< the lab's run directory (absolute)
  int prefix = 64;      ///< the network's IPv6 prefix length
  std::string busybox;  ///< path to busybox; "" = found in PATH
  /// Bound on getting the first lease; the client is killed when it runs longer.
  std::chrono::milliseconds timeout = std::chrono::seconds(20);
};

/// Writes the client's files and runs `dhclient -6 -D LL -pf -lf -cf -sf DEV` in
/// the guest's namespace. dhclient stays in the foreground until it holds a
/// lease (the script has configured it), then leaves a daemon behind and
/// exits; its pid comes back once the daemon wrote its pid file. A NIC whose link-local address is not there yet
/// (dhclient refuses to start without one) is retried until `timeout`. An
/// Error quotes dhclient's last words when no lease came in time.
Result<pid_t> start_dhcp6_client(const Dhcp6ClientOptions& options);

/// The running client whose pid file and lease file these are (see
/// pid_file_process); nullopt when none runs.
std::optional<pid_t> dhcp6_client_pid(const std::string& pid_file, const std::string& lease_file);

}  // namespace netlab::host
