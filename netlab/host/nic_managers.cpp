// Finding a network manager or DHCP client that configures a NIC (see nic_managers.h).
#include "netlab/host/nic_managers.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlab/host/process.h"

namespace netlab::host {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The inode of a process's network namespace; 0 when it cannot be read.
ino_t netns_inode(const std::string& proc_dir) {
  struct stat st {};
  return ::stat((proc_dir + "/ns/net").c_str(), &st) == 0 ? st.st_ino : 0;
}

/// Whether a state file's line `key=value` has exactly that value.
bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    if (l == line) return true;
  }
  return false;
}

}  // namespace

std::string dhcp_client_program(const std::string& comm_or_busybox_command) {
  std::istringstream words(comm_or_busybox_command);
  std::string program;
  words >> program;
  if (program.find('/') != std::string::npos) program = program.substr(program.rfind('/') + 1);
  if (program == "busybox") words >> program;  // "busybox udhcpc -i eth0": the applet
  for (const char* known : {"dhclient", "udhcpc", "dhcpcd"})
    if (program == known) return program;
  return "";
}

bool nm_device_managed(const std::string& text) { return !has_line(text, "managed=false"); }

bool networkd_link_managed(const std::string& text) { return !has_line(text, "ADMIN_STATE=unmanaged"); }

bool command_names_nic(const std::string& command_line, const std::string& nic) {
  std::istringstream words(command_line);
  std::string w;
  while (words >> w)
    if (w == nic || w == "-i" + nic || w == "--interface=" + nic) return true;
  return false;
}

std::vector<NicManager> nic_managers(const std::string& nic, int ifindex) {
  std::vector<NicManager> found;
  const ino_t own = netns_inode("/proc/self");
  if (own == 0) return found;
  const std::string index = std::to_string(ifindex);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    const std::string comm = process_name(pid);
    const bool nm = comm == "NetworkManager", networkd = comm == "systemd-network";
    const std::string client = dhcp_client_program(comm == "busybox" ? cmdline(pid) : comm);
    const bool dhcp = !client.empty();
    if (!nm && !networkd && !dhcp) continue;
    if (netns_inode(entry.path().string()) != own) continue;  // another namespace's daemon
    if (nm) {
      const std::string file = "/run/NetworkManager/devices/" + index;
      if (fs::exists(file, ec) && !nm_device_managed(read_file(file))) continue;
      found.push_back({"NetworkManager", pid,
                       fs::exists(file, ec) ? "its device state " + file + " does not say managed=false"
                                            : "it manages every NIC not marked unmanaged"});
    } else if (networkd) {
      const std::string file = "/run/systemd/netif/links/" + index;
      if (!fs::exists(file, ec) || !networkd_link_managed(read_file(file))) continue;
      found.push_back({"systemd-networkd", pid, "its link state " + file + " is not ADMIN_STATE=unmanaged"});
    } else if (command_names_nic(cmdline(pid), nic)) {
      found.push_back({client, pid, "a DHCP client whose command line names " + nic});
    }
  }
  return found;
}

}  // namespace netlab::host
