#include "netlab/host/ovsdb.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cctype>
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

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kDb = "Open_vSwitch";
constexpr const char* kSchema = "/usr/share/openvswitch/vswitch.ovsschema";

json named(const std::string& name) { return json::array({"named-uuid", name}); }
json set_of(const json& atom) { return json::array({"set", json::array({atom})}); }
json where_name(const std::string& name) { return json::array({json::array({"name", "==", name})}); }

std::vector<json> set_elements(const json& value) { return ovsdb_set_elements(value); }

/// The rows of a select result.
Result<json> select_rows(OvsdbClient& db, const std::string& table, const json& where, const json& columns) {
  Result<json> r = db.transact(kDb, json::array({{{"op", "select"}, {"table", table}, {"where", where}, {"columns", columns}}}));
  if (!r) return r.error();
  return (*r)[0]["rows"];
}

/// Runs `ops` plus a next_cfg bump, then waits until ovs-vswitchd reports it applied them.
Status transact_and_wait(OvsdbClient& db, json ops, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  ops.push_back({{"op", "mutate"}, {"table", kDb}, {"where", json::array()},
                 {"mutations", json::array({json::array({"next_cfg", "+=", 1})})}});
  ops.push_back({{"op", "select"}, {"table", kDb}, {"where", json::array()}, {"columns", {"next_cfg"}}});
  Result<json> r = db.transact(kDb, ops);
  if (!r) return r.error();
  const json& rows = (*r)[ops.size() - 1]["rows"];
  if (rows.empty()) return Error{"ovsdb: no Open_vSwitch row (database not initialized)"};
  const int64_t want = rows[0]["next_cfg"].get<int64_t>();
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    Result<json> cur = select_rows(db, kDb, json::array(), {"cur_cfg"});
    if (!cur) return cur.error();
    if (!cur->empty() && (*cur)[0]["cur_cfg"].get<int64_t>() >= want) return {};
    if (Clock::now() >= deadline) return Error{"ovs-vswitchd did not apply the change in time (is it running?)"};
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<std::optional<json>> find_uuid(OvsdbClient& db, const std::string& table, const std::string& name) {
  Result<json> rows = select_rows(db, table, where_name(name), {"_uuid"});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<json>{};
  return std::optional<json>{(*rows)[0]["_uuid"]};
}

std::optional<pid_t> pid_of(const std::string& pid_file, const std::string& comm) { return daemon_pid(pid_file, comm); }

}  // namespace

std::vector<json> ovsdb_set_elements(const json& value) {
  if (value.is_array() && value.size() == 2 && value[0] == "set") return value[1].get<std::vector<json>>();
  return {value};
}

std::map<std::string, std::string> ovsdb_string_map(const json& value) {
  std::map<std::string, std::string> out;
  if (!value.is_array() || value.size() != 2 || value[0] != "map") return out;
  for (const json& kv : value[1])
    if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string())
      out[kv[0].get<std::string>()] = kv[1].get<std::string>();
  return out;
}

Result<json> ovsdb_select(OvsdbClient& client, const std::string& db, const std::string& table, const json& where,
                          const json& columns) {
  Result<json> r = client.transact(db, json::array({{{"op", "select"}, {"table", table}, {"where", where}, {"columns", columns}}}));
  if (!r) return r.error();
  return (*r)[0]["rows"];
}

std::optional<pid_t> daemon_pid(const std::string& pid_file, const std::string& comm) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 1) return std::nullopt;
  if (!alive(static_cast<pid_t>(pid)) || process_name(static_cast<pid_t>(pid)) != comm) return std::nullopt;
  return static_cast<pid_t>(pid);
}

size_t json_value_length(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  int depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return 0;
}

Result<OvsdbClient> OvsdbClient::connect(const std::string& socket_path, std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) return Error{"ovsdb: socket path too long: " + socket_path};
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Error{std::string("ovsdb: socket: ") + std::strerror(errno)};
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return Error{"ovsdb: cannot connect to " + socket_path + ": " + std::strerror(errno)};
  return OvsdbClient(std::move(fd), timeout);
}

Status OvsdbClient::send(const json& message) {
  std::string text = message.dump();
  size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd_.get(), text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("ovsdb: send: ") + std::strerror(errno)};
    sent += static_cast<size_t>(n);
  }
  return {};
}

Result<json> OvsdbClient::receive() {
  const auto deadline = Clock::now() + timeout_;
  for (;;) {
    if (size_t len = json_value_length(buffer_); len > 0) {
      json message = json::parse(buffer_.substr(0, len), nullptr, false);
      buffer_.erase(0, len);
      if (message.is_discarded()) return Error{"ovsdb: malformed JSON from the server"};
      return message;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Error{"ovsdb: no reply in time"};
    pollfd p{fd_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("ovsdb: recv: ") + std::strerror(errno)};
    if (n == 0) return Error{"ovsdb: the server closed the connection"};
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

Result<json> OvsdbClient::call(const std::string& method, const json& params) {
  if (!fd_.valid()) return Error{"ovsdb: not connected"};
  const int id = next_id_++;
  if (Status s = send({{"method", method}, {"params", params}, {"id", id}}); !s) return s.error();
  for (;;) {
    Result<json> message = receive();
    if (!message) return message.error();
    const json& m = *message;
    if (m.contains("method")) {  // a request or notification from the server
      if (m["method"] == "echo" && m.contains("id"))
        if (Status s = send({{"result", m["params"]}, {"error", nullptr}, {"id", m["id"]}}); !s) return s.error();
      continue;
    }
    if (!m.contains("id") || m["id"] != id) continue;
    if (m.contains("error") && !m["error"].is_null()) return Error{"ovsdb " + method + ": " + m["error"].dump()};
    return m.value("result", json());
  }
}

Result<std::vector<std::string>> OvsdbClient::list_dbs() {
  Result<json> r = call("list_dbs", json::array());
  if (!r) return r.error();
  if (!r->is_array()) return Error{"ovsdb list_dbs: unexpected reply " + r->dump()};
  return r->get<std::vector<std::string>>();
}

Result<json> OvsdbClient::transact(const std::string& db, const json& operations) {
  json params = json::array({db});
  for (const json& op : operations) params.push_back(op);
  Result<json> r = call("transact", params);
  if (!r) return r.error();
  if (!r->is_array()) return Error{"ovsdb transact: unexpected reply " + r->dump()};
  for (size_t i = 0; i < r->size(); ++i) {
    const json& item = (*r)[i];
    if (item.is_object() && item.contains("error") && !item["error"].is_null()) {
      std::string what = i < operations.size() ? operations[i].value("op", "?") + " " + operations[i].value("table", "")
                                                : std::string("commit");
      return Error{"ovsdb transact (" + what + "): " + item["error"].get<std::string>() +
                   (item.contains("details") ? ": " + item["details"].get<std::string>() : "")};
    }
  }
  return r;
}

Status ovs_init(OvsdbClient& db) {
  Result<json> rows = select_rows(db, kDb, json::array(), {"_uuid"});
  if (!rows) return rows.error();
  if (!rows->empty()) return {};
  Result<json> r = db.transact(kDb, json::array({{{"op", "insert"}, {"table", kDb}, {"row", json::object()}}}));
  if (!r) return r.error();
  return {};
}

Status ovs_add_bridge(OvsdbClient& db, const std::string& bridge, const std::string& datapath_type, bool secure) {
  Result<std::optional<json>> existing = find_uuid(db, "Bridge", bridge);
  if (!existing) return existing.error();
  if (*existing) return Error{"ovs: bridge " + bridge + " already exists"};
  json bridge_row = {{"name", bridge}, {"ports", set_of(named("port"))}, {"datapath_type", datapath_type}};
  if (secure) {
    bridge_row["fail_mode"] = "secure";
    bridge_row["other_config"] = json::array({"map", json::array({json::array({"disable-in-band", "true"})})});
  }
  json ops = json::array({
      {{"op", "insert"}, {"table", "Interface"}, {"row", {{"name", bridge}, {"type", "internal"}}}, {"uuid-name", "iface"}},
      {{"op", "insert"}, {"table", "Port"}, {"row", {{"name", bridge}, {"interfaces", set_of(named("iface"))}}}, {"uuid-name", "port"}},
      {{"op", "insert"}, {"table", "Bridge"}, {"row", bridge_row}, {"uuid-name", "br"}},
      {{"op", "mutate"}, {"table", kDb}, {"where", json::array()},
       {"mutations", json::array({json::array({"bridges", "insert", set_of(named("br"))})})}},
  });
  return transact_and_wait(db, ops);
}

Status ovs_del_bridge(OvsdbClient& db, const std::string& bridge) {
  Result<std::optional<json>> uuid = find_uuid(db, "Bridge", bridge);
  if (!uuid) return uuid.error();
  if (!*uuid) return Error{"ovs: no bridge " + bridge};
  json ops = json::array({{{"op", "mutate"}, {"table", kDb}, {"where", json::array()},
                           {"mutations", json::array({json::array({"bridges", "delete", set_of(**uuid)})})}}});
  return transact_and_wait(db, ops);
}

Status ovs_add_port(OvsdbClient& db, const std::string& bridge, const std::string& port, std::optional<int> tag,
                    const std::string& iface_id) {
  if (tag && (*tag < 0 || *tag > 4095)) return Error{"ovs: VLAN tag out of range: " + std::to_string(*tag)};
  Result<std::optional<json>> br = find_uuid(db, "Bridge", bridge);
  if (!br) return br.error();
  if (!*br) return Error{"ovs: no bridge " + bridge};
  Result<std::optional<json>> existing = find_uuid(db, "Port", port);
  if (!existing) return existing.error();
  if (*existing) return Error{"ovs: port " + port + " already exists"};
  json port_row = {{"name", port}, {"interfaces", set_of(named("iface"))}};
  if (tag) port_row["tag"] = *tag;
  json iface_row = {{"name", port}};
  if (!iface_id.empty())
    iface_row["external_ids"] = json::array({"map", json::array({json::array({"iface-id", iface_id})})});
  json ops = json::array({
      {{"op", "insert"}, {"table", "Interface"}, {"row", iface_row}, {"uuid-name", "iface"}},
      {{"op", "insert"}, {"table", "Port"}, {"row", port_row}, {"uuid-name", "port"}},
      {{"op", "mutate"}, {"table", "Bridge"}, {"where", where_name(bridge)},
       {"mutations", json::array({json::array({"ports", "insert", set_of(named("port"))})})}},
  });
  return transact_and_wait(db, ops);
}

Status ovs_del_port(OvsdbClient& db, const std::string& bridge, const std::string& port) {
  Result<std::optional<json>> uuid = find_uuid(db, "Port", port);
  if (!uuid) return uuid.error();
  if (!*uuid) return Error{"ovs: no port " + port};
  json ops = json::array({{{"op", "mutate"}, {"table", "Bridge"}, {"where", where_name(bridge)},
                           {"mutations", json::array({json::array({"ports", "delete", set_of(**uuid)})})}}});
  return transact_and_wait(db, ops);
}

Result<std::vector<OvsPort>> ovs_list_ports(OvsdbClient& db, const std::string& bridge) {
  Result<json> rows = select_rows(db, "Bridge", where_name(bridge), {"ports"});
  if (!rows) return rows.error();
  if (rows->empty()) return Error{"ovs: no bridge " + bridge};
  std::vector<json> uuids = set_elements((*rows)[0]["ports"]);
  Result<json> ports = select_rows(db, "Port", json::array(), {"_uuid", "name", "tag", "interfaces"});
  if (!ports) return ports.error();
  Result<json> ifaces = select_rows(db, "Interface", json::array(), {"_uuid", "external_ids"});
  if (!ifaces) return ifaces.error();
  std::vector<OvsPort> out;
  for (const json& p : *ports) {
    if (std::find(uuids.begin(), uuids.end(), p["_uuid"]) == uuids.end()) continue;
    std::string name = p["name"].get<std::string>();
    if (name == bridge) continue;  // the bridge's own internal port, as ovs-vsctl list-ports
    OvsPort port{name, std::nullopt, ""};
    if (p["tag"].is_number_integer()) port.tag = p["tag"].get<int>();
    for (const json& i : *ifaces)
      for (const json& u : set_elements(p["interfaces"]))
        if (i["_uuid"] == u) {
          auto ids = ovsdb_string_map(i["external_ids"]);
          if (auto it = ids.find("iface-id"); it != ids.end()) port.iface_id = it->second;
        }
    out.push_back(port);
  }
  std::sort(out.begin(), out.end(), [](const OvsPort& a, const OvsPort& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<std::string>> ovs_list_bridges(OvsdbClient& db) {
  Result<json> rows = select_rows(db, "Bridge", json::array(), {"name"});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const json& r : *rows) out.push_back(r["name"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

Status ovs_set_external_ids(OvsdbClient& db, const std::map<std::string, std::string>& keys) {
  Result<json> rows = select_rows(db, kDb, json::array(), {"external_ids"});
  if (!rows) return rows.error();
  if (rows->empty()) return Error{"ovsdb: no Open_vSwitch row (database not initialized)"};
  std::map<std::string, std::string> ids = ovsdb_string_map((*rows)[0]["external_ids"]);
  for (const auto& [k, v] : keys) ids[k] = v;
  json pairs = json::array();
  for (const auto& [k, v] : ids) pairs.push_back(json::array({k, v}));
  Result<json> r = db.transact(kDb, json::array({{{"op", "update"}, {"table", kDb}, {"where", json::array()},
                                                  {"row", {{"external_ids", json::array({"map", pairs})}}}}}));
  if (!r) return r.error();
  return {};
}

OvsFiles ovs_files(const std::string& run_dir) {
  std::string d = run_dir + "/ovs";
  return {d, d + "/conf.db", d + "/db.sock", d + "/ovsdb-server.pid", d + "/ovs-vswitchd.pid",
          d + "/ovsdb-server.log", d + "/ovs-vswitchd.log", d + "/ovsdb-server.ctl", d + "/ovs-vswitchd.ctl"};
}

bool OvsInstance::running() const {
  return pid_of(files_.ovsdb_pid, "ovsdb-server").has_value() && pid_of(files_.vswitchd_pid, "ovs-vswitchd").has_value();
}

Status OvsInstance::start(const std::string& netns) {
  if (running()) return {};
  if (Status made = model::make_directory(files_.dir, 0755); !made) return made;
  SpawnOptions options;
  options.netns = netns;
  options.env_extra = {"OVS_RUNDIR=" + files_.dir, "OVS_LOGDIR=" + files_.dir, "OVS_DBDIR=" + files_.dir,
                       "OVS_SYSCONFDIR=" + files_.dir, "OVS_PKGDATADIR=/usr/share/openvswitch"};
  auto check = [](const Result<RunResult>& r, const std::string& what) -> Status {
    if (!r) return Error{what + ": " + r.error().message};
    if (r->exit_code != 0) return Error{what + " failed (exit " + std::to_string(r->exit_code) + "): " + r->err};
    return {};
  };
  if (!std::filesystem::exists(files_.db)) {
    Status created = check(run({"ovsdb-tool", "create", files_.db, kSchema}, options, std::chrono::seconds(10)), "ovsdb-tool create");
    if (!created) return created;
  }
  if (!pid_of(files_.ovsdb_pid, "ovsdb-server")) {
    Status s = check(run({"ovsdb-server", files_.db, "--remote=punix:" + files_.socket, "--pidfile=" + files_.ovsdb_pid,
                          "--log-file=" + files_.ovsdb_log, "--unixctl=" + files_.ovsdb_ctl, "--detach"},
                         options, std::chrono::seconds(10)),
                     "ovsdb-server");
    if (!s) return s;
  }
  {
    Result<OvsdbClient> db = connect();
    if (!db) return db.error();
    if (Status s = ovs_init(*db); !s) return s;
  }
  if (!pid_of(files_.vswitchd_pid, "ovs-vswitchd")) {
    Status s = check(run({"ovs-vswitchd", "unix:" + files_.socket, "--pidfile=" + files_.vswitchd_pid,
                          "--log-file=" + files_.vswitchd_log, "--unixctl=" + files_.vswitchd_ctl, "--detach"},
                         options, std::chrono::seconds(10)),
                     "ovs-vswitchd");
    if (!s) return s;
  }
  if (!running()) return Error{"ovs: daemons started but their pid files do not name them (" + files_.dir + ")"};
  return {};
}

Status OvsInstance::stop(std::chrono::milliseconds grace) {
  for (auto [file, comm] : {std::pair{files_.vswitchd_pid, "ovs-vswitchd"}, std::pair{files_.ovsdb_pid, "ovsdb-server"}}) {
    if (std::optional<pid_t> pid = pid_of(file, comm)) {
      if (Status s = terminate(*pid, grace); !s) return Error{std::string("cannot stop ") + comm + ": " + s.error().message};
    }
  }
  return {};
}

}  // namespace netlab::host
