#include "netlab/host/libvirt_client.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "netlab/host/libvirt_api.h"

namespace netlab::host {
namespace {

Error last_error(const std::string& what) {
  const char* msg = libvirt_api().virGetLastErrorMessage();
  return Error{what + ": " + (msg ? msg : "unknown libvirt error")};
}

/// Owns a virDomainPtr.
struct Domain {
  virDomainPtr ptr = nullptr;
  explicit Domain(virDomainPtr p) : ptr(p) {}
  Domain(const Domain&) = delete;
  Domain& operator=(const Domain&) = delete;
  ~Domain() {
    if (ptr) libvirt_api().virDomainFree(ptr);
  }
  explicit operator bool() const { return ptr != nullptr; }
};

bool no_such_domain() {
  virErrorPtr e = libvirt_api().virGetLastError();
  return e && e->code == VIR_ERR_NO_DOMAIN;
}

DomainState from_libvirt(int state) {
  switch (state) {
    case VIR_DOMAIN_RUNNING: return DomainState::running;
    case VIR_DOMAIN_BLOCKED: return DomainState::running;
    case VIR_DOMAIN_PAUSED: return DomainState::paused;
    case VIR_DOMAIN_SHUTDOWN:
    case VIR_DOMAIN_SHUTOFF: return DomainState::shutoff;
    case VIR_DOMAIN_CRASHED: return DomainState::crashed;
    default: return DomainState::other;
  }
}

/// The value of attribute `attr` in the first element of `xml`, "" when absent.
std::string attribute(const std::string& xml, const std::string& attr) {
  for (char quote : {'\'', '"'}) {
    const std::string key = " " + attr + "=" + quote;
    auto at = xml.find(key);
    if (at == std::string::npos) continue;
    at += key.size();
    auto end = xml.find(quote, at);
    if (end != std::string::npos) return xml.substr(at, end - at);
  }
  return "";
}

Result<nlohmann::json> agent(virDomainPtr dom, const nlohmann::json& command, int timeout_s) {
  char* reply = libvirt_api().virDomainQemuAgentCommand(dom, command.dump().c_str(), timeout_s, 0);
  if (!reply) return last_error("guest agent");
  auto parsed = nlohmann::json::parse(reply, nullptr, false);
  free(reply);
  if (parsed.is_discarded() || !parsed.contains("return")) return Error{"guest agent: unreadable reply"};
  return parsed["return"];
}

}  // namespace

const char* to_string(DomainState state) {
  switch (state) {
    case DomainState::absent: return "absent";
    case DomainState::running: return "running";
    case DomainState::paused: return "paused";
    case DomainState::shutoff: return "shut off";
    case DomainState::crashed: return "crashed";
    case DomainState::other: return "other";
  }
  return "other";
}

std::string base64_decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) continue;  // '=' padding, newlines
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

Result<LibvirtClient> LibvirtClient::open(const std::string& uri) {
  auto api = model::load_api<LibvirtApi>();
  if (!api) return api.error();
  virConnectPtr conn = (*api)->virConnectOpen(uri.c_str());
  if (!conn) return last_error("cannot connect to libvirt at " + uri);
  return LibvirtClient(conn);
}

LibvirtClient::LibvirtClient(LibvirtClient&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }

LibvirtClient& LibvirtClient::operator=(LibvirtClient&& other) noexcept {
  if (this != &other) {
    if (conn_) libvirt_api().virConnectClose(conn_);
    conn_ = other.conn_;
    other.conn_ = nullptr;
  }
  return *this;
}

LibvirtClient::~LibvirtClient() {
  if (conn_) libvirt_api().virConnectClose(conn_);
}

Status LibvirtClient::define(const std::string& xml) {
  virDomainPtr dom = libvirt_api().virDomainDefineXML(conn_, xml.c_str());
  if (!dom) return last_error("cannot define the domain");
  libvirt_api().virDomainFree(dom);
  return {};
}

Status LibvirtClient::start(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  if (libvirt_api().virDomainCreate(dom.ptr) < 0) return last_error("cannot start domain " + name);
  return {};
}

Status LibvirtClient::destroy(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return no_such_domain() ? Status{} : Status{last_error("domain " + name)};
  if (libvirt_api().virDomainIsActive(dom.ptr) != 1) return {};
  if (libvirt_api().virDomainDestroy(dom.ptr) < 0 && libvirt_api().virDomainIsActive(dom.ptr) == 1)
    return last_error("cannot stop domain " + name);
  return {};
}

Status LibvirtClient::undefine(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return no_such_domain() ? Status{} : Status{last_error("domain " + name)};
  if (libvirt_api().virDomainUndefineFlags(dom.ptr, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0)
    return last_error("cannot undefine domain " + name);
  return {};
}

Result<DomainState> LibvirtClient::state(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) {
    if (no_such_domain()) return DomainState::absent;
    return last_error("domain " + name);
  }
  int st = 0, reason = 0;
  if (libvirt_api().virDomainGetState(dom.ptr, &st, &reason, 0) < 0) return last_error("state of domain " + name);
  return from_libvirt(st);
}

Result<std::string> LibvirtClient::xml(const std::string& name, bool inactive) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  char* text = libvirt_api().virDomainGetXMLDesc(dom.ptr, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  if (!text) return last_error("XML of domain " + name);
  std::string out(text);
  free(text);
  return out;
}

Result<std::vector<DomainSummary>> LibvirtClient::list_domains(const std::string& metadata_ns) {
  virDomainPtr* doms = nullptr;
  int n = libvirt_api().virConnectListAllDomains(conn_, &doms, 0);
  if (n < 0) return last_error("cannot list domains");
  std::vector<DomainSummary> out;
  for (int i = 0; i < n; ++i) {
    DomainSummary s;
    s.name = libvirt_api().virDomainGetName(doms[i]);
    int st = 0, reason = 0;
    s.state = libvirt_api().virDomainGetState(doms[i], &st, &reason, 0) == 0 ? from_libvirt(st) : DomainState::other;
    if (char* meta = libvirt_api().virDomainGetMetadata(doms[i], VIR_DOMAIN_METADATA_ELEMENT, metadata_ns.c_str(), 0)) {
      s.lab = attribute(meta, "lab");
      s.guest = attribute(meta, "name");
      free(meta);
    }
    libvirt_api().virDomainFree(doms[i]);
    out.push_back(std::move(s));
  }
  free(doms);
  return out;
}

Status LibvirtClient::migrate(const std::string& name, LibvirtClient& dest, const std::string& migrate_uri,
                              bool unsafe) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  virTypedParameterPtr params = nullptr;
  int count = 0, room = 0;
  if (libvirt_api().virTypedParamsAddString(&params, &count, &room, VIR_MIGRATE_PARAM_URI, migrate_uri.c_str()) < 0)
    return last_error("migration of " + name);
  unsigned int flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
  if (unsafe) flags |= VIR_MIGRATE_UNSAFE;
  virDomainPtr moved = libvirt_api().virDomainMigrate3(dom.ptr, dest.conn_, params, static_cast<unsigned>(count), flags);
  libvirt_api().virTypedParamsFree(params, count);
  if (!moved) return last_error("migration of " + name);
  libvirt_api().virDomainFree(moved);
  return {};
}

bool LibvirtClient::agent_ready(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return false;
  return agent(dom.ptr, {{"execute", "guest-ping"}}, 2).ok();
}

Result<RunResult> LibvirtClient::guest_exec(const std::string& name, const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout) {
  if (argv.empty()) return Error{"nothing to run"};
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  nlohmann::json args = {{"path", argv[0]}, {"capture-output", true}};
  args["arg"] = std::vector<std::string>(argv.begin() + 1, argv.end());
  auto started = agent(dom.ptr, {{"execute", "guest-exec"}, {"arguments", args}}, 10);
  if (!started) return started.error();
  const long long pid = (*started).value("pid", -1LL);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto status = agent(dom.ptr, {{"execute", "guest-exec-status"}, {"arguments", {{"pid", pid}}}}, 10);
    if (!status) return status.error();
    if ((*status).value("exited", false)) {
      RunResult r;
      if (status->contains("exitcode")) r.exit_code = (*status)["exitcode"].get<int>();
      else if (status->contains("signal")) r.exit_code = 128 + (*status)["signal"].get<int>();
      r.out = base64_decode((*status).value("out-data", std::string()));
      r.err = base64_decode((*status).value("err-data", std::string()));
      return r;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
  return Error{"command in " + name + " did not finish within " + std::to_string(timeout.count() / 1000) + " s"};
}

Status LibvirtClient::console(const std::string& name, int in_fd, int out_fd, char escape) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  virStreamPtr st = libvirt_api().virStreamNew(conn_, 0);
  if (!st) return last_error("console stream");
  if (libvirt_api().virDomainOpenConsole(dom.ptr, nullptr, st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
    libvirt_api().virStreamFree(st);
    return last_error("cannot open the console of " + name);
  }
  std::atomic<bool> done{false};
  // The guest's output, until the stream ends or the user leaves.
  std::thread reader([&] {
    char buf[4096];
    while (!done) {
      int n = libvirt_api().virStreamRecv(st, buf, sizeof buf);
      if (n <= 0) break;
      for (int off = 0; off < n;) {
        ssize_t w = ::write(out_fd, buf + off, static_cast<size_t>(n - off));
        if (w <= 0) break;
        off += static_cast<int>(w);
      }
    }
    done = true;
  });
  char buf[1024];
  while (!done) {
    pollfd p{in_fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    ssize_t n = ::read(in_fd, buf, sizeof buf);
    if (n <= 0) break;
    ssize_t keep = n;
    for (ssize_t i = 0; i < n; ++i)
      if (buf[i] == escape) {
        keep = i;
        break;
      }
    if (keep > 0 && libvirt_api().virStreamSend(st, buf, static_cast<size_t>(keep)) < 0) break;
    if (keep < n) break;
  }
  done = true;
  libvirt_api().virStreamAbort(st);  // wakes the reader
  reader.join();
  libvirt_api().virStreamFree(st);
  return {};
}

Status LibvirtClient::snapshot_create(const std::string& name, const std::string& snapshot) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  const std::string xml = "<domainsnapshot><name>" + snapshot + "</name><description>netlab</description></domainsnapshot>";
  virDomainSnapshotPtr snap = libvirt_api().virDomainSnapshotCreateXML(dom.ptr, xml.c_str(), 0);
  if (!snap) return last_error("cannot snapshot " + name);
  libvirt_api().virDomainSnapshotFree(snap);
  return {};
}

Status LibvirtClient::snapshot_revert(const std::string& name, const std::string& snapshot) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  virDomainSnapshotPtr snap = libvirt_api().virDomainSnapshotLookupByName(dom.ptr, snapshot.c_str(), 0);
  if (!snap) return last_error("snapshot " + snapshot + " of " + name);
  const int rc = libvirt_api().virDomainRevertToSnapshot(snap, 0);
  libvirt_api().virDomainSnapshotFree(snap);
  if (rc < 0) return last_error("cannot revert " + name + " to " + snapshot);
  return {};
}

Status LibvirtClient::snapshot_delete(const std::string& name, const std::string& snapshot) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  virDomainSnapshotPtr snap = libvirt_api().virDomainSnapshotLookupByName(dom.ptr, snapshot.c_str(), 0);
  if (!snap) return last_error("snapshot " + snapshot + " of " + name);
  const int rc = libvirt_api().virDomainSnapshotDelete(snap, 0);
  libvirt_api().virDomainSnapshotFree(snap);
  if (rc < 0) return last_error("cannot delete snapshot " + snapshot + " of " + name);
  return {};
}

Result<std::vector<SnapshotSummary>> LibvirtClient::snapshots(const std::string& name) {
  Domain dom(libvirt_api().virDomainLookupByName(conn_, name.c_str()));
  if (!dom) return last_error("domain " + name);
  virDomainSnapshotPtr* snaps = nullptr;
  int n = libvirt_api().virDomainListAllSnapshots(dom.ptr, &snaps, 0);
  if (n < 0) return last_error("snapshots of " + name);
  std::vector<SnapshotSummary> out;
  for (int i = 0; i < n; ++i) {
    SnapshotSummary s;
    s.name = libvirt_api().virDomainSnapshotGetName(snaps[i]);
    if (char* x = libvirt_api().virDomainSnapshotGetXMLDesc(snaps[i], 0)) {
      std::string xml(x);
      free(x);
      auto tag = [&](const std::string& t) {
        auto a = xml.find("<" + t + ">");
        if (a == std::string::npos) return std::string();
        a += t.size() + 2;
        return xml.substr(a, xml.find("</" + t + ">", a) - a);
      };
      s.state = tag("state");
      std::string created = tag("creationTime");
      if (!created.empty()) s.created = std::stoll(created);
    }
    libvirt_api().virDomainSnapshotFree(snaps[i]);
    out.push_back(std::move(s));
  }
  free(snaps);
  return out;
}

}  // namespace netlab::host
