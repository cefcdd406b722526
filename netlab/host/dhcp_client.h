#pragma once
// A real DHCP client for light guests: busybox udhcpc run inside the guest's
// namespace, configuring the NIC through netlab's fixed udhcpc script
// (udhcpc_script.h) and reporting the lease on one machine-readable line.
#include <chrono>
#include <optional>
#include <string>

#include "netlab/host/udhcpc_script.h"
#include "netlab/model/result.h"

namespace netlab::host {

struct DhcpClientOptions {
  std::string netns;          ///< the guest's namespace ("" = the caller's)
  std::string device = "eth0";
  std::string run_dir;        ///< where the script is written (udhcpc.sh); must be absolute
  int discover_tries = 5;     ///< udhcpc -t
  int discover_timeout_s = 1; ///< udhcpc -T, seconds between discovers
  std::string hostname;       ///< sent as option 12 when set ("" = none)
  std::string busybox;        ///< path to busybox; "" = found in PATH
  /// Hard bound on the whole exchange; the client is killed when it runs longer.
  std::chrono::milliseconds timeout = std::chrono::seconds(15);
};

/// Writes the udhcpc script into `run_dir` (mode 0755, replaced atomically) and
/// returns its path, "<run_dir>/udhcpc.sh".
Result<std::string> write_udhcpc_script(const std::string& run_dir, const std::string& busybox_path);

/// Runs `busybox udhcpc -i DEV -f -q -n -t N -T S -s SCRIPT` in the guest's
/// namespace and returns the lease it obtained and configured (address, default
/// route, MTU). An Error when no lease came within the tries (udhcpc's output
/// quoted), or the client overran `timeout`. The client does not stay running.
Result<DhcpLease> obtain_lease(const DhcpClientOptions& options);

}  // namespace netlab::host
