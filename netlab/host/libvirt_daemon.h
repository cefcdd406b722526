#pragma once
// A private libvirtd for one host of a sandbox lab (a lab across hosts runs one
// per host that has VMs, each with its own host UUID, so that libvirt migrates
// between them). libvirtd (system mode) hard-codes
// /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
// /var/log/libvirt, so it runs in a mount namespace of its own where those are
// bind mounts of <run_dir>/libvirt/*, and inside the lab's host namespace, so
// that QEMU opens the lab's taps. Clients reach it over its socket from
// anywhere (uri()). QEMU's capability probe (7-8 s on first start) is cached in
// a directory shared by all labs (warm start 0.1 s). Like OvsInstance, a handle
// found again by its pid file: destroying it leaves the daemon running; stop()
// ends it. Running domains survive the daemon; stop them first.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "netlab/model/result.h"

namespace netlab::host {

/// The files of a lab's private libvirtd under `run_dir`/libvirt.
struct LibvirtdFiles {
  std::string dir;     // <run_dir>/libvirt
  std::string etc;     // over /etc/libvirt: libvirtd.conf, qemu.conf
  std::string run;     // over /run/libvirt: the socket, pid file, qemu/<domain>.pid
  std::string lib;     // over /var/lib/libvirt: domain definitions, snapshots
  std::string log;     // over /var/log/libvirt: libvirtd.log, qemu/<domain>.log
  std::string socket;  // <run>/libvirt-sock
  std::string pid;     // <run>/libvirtd.pid
  std::string output;  // <dir>/libvirtd.out: what the daemon printed
};
LibvirtdFiles libvirtd_files(const std::string& run_dir);

/// The capability cache shared by every lab's daemon: $NETLAB_CACHE/libvirt
/// (NETLAB_CACHE defaults to /var/cache/netlab).
std::string libvirt_shared_cache();

/// The libvirt URI of the daemon whose socket is `socket`.
std::string libvirt_socket_uri(const std::string& socket);

class PrivateLibvirtd {
 public:
  explicit PrivateLibvirtd(const std::string& run_dir) : files_(libvirtd_files(run_dir)) {}
  /// Writes the config files and starts libvirtd inside `netns`; returns once
  /// its socket answers (within `timeout`). Success when it already runs.
  /// `ovs_run_dir` (not ""): the run directory of a private Open vSwitch
  /// (OvsFiles::dir) that the daemon's ovs-vsctl talks to when it plugs a
  /// <virtualport type='openvswitch'> interface: libvirt runs ovs-vsctl with
  /// its own environment, and ovs-vsctl's default database is
  /// unix:$OVS_RUNDIR/db.sock, so OVS_RUNDIR is set for the daemon.
  Status start(const std::string& netns, const std::string& ovs_run_dir = "",
               std::chrono::milliseconds timeout = std::chrono::seconds(60));
  /// The daemon's pid when the pid file names a live libvirtd.
  std::optional<pid_t> pid() const;
  bool running() const { return pid().has_value(); }
  /// SIGTERM, then SIGKILL after `grace`. Success when it was not running.
  Status stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::string uri() const { return libvirt_socket_uri(files_.socket); }
  const LibvirtdFiles& files() const { return files_; }

 private:
  LibvirtdFiles files_;
};

}  // namespace netlab::host
