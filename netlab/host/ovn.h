#pragma once
// OVN's daemons, private to a lab and found again by their pid files: the
// central part (the NB and SB databases, each its own ovsdb-server, and
// ovn-northd) in the first host's namespace, and one ovn-controller per host
// beside that host's private OVS (ovsdb.h). Nothing here forks ovn-nbctl: the
// databases are spoken to over OVSDB JSON-RPC (ovn_nb.h).
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "netlab/host/ovsdb.h"
#include "netlab/model/address.h"
#include "netlab/model/names.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// The devices and names of a lab across hosts, the same on every host.
namespace ovn_devices {
inline constexpr const char* kDcBridge = "dc0";           // the underlay's bridge, in <lab>-dc
inline constexpr const char* kUnderlayDevice = "dc0";     // a host's veth into the underlay (a port of br-phy)
inline constexpr const char* kPhysBridge = "br-phy";      // holds the host's tunnel address
inline constexpr const char* kIntegrationBridge = model::kOvnIntegrationBridge;  // ovn-controller's; guests' ports
inline constexpr const char* kExternalBridge = "br-ex";   // the gateway host's uplink, OVN's physnet
inline constexpr const char* kPhysnet = "physnet";
}  // namespace ovn_devices

/// The databases' names as their schemas give them.
inline constexpr const char* kNbDb = "OVN_Northbound";
inline constexpr const char* kSbDb = "OVN_Southbound";
/// The TCP port the SB database listens on for the other hosts' ovn-controllers.
inline constexpr int kSbPort = 6642;

/// The central files under `dir` (a host's run directory + "/ovn-central").
struct OvnCentralFiles {
  std::string dir, nb_db, sb_db, nb_socket, sb_socket, nb_pid, sb_pid, northd_pid;
};
OvnCentralFiles ovn_central_files(const std::string& dir);

class OvnCentral {
 public:
  explicit OvnCentral(const std::string& dir) : files_(ovn_central_files(dir)) {}
  /// Creates the databases when missing, starts both ovsdb-servers (SB also on
  /// tcp `listen`:6642, NB on its unix socket only) and ovn-northd in `netns`,
  /// and gives NB its NB_Global row. Success also when all ran already.
  Status start(const std::string& netns, const model::Ipv4& listen);
  bool running() const;
  /// northd first, then the databases (SIGTERM, SIGKILL after `grace`).
  Status stop(std::chrono::milliseconds grace = std::chrono::seconds(2));
  Result<OvsdbClient> connect_nb() const { return OvsdbClient::connect(files_.nb_socket); }
  Result<OvsdbClient> connect_sb() const { return OvsdbClient::connect(files_.sb_socket); }
  const OvnCentralFiles& files() const { return files_; }

 private:
  OvnCentralFiles files_;
};

/// How a host's ovn-controller joins: its chassis name, where SB is
/// ("unix:<sock>" or "tcp:<ip>:6642"), its tunnel address, and the physical
/// networks it bridges (gateway chassis: "physnet:br-ex").
struct ChassisConfig {
  std::string system_id, remote;
  model::Ipv4 encap_ip;
  std::string bridge_mappings;
};

/// ovn-controller of one host: files under `host_dir`/ovn, its OVS under `host_dir`/ovs.
class OvnController {
 public:
  explicit OvnController(std::string host_dir) : host_dir_(std::move(host_dir)) {}
  /// Writes the chassis settings into the host's Open_vSwitch row and starts
  /// ovn-controller in `netns`; success also when it ran already (settings rewritten).
  Status start(const std::string& netns, const ChassisConfig& config);
  bool running() const;
  Status stop(std::chrono::milliseconds grace = std::chrono::seconds(2));
  std::string pid_file() const { return host_dir_ + "/ovn/ovn-controller.pid"; }

 private:
  std::string host_dir_;
};

}  // namespace netlab::host
