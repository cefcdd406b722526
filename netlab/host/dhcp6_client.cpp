#include "netlab/host/dhcp6_client.h"

#include <cstdlib>
#include <thread>
#include <vector>

#include "netlab/host/log_tail.h"
#include "netlab/host/process.h"
#include "netlab/model/file_io.h"

namespace netlab::host {
namespace {

bool plain_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name.find_first_of("/ \n'\"") == std::string::npos && name[0] != '.' &&
         name[0] != '-';
}

}  // namespace

Dhcp6ClientFiles dhcp6_client_files(const std::string& run_dir, const std::string& netns, const std::string& device) {
  const std::string base = run_dir + "/dhclient6/" + netns + "." + device;
  return {base + ".pid", base + ".leases", base + ".conf", base + ".sh"};
}

std::string render_dhclient6_script(const std::string& busybox_path, int prefix) {
  // Fixed text: only the busybox path (chosen by netlab) and a number are inserted.
  const std::string bb = "'" + busybox_path + "'";
  const std::string len = std::to_string(prefix);
  return "#!" + busybox_path + " sh\n"
         "# netlab dhclient -6 script: puts the leased address on $interface, removes it when the lease ends.\n"
         "BB=" + bb + "\n"
         "case \"$reason\" in\n"
         "  BOUND6|RENEW6|REBIND6|REBOOT6)\n"
         "    if [ -n \"$old_ip6_address\" ] && [ \"$old_ip6_address\" != \"$new_ip6_address\" ]; then\n"
         "      $BB ip -6 addr del \"$old_ip6_address/" + len + "\" dev \"$interface\" 2>/dev/null\n"
         "    fi\n"
         "    if [ -n \"$new_ip6_address\" ]; then\n"
         "      $BB ip -6 addr add \"$new_ip6_address/" + len + "\" dev \"$interface\" 2>/dev/null\n"
         "    fi\n"
         "    ;;\n"
         "  EXPIRE6|RELEASE6|STOP6)\n"
         "    if [ -n \"$old_ip6_address\" ]; then\n"
         "      $BB ip -6 addr del \"$old_ip6_address/" + len + "\" dev \"$interface\" 2>/dev/null\n"
         "    fi\n"
         "    ;;\n"
         "esac\n"
         "exit 0\n";
}

Result<pid_t> start_dhcp6_client(const Dhcp6ClientOptions& o) {
  if (!plain_name(o.device) || o.device.size() > 15) return Error{"dhclient: invalid device name '" + o.device + "'"};
  if (!plain_name(o.netns)) return Error{"dhclient: invalid namespace name '" + o.netns + "'"};
  if (o.run_dir.empty() || o.run_dir[0] != '/') return Error{"dhclient: the run directory must be an absolute path"};
  if (o.prefix < 1 || o.prefix > 128) return Error{"dhclient: invalid prefix length " + std::to_string(o.prefix)};
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env ? path_env : "/usr/sbin:/usr/bin:/sbin:/bin";
  std::string busybox = o.busybox.empty() ? find_program("busybox", path) : o.busybox;
  if (busybox.empty() || busybox[0] != '/' || busybox.find_first_of("'\n ") != std::string::npos)
    return Error{"dhclient: busybox not found in PATH (the script configures the NIC with it)"};
  // dhclient lives in /sbin, which a user's PATH may not hold.
  std::string dhclient = find_program("dhclient", path + ":/usr/sbin:/sbin");
  if (dhclient.empty()) return Error{"dhclient not found (Debian package isc-dhcp-client)"};

  const Dhcp6ClientFiles files = dhcp6_client_files(o.run_dir, o.netns, o.device);
  if (Status made = model::make_directory(o.run_dir + "/dhclient6", 0755); !made) return made.error();
  if (Status st = model::write_file(files.script, render_dhclient6_script(busybox, o.prefix), 0755); !st)
    return st.error();
  if (Status st = model::write_file(files.conf, "", 0644); !st) return st.error();

  // -D LL: a DUID made of the NIC's MAC, so `status` tells whose lease it is.
  const std::vector<std::string> argv = {dhclient, "-6", "-D", "LL", "-pf", files.pid, "-lf", files.leases,
                                         "-cf", files.conf, "-sf", files.script, o.device};
  SpawnOptions options;
  options.netns = o.netns;
  const auto deadline = std::chrono::steady_clock::now() + o.timeout;
  const std::string where = o.device + " in " + o.netns;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error{"dhclient -6 on " + where + ": no link-local address within the time"};
    Result<RunResult> ran = run(argv, options, left);
    if (!ran) return Error{"dhclient -6 on " + where + " got no lease: " + ran.error().message};
    if (ran->exit_code == 0) break;
    // Started before the kernel gave the NIC its link-local address: a moment later it has one.
    if ((ran->out + ran->err).find("no link-local IPv6 address") != std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    return Error{"dhclient -6 on " + where + " failed (exit " + std::to_string(ran->exit_code) +
                 "): " + last_lines(ran->out + ran->err, 3)};
  }
  // The foreground dhclient exits as soon as it has forked its daemon, which
  // writes the pid file a moment later: wait for it (bounded).
  const auto written_by = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    if (auto pid = dhcp6_client_pid(files.pid, files.leases)) return *pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < written_by);
  return Error{"dhclient -6 on " + where + " got its lease but left no daemon behind (" + files.pid + ")"};
}

std::optional<pid_t> dhcp6_client_pid(const std::string& pid_file, const std::string& lease_file) {
  return pid_file_process(pid_file, "dhclient", lease_file);
}

}  // namespace netlab::host
