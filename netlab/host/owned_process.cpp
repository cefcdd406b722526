#include "netlab/host/owned_process.h"

#include "netlab/host/dhcp6_client.h"
#include "netlab/host/dnsmasq.h"

namespace netlab::host {

std::optional<pid_t> owned_process_pid(const std::string& pid_file, const std::string& detail) {
  if (auto pid = pid_running_conf(pid_file, detail)) return pid;
  return dhcp6_client_pid(pid_file, detail);
}

std::string describe_owned_process(pid_t pid, const std::string& detail) {
  const bool client = detail.find("/dhclient6/") != std::string::npos;
  return std::string(client ? "dhclient" : "dnsmasq") + " pid " + std::to_string(pid);
}

}  // namespace netlab::host
