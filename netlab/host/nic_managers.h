#pragma once
// Who else configures a host NIC: a network manager or DHCP client running in
// this network namespace. When netlab moves a NIC's addresses to a bridge, such
// a program goes on configuring the NIC (a renewed lease lands on the enslaved
// NIC, a "reconnect" takes it out of the bridge), so `up` refuses without --force.
#include <sys/types.h>

#include <string>
#include <vector>

namespace netlab::host {

struct NicManager {
  std::string program;   // "NetworkManager", "systemd-networkd", "dhclient", "udhcpc", "dhcpcd"
  pid_t pid = 0;
  std::string evidence;  // why it counts as managing the NIC, for the message
};

/// The managers of `nic` (ifindex `ifindex`) among the processes that share
/// netlab's network namespace: NetworkManager unless its device state file
/// (/run/NetworkManager/devices/IFINDEX) says managed=false, systemd-networkd
/// unless its link state file (/run/systemd/netif/links/IFINDEX) says
/// ADMIN_STATE=unmanaged, and DHCP clients whose command line names the NIC.
/// Daemons of other namespaces are not counted: their files describe other NICs.
std::vector<NicManager> nic_managers(const std::string& nic, int ifindex);

/// Pure parts, for tests. NetworkManager's device state file: false only for "managed=false".
bool nm_device_managed(const std::string& state_file_text);
/// systemd-networkd's link state file: false only for "ADMIN_STATE=unmanaged".
bool networkd_link_managed(const std::string& state_file_text);
/// The DHCP client a process is: its comm ("dhclient", "udhcpc", "dhcpcd"), or
/// for busybox (whose comm is "busybox") the applet of its command line; "" for none.
std::string dhcp_client_program(const std::string& comm_or_busybox_command);
/// A DHCP client's command line (words separated by spaces) names `nic`:
/// "dhclient eth0", "udhcpc -i eth0", "dhcpcd --interface=eth0", "udhcpc -ieth0".
bool command_names_nic(const std::string& command_line, const std::string& nic);

}  // namespace netlab::host
