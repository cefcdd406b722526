#pragma once
// Open vSwitch without ovs-vsctl: a minimal OVSDB JSON-RPC client (RFC 7047:
// list_dbs, transact, echo) over the server's unix socket, the few bridge and
// port operations netlab needs, and a private ovsdb-server + ovs-vswitchd per
// lab (userspace `netdev` datapath, all files in the lab's run directory).
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netlab/host/fd.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// One connection to an ovsdb-server. Move-only; closes the socket on destruction.
class OvsdbClient {
 public:
  /// Connects to the unix socket at `socket_path`. Calls wait at most `timeout` for a reply.
  static Result<OvsdbClient> connect(const std::string& socket_path,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// Sends {"method", "params", "id"} and returns the reply's "result"; an Error
  /// for a non-null "error", a closed socket or no reply in time. Echo requests
  /// from the server met meanwhile are answered.
  Result<nlohmann::json> call(const std::string& method, const nlohmann::json& params);
  /// The databases the server holds (e.g. ["Open_vSwitch", "_Server"]).
  Result<std::vector<std::string>> list_dbs();
  /// Runs `operations` as one transaction on `db` and returns the per-operation
  /// results; an Error when any operation (or the commit) failed, naming it.
  Result<nlohmann::json> transact(const std::string& db, const nlohmann::json& operations);

 private:
  OvsdbClient(Fd fd, std::chrono::milliseconds timeout) : fd_(std::move(fd)), timeout_(timeout) {}
  Status send(const nlohmann::json& message);
  Result<nlohmann::json> receive();

  Fd fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
  int next_id_ = 1;
};

/// Returns the length of the first complete JSON value (object or array) at the
/// start of `text`, skipping leading whitespace, or 0 when it is not complete yet.
size_t json_value_length(std::string_view text);

/// The rows of `table` in `db` matching `where` (RFC 7047 conditions), with `columns`.
Result<nlohmann::json> ovsdb_select(OvsdbClient& client, const std::string& db, const std::string& table,
                                    const nlohmann::json& where, const nlohmann::json& columns);
/// The elements of an OVSDB set value: a bare atom or ["set", [...]].
std::vector<nlohmann::json> ovsdb_set_elements(const nlohmann::json& value);
/// An OVSDB map value (["map", [[k, v], ...]]) as strings.
std::map<std::string, std::string> ovsdb_string_map(const nlohmann::json& value);
/// The pid in `pid_file` when that process lives and its kernel name is `comm`;
/// nullopt otherwise (never someone else's process).
std::optional<pid_t> daemon_pid(const std::string& pid_file, const std::string& comm);

/// One port of a bridge as OVSDB records it.
struct OvsPort {
  std::string name;
  std::optional<int> tag;
  std::string iface_id;  // its interface's external_ids:iface-id; "" = none
};

/// Bridge and port operations on the Open_vSwitch database, as ovs-vsctl does them.
/// Each waits (bounded) until ovs-vswitchd applied the change (cur_cfg catches up with next_cfg).
Status ovs_init(OvsdbClient& db);
/// `secure`: fail_mode=secure and in-band control off (OVN's br-int, whose flows ovn-controller alone installs).
Status ovs_add_bridge(OvsdbClient& db, const std::string& bridge, const std::string& datapath_type = "netdev",
                      bool secure = false);
Status ovs_del_bridge(OvsdbClient& db, const std::string& bridge);
/// `iface_id`, when set, goes to the interface's external_ids:iface-id (OVN binds its logical port by it).
Status ovs_add_port(OvsdbClient& db, const std::string& bridge, const std::string& port, std::optional<int> tag = {},
                    const std::string& iface_id = {});
/// Sets `keys` in the Open_vSwitch row's external_ids, keeping the others.
Status ovs_set_external_ids(OvsdbClient& db, const std::map<std::string, std::string>& keys);
Status ovs_del_port(OvsdbClient& db, const std::string& bridge, const std::string& port);
Result<std::vector<OvsPort>> ovs_list_ports(OvsdbClient& db, const std::string& bridge);
Result<std::vector<std::string>> ovs_list_bridges(OvsdbClient& db);

/// The files of a private OVS instance under `run_dir`/ovs.
struct OvsFiles {
  std::string dir, db, socket, ovsdb_pid, vswitchd_pid, ovsdb_log, vswitchd_log, ovsdb_ctl, vswitchd_ctl;
};
OvsFiles ovs_files(const std::string& run_dir);

/// A private ovsdb-server + ovs-vswitchd (netdev datapath) for one lab, running
/// in a namespace. Like Dnsmasq, a handle found again by pid files: destroying it
/// leaves the daemons running; stop() ends them (only processes whose name and
/// pid file match).
class OvsInstance {
 public:
  explicit OvsInstance(std::string run_dir) : files_(ovs_files(run_dir)) {}
  /// Creates the database when missing, starts both daemons inside `netns`
  /// (detached, pid files in the run dir) and initializes the database.
  Status start(const std::string& netns);
  bool running() const;
  /// Stops ovs-vswitchd then ovsdb-server (SIGTERM, then SIGKILL after `grace`).
  Status stop(std::chrono::milliseconds grace = std::chrono::seconds(2));
  /// A new client connection to this instance's database.
  Result<OvsdbClient> connect() const { return OvsdbClient::connect(files_.socket); }
  const OvsFiles& files() const { return files_; }

 private:
  OvsFiles files_;
};

}  // namespace netlab::host
