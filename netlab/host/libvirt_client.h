#pragma once
// One connection to a libvirt daemon through its C API (never virsh): define,
// start, destroy and undefine domains, their state and XML, the serial console,
// commands run by the QEMU guest agent, and internal snapshots. Domain XML comes
// from netlab/libvirt (pure text); this is the only code that talks to libvirt.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/process.h"
#include "netlab/model/result.h"

typedef struct _virConnect* virConnectPtr;

namespace netlab::host {

enum class DomainState { absent, running, paused, shutoff, crashed, other };
const char* to_string(DomainState state);

struct DomainSummary {
  std::string name;
  DomainState state = DomainState::other;
  std::string lab;    // from netlab's <metadata> (namespace `metadata_ns`); "" = not netlab's
  std::string guest;
};

struct SnapshotSummary {
  std::string name;
  long long created = 0;  // Unix seconds
  std::string state;      // the domain's state when taken ("running", "shutoff")
};

class LibvirtClient {
 public:
  /// Connects to `uri` ("qemu:///system", "qemu+unix:///system?socket=...").
  static Result<LibvirtClient> open(const std::string& uri);
  LibvirtClient(LibvirtClient&&) noexcept;
  LibvirtClient& operator=(LibvirtClient&&) noexcept;
  ~LibvirtClient();

  /// Defines (or redefines) the domain of `xml`.
  Status define(const std::string& xml);
  /// Starts the defined domain `name`.
  Status start(const std::string& name);
  /// Stops `name` at once (like pulling the plug); success when it is not running.
  Status destroy(const std::string& name);
  /// Removes the definition of `name` and its snapshots' metadata; success when absent.
  Status undefine(const std::string& name);
  /// The state of `name`; DomainState::absent when no such domain is defined.
  Result<DomainState> state(const std::string& name);
  /// The domain's XML as libvirt holds it (the persistent definition when `inactive`).
  Result<std::string> xml(const std::string& name, bool inactive = false);
  /// Every domain, with netlab's metadata (namespace `metadata_ns`) read back.
  Result<std::vector<DomainSummary>> list_domains(const std::string& metadata_ns);

  /// Runs argv in the guest through the QEMU guest agent (guest-exec), waits up
  /// to `timeout` for it to finish, returns its exit code and output.
  Result<RunResult> guest_exec(const std::string& name, const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout);
  /// True when the guest agent answers guest-ping.
  bool agent_ready(const std::string& name);

  /// Attaches `in_fd`/`out_fd` to the domain's serial console until `escape`
  /// is read from in_fd or the console closes (virDomainOpenConsole).
  Status console(const std::string& name, int in_fd, int out_fd, char escape = 0x1d);

  /// Live-migrates running domain `name` to the libvirt `dest` (virDomainMigrate3:
  /// this client drives both daemons, so they need no connection of their own),
  /// QEMU's memory stream going to `migrate_uri` ("tcp://100.64.0.2"), where the
  /// destination's QEMU listens. The domain ends up defined and running on `dest`
  /// and undefined on this libvirt. The disks are not copied: both hosts must see
  /// them at the same path (shared storage). `unsafe` skips libvirt's check that
  /// such storage is a cluster filesystem opened without host cache, for hosts
  /// that share one kernel and page cache (the sandbox). On failure the domain
  /// keeps running here.
  Status migrate(const std::string& name, LibvirtClient& dest, const std::string& migrate_uri, bool unsafe);

  /// Internal snapshot `snapshot` of `name` (disks and, when running, memory).
  Status snapshot_create(const std::string& name, const std::string& snapshot);
  Status snapshot_revert(const std::string& name, const std::string& snapshot);
  Status snapshot_delete(const std::string& name, const std::string& snapshot);
  Result<std::vector<SnapshotSummary>> snapshots(const std::string& name);

 private:
  explicit LibvirtClient(virConnectPtr conn) : conn_(conn) {}
  virConnectPtr conn_ = nullptr;
};

/// "out-data" of guest-exec-status is base64: decoded here (exposed for tests).
std::string base64_decode(const std::string& text);

}  // namespace netlab::host
