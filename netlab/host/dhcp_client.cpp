#include "netlab/host/dhcp_client.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "netlab/host/log_tail.h"
#include "netlab/host/process.h"
#include "netlab/model/file_io.h"

namespace netlab::host {
namespace {

bool valid_hostname(const std::string& name) {
  if (name.size() > 63) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

Result<std::string> write_udhcpc_script(const std::string& run_dir, const std::string& busybox_path) {
  if (run_dir.empty() || run_dir[0] != '/') return Error{"udhcpc: the run directory must be an absolute path"};
  if (busybox_path.empty() || busybox_path[0] != '/' || busybox_path.find_first_of("'\n ") != std::string::npos)
    return Error{"udhcpc: invalid busybox path '" + busybox_path + "'"};
  if (Status made = model::make_directory(run_dir, 0755); !made) return made.error();
  const std::string path = run_dir + "/udhcpc.sh";
  if (Status written = model::write_file(path, render_udhcpc_script(busybox_path), 0755); !written)
    return written.error();
  return path;
}

Result<DhcpLease> obtain_lease(const DhcpClientOptions& o) {
  if (o.device.empty() || o.device.size() > 15 || o.device.find_first_of("/ \n") != std::string::npos)
    return Error{"udhcpc: invalid device name '" + o.device + "'"};
  if (!valid_hostname(o.hostname)) return Error{"udhcpc: invalid hostname '" + o.hostname + "'"};
  if (o.discover_tries < 1 || o.discover_timeout_s < 1) return Error{"udhcpc: tries and timeout must be positive"};
  std::string busybox = o.busybox;
  if (busybox.empty()) {
    const char* path_env = std::getenv("PATH");
    busybox = find_program("busybox", path_env ? path_env : "/usr/sbin:/usr/bin:/sbin:/bin");
    if (busybox.empty()) return Error{"udhcpc: busybox not found in PATH"};
  }
  Result<std::string> script = write_udhcpc_script(o.run_dir, busybox);
  if (!script) return script.error();

  std::vector<std::string> argv = {busybox, "udhcpc", "-i", o.device, "-f", "-q", "-n",
                                   "-t", std::to_string(o.discover_tries), "-T", std::to_string(o.discover_timeout_s),
                                   "-s", *script, "-O", "mtu"};
  if (!o.hostname.empty()) {
    argv.push_back("-x");
    argv.push_back("hostname:" + o.hostname);
  }
  SpawnOptions options;
  options.netns = o.netns;
  Result<RunResult> ran = run(argv, options, o.timeout);
  std::string where = o.device + (o.netns.empty() ? "" : " in " + o.netns);
  if (!ran) return Error{"udhcpc on " + where + ": " + ran.error().message};
  Result<DhcpLease> lease = parse_udhcpc_output(ran->out);
  if (ran->exit_code != 0 || !lease) {
    std::string said = last_lines(ran->out + ran->err, 3);
    return Error{"udhcpc on " + where + " got no lease (exit " + std::to_string(ran->exit_code) + "): " + said};
  }
  return lease;
}

}  // namespace netlab::host
