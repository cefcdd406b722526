#include "netlab/host/ovn.h"

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "netlab/host/process.h"
#include "netlab/model/file_io.h"

namespace netlab::host {
namespace {

using json = nlohmann::json;

constexpr const char* kNbSchema = "/usr/share/ovn/ovn-nb.ovsschema";
constexpr const char* kSbSchema = "/usr/share/ovn/ovn-sb.ovsschema";

Status check(const Result<RunResult>& r, const std::string& what) {
  if (!r) return Error{what + ": " + r.error().message};
  if (r->exit_code != 0) return Error{what + " failed (exit " + std::to_string(r->exit_code) + "): " + r->err};
  return {};
}

/// Runs a daemon that detaches itself once ready (--detach), its files beside `pid_file`.
Status start_detached(std::vector<std::string> argv, const std::string& pid_file, const SpawnOptions& options,
                      const std::string& what) {
  const std::string base = pid_file.substr(0, pid_file.size() - 4);  // ".pid"
  argv.push_back("--pidfile=" + pid_file);
  argv.push_back("--log-file=" + base + ".log");
  argv.push_back("--detach");
  argv.push_back("-vconsole:off");
  ::unlink(pid_file.c_str());  // a stale one would be taken for the new daemon's
  return check(run(argv, options, std::chrono::seconds(10)), what);
}

/// Waits until the unix socket at `path` accepts a connection (a detached ovsdb-server is ready then).
Status await_socket(const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    if (OvsdbClient::connect(path)) return {};
    if (std::chrono::steady_clock::now() >= deadline) return Error{"no ovsdb-server answers on " + path};
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

OvnCentralFiles ovn_central_files(const std::string& dir) {
  return {dir, dir + "/nb.db", dir + "/sb.db", dir + "/nb.sock", dir + "/sb.sock",
          dir + "/ovsdb-nb.pid", dir + "/ovsdb-sb.pid", dir + "/ovn-northd.pid"};
}

bool OvnCentral::running() const {
  return daemon_pid(files_.nb_pid, "ovsdb-server") && daemon_pid(files_.sb_pid, "ovsdb-server") &&
         daemon_pid(files_.northd_pid, "ovn-northd");
}

Status OvnCentral::start(const std::string& netns, const model::Ipv4& listen) {
  if (running()) return {};
  if (Status made = model::make_directory(files_.dir, 0755); !made) return made;
  SpawnOptions options;
  options.netns = netns;
  // Every file a daemon would put in its default directories goes to the lab's instead.
  options.env_extra = {"OVN_RUNDIR=" + files_.dir, "OVN_LOGDIR=" + files_.dir, "OVN_DBDIR=" + files_.dir,
                       "OVS_RUNDIR=" + files_.dir, "OVS_LOGDIR=" + files_.dir, "OVS_DBDIR=" + files_.dir};
  for (auto [db, schema] : {std::pair{files_.nb_db, kNbSchema}, std::pair{files_.sb_db, kSbSchema}})
    if (!std::filesystem::exists(db))
      if (Status s = check(run({"ovsdb-tool", "create", db, schema}, options, std::chrono::seconds(10)), "ovsdb-tool create");
          !s)
        return s;
  if (!daemon_pid(files_.nb_pid, "ovsdb-server")) {
    Status s = start_detached({"ovsdb-server", files_.nb_db, "--remote=punix:" + files_.nb_socket,
                               "--unixctl=" + files_.dir + "/ovsdb-nb.ctl"},
                              files_.nb_pid, options, "ovsdb-server (OVN northbound)");
    if (!s) return s;
  }
  if (!daemon_pid(files_.sb_pid, "ovsdb-server")) {
    Status s = start_detached({"ovsdb-server", files_.sb_db, "--remote=punix:" + files_.sb_socket,
                               "--remote=ptcp:" + std::to_string(kSbPort) + ":" + listen.str(),
                               "--unixctl=" + files_.dir + "/ovsdb-sb.ctl"},
                              files_.sb_pid, options, "ovsdb-server (OVN southbound)");
    if (!s) return s;
  }
  if (Status s = await_socket(files_.nb_socket); !s) return s;
  if (Status s = await_socket(files_.sb_socket); !s) return s;
  {
    // ovn-nbctl init's one effect: the NB_Global row northd works from.
    Result<OvsdbClient> nb = connect_nb();
    if (!nb) return nb.error();
    Result<json> rows = ovsdb_select(*nb, kNbDb, "NB_Global", json::array(), {"_uuid"});
    if (!rows) return rows.error();
    if (rows->empty()) {
      Result<json> r = nb->transact(kNbDb, json::array({{{"op", "insert"}, {"table", "NB_Global"}, {"row", json::object()}}}));
      if (!r) return r.error();
    }
  }
  if (!daemon_pid(files_.northd_pid, "ovn-northd")) {
    Status s = start_detached({"ovn-northd", "--ovnnb-db=unix:" + files_.nb_socket, "--ovnsb-db=unix:" + files_.sb_socket,
                               "--unixctl=" + files_.dir + "/ovn-northd.ctl"},
                              files_.northd_pid, options, "ovn-northd");
    if (!s) return s;
  }
  if (!running()) return Error{"ovn: central daemons started but their pid files do not name them (" + files_.dir + ")"};
  return {};
}

Status OvnCentral::stop(std::chrono::milliseconds grace) {
  for (auto [file, comm] : {std::pair{files_.northd_pid, "ovn-northd"}, std::pair{files_.sb_pid, "ovsdb-server"},
                            std::pair{files_.nb_pid, "ovsdb-server"}})
    if (std::optional<pid_t> pid = daemon_pid(file, comm))
      if (Status s = terminate(*pid, grace); !s) return Error{std::string("cannot stop ") + comm + ": " + s.error().message};
  return {};
}

bool OvnController::running() const { return daemon_pid(pid_file(), "ovn-controller").has_value(); }

Status OvnController::start(const std::string& netns, const ChassisConfig& config) {
  const OvsFiles ovs = ovs_files(host_dir_);
  {
    Result<OvsdbClient> db = OvsdbClient::connect(ovs.socket);
    if (!db) return db.error();
    std::map<std::string, std::string> ids{{"system-id", config.system_id},
                                           {"hostname", config.system_id},
                                           {"ovn-remote", config.remote},
                                           {"ovn-encap-type", "geneve"},
                                           {"ovn-encap-ip", config.encap_ip.str()},
                                           {"ovn-bridge", "br-int"},
                                           {"ovn-bridge-datapath-type", "netdev"}};
    if (!config.bridge_mappings.empty()) ids["ovn-bridge-mappings"] = config.bridge_mappings;
    if (Status s = ovs_set_external_ids(*db, ids); !s) return s;
  }
  if (running()) return {};
  const std::string dir = host_dir_ + "/ovn";
  if (Status made = model::make_directory(dir, 0755); !made) return made;
  SpawnOptions options;
  options.netns = netns;
  // OVS_RUNDIR: where vswitchd put br-int.mgmt, which ovn-controller opens. Its
  // control socket (it takes no --unixctl) lands in OVN_RUNDIR.
  options.env_extra = {"OVS_RUNDIR=" + ovs.dir, "OVN_RUNDIR=" + dir, "OVN_LOGDIR=" + dir, "OVN_DBDIR=" + dir};
  return start_detached({"ovn-controller", "unix:" + ovs.socket}, pid_file(), options, "ovn-controller");
}

Status OvnController::stop(std::chrono::milliseconds grace) {
  if (std::optional<pid_t> pid = daemon_pid(pid_file(), "ovn-controller"))
    if (Status s = terminate(*pid, grace); !s) return Error{"cannot stop ovn-controller: " + s.error().message};
  return {};
}

}  // namespace netlab::host
