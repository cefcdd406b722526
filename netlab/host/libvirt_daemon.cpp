#include "netlab/host/libvirt_daemon.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "netlab/host/libvirt_api.h"
#include "netlab/host/process.h"

namespace netlab::host {
namespace {

namespace fs = std::filesystem;

// Why each qemu.conf line (verified on the sandbox host):
//   user/group root: no udev, /dev/kvm and the lab's files stay root's;
//   stdio_handler "file": QEMU writes its own log, so no virtlogd is needed;
//   cgroup_controllers []: without systemd libvirt would leave /sys/fs/cgroup/*/machine behind;
//   remember_owner 0: no trusted.libvirt.security.* xattrs on the base image and kernel.
constexpr const char* kQemuConf =
    "user = \"root\"\n"
    "group = \"root\"\n"
    "stdio_handler = \"file\"\n"
    "cgroup_controllers = [ ]\n"
    "remember_owner = 0\n";
constexpr const char* kLibvirtdConf = "log_outputs=\"3:file:/var/log/libvirt/libvirtd.log\"\n";

/// libvirtd.conf's host_uuid for the daemon whose files are under `dir`: every
/// private daemon on this machine would otherwise take the machine's SMBIOS
/// UUID, and libvirt refuses a live migration between two daemons of one host
/// UUID ("Attempt to migrate guest to the same host"). Derived from the path
/// (FNV-1a), so a restarted daemon keeps its identity; version 4 layout.
std::string host_uuid(const std::string& dir) {
  uint64_t a = 1469598103934665603ull, b = 0x9e3779b97f4a7c15ull;
  for (unsigned char c : dir) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ c) * 0x100000001b3ull + 0x27d4eb2dull;
  }
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                static_cast<unsigned>(b >> 52) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffull));
  return text;
}

// Run by `unshare --mount --propagation private` inside the lab's namespace; a
// constant text, the paths come as $1 (the lab's libvirt dir) and $2 (the shared
// cache). /run/libvirt does not exist on every host, so a tmpfs goes over /run;
// the lab's run tree is parked on /var/lib/libvirt meanwhile and moved back,
// since the lab's disks live there. /run/lock is recreated for console lock
// files; sysfs is remounted so libvirt sees the lab namespace's links.
constexpr const char* kMountScript =
    "set -e\n"
    "mount --bind \"$3\" /var/lib/libvirt\n"
    "mount -t tmpfs -o mode=755 netlab-run /run\n"
    "mkdir -p /run/libvirt /run/lock \"$3\"\n"
    "mount --move /var/lib/libvirt \"$3\"\n"
    "mount -t sysfs netlab-sys /sys\n"
    "mount --bind \"$1/run\" /run/libvirt\n"
    "mount --bind \"$1/etc\" /etc/libvirt\n"
    "mount --bind \"$1/lib\" /var/lib/libvirt\n"
    "mount --bind \"$2\" /var/cache/libvirt\n"
    "mount --bind \"$1/log\" /var/log/libvirt\n"
    "exec libvirtd --pid-file=/run/libvirt/libvirtd.pid\n";

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) return Error{"cannot write " + path};
  return {};
}

std::optional<pid_t> read_pid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

/// True when a client connects to `uri` and the daemon answers.
bool answers(const std::string& uri) {
  virConnectPtr conn = libvirt_api().virConnectOpen(uri.c_str());
  if (!conn) return false;
  unsigned long version = 0;
  const bool ok = libvirt_api().virConnectGetLibVersion(conn, &version) == 0;
  libvirt_api().virConnectClose(conn);
  return ok;
}

}  // namespace

LibvirtdFiles libvirtd_files(const std::string& run_dir) {
  LibvirtdFiles f;
  f.dir = run_dir + "/libvirt";
  f.etc = f.dir + "/etc";
  f.run = f.dir + "/run";
  f.lib = f.dir + "/lib";
  f.log = f.dir + "/log";
  f.socket = f.run + "/libvirt-sock";
  f.pid = f.run + "/libvirtd.pid";
  f.output = f.dir + "/libvirtd.out";
  return f;
}

std::string libvirt_shared_cache() {
  const char* env = std::getenv("NETLAB_CACHE");
  return std::string(env && *env ? env : "/var/cache/netlab") + "/libvirt";
}

std::string libvirt_socket_uri(const std::string& socket) { return "qemu+unix:///system?socket=" + socket; }

std::optional<pid_t> PrivateLibvirtd::pid() const {
  auto pid = read_pid(files_.pid);
  if (!pid || !alive(*pid) || process_name(*pid) != "libvirtd") return std::nullopt;
  return pid;
}

Status PrivateLibvirtd::start(const std::string& netns, const std::string& ovs_run_dir,
                              std::chrono::milliseconds timeout) {
  if (auto api = model::load_api<LibvirtApi>(); !api) return api.error();
  if (running() && answers(uri())) return {};
  std::error_code ec;
  for (const auto& d : {files_.etc, files_.run, files_.lib, files_.log, libvirt_shared_cache()}) {
    fs::create_directories(d, ec);
    if (ec) return Error{"cannot create " + d + ": " + ec.message()};
  }
  if (auto st = write_file(files_.etc + "/qemu.conf", kQemuConf); !st) return st;
  if (auto st = write_file(files_.etc + "/libvirtd.conf",
                           std::string(kLibvirtdConf) + "host_uuid = \"" + host_uuid(files_.dir) + "\"\n");
      !st)
    return st;
  // The lab's run tree (the parent of its run dir) must stay visible to QEMU.
  const std::string run_tree = fs::path(files_.dir).parent_path().parent_path().string();
  SpawnOptions options;
  options.netns = netns;
  options.stdout_path = files_.output;
  options.stderr_path = files_.output;
  options.append_output = true;
  if (!ovs_run_dir.empty()) options.env_extra.push_back("OVS_RUNDIR=" + ovs_run_dir);
  auto child = spawn({"unshare", "--mount", "--propagation", "private", "sh", "-c", kMountScript, "netlab-libvirtd",
                      files_.dir, libvirt_shared_cache(), run_tree},
                     options);
  if (!child) return child.error();
  ChildProcess owner(*child);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!owner.running()) {
      std::ifstream in(files_.output);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      return Error{"libvirtd exited at start: " + text.substr(text.size() > 600 ? text.size() - 600 : 0)};
    }
    if (fs::exists(files_.socket) && answers(uri())) {
      owner.release();  // the daemon outlives this command; stop() finds it by its pid file
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Error{"libvirtd did not answer on " + files_.socket + " within " +
               std::to_string(timeout.count() / 1000) + " s (see " + files_.output + ")"};
}

Status PrivateLibvirtd::stop(std::chrono::milliseconds grace) {
  auto p = pid();
  if (!p) return {};
  if (auto st = terminate(*p, grace); !st) return Error{"cannot stop libvirtd: " + st.error().message};
  std::error_code ec;
  fs::remove(files_.socket, ec);
  return {};
}

}  // namespace netlab::host
