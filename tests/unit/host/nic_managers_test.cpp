// The pure parts of finding who configures a NIC (host/nic_managers.h).
#include "netlab/host/nic_managers.h"

#include <gtest/gtest.h>

namespace netlab::host {
namespace {

TEST(NicManagers, NetworkManagerDeviceFile) {
  EXPECT_TRUE(nm_device_managed("[device]\nmanaged=true\nperm-hw-address-fake=false\n"));
  EXPECT_FALSE(nm_device_managed("[device]\nmanaged=false\n"));
  EXPECT_TRUE(nm_device_managed(""));  // no word against it
}

TEST(NicManagers, NetworkdLinkFile) {
  EXPECT_TRUE(networkd_link_managed("# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\n"));
  EXPECT_FALSE(networkd_link_managed("ADMIN_STATE=unmanaged\nOPER_STATE=off\n"));
}

TEST(NicManagers, DhcpClientPrograms) {
  EXPECT_EQ(dhcp_client_program("dhclient"), "dhclient");
  EXPECT_EQ(dhcp_client_program("/bin/busybox udhcpc -f -i eth0"), "udhcpc");
  EXPECT_EQ(dhcp_client_program("busybox httpd -f"), "");
  EXPECT_EQ(dhcp_client_program("dnsmasq"), "");
}

TEST(NicManagers, DhcpClientCommandLines) {
  EXPECT_TRUE(command_names_nic("/sbin/dhclient -4 -v -i -pf /run/dhclient.eth0.pid eth0", "eth0"));
  EXPECT_TRUE(command_names_nic("busybox udhcpc -f -i eth0 -s /bin/true", "eth0"));
  EXPECT_TRUE(command_names_nic("udhcpc -ieth0", "eth0"));
  EXPECT_TRUE(command_names_nic("dhcpcd --interface=eth0", "eth0"));
  EXPECT_FALSE(command_names_nic("/sbin/dhclient -pf /run/dhclient.eth0.pid eth1", "eth0"));
  EXPECT_FALSE(command_names_nic("udhcpc -i eth01", "eth0"));
}

}  // namespace
}  // namespace netlab::host
