// The DHCPv6 client's files and script (host/dhcp6_client.h), and the pid-file
// lookup that tells the lab's daemons from whatever else holds a pid. No root.
#include "netlab/host/dhcp6_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "netlab/host/owned_process.h"
#include "netlab/host/process.h"

namespace netlab::host {
namespace {

TEST(Dhcp6Client, FilesPerNicUnderTheRunDirectory) {
  auto f = dhcp6_client_files("/run/netlab/dual", "dual-g1", "eth0");
  EXPECT_EQ(f.pid, "/run/netlab/dual/dhclient6/dual-g1.eth0.pid");
  EXPECT_EQ(f.leases, "/run/netlab/dual/dhclient6/dual-g1.eth0.leases");
  EXPECT_EQ(f.conf, "/run/netlab/dual/dhclient6/dual-g1.eth0.conf");
  EXPECT_EQ(f.script, "/run/netlab/dual/dhclient6/dual-g1.eth0.sh");
  EXPECT_EQ(describe_owned_process(42, f.leases), "dhclient pid 42");
  EXPECT_EQ(describe_owned_process(7, "/run/netlab/dual/dnsmasq-lan.conf"), "dnsmasq pid 7");
}

TEST(Dhcp6Client, ScriptPutsTheLeaseOnWithTheNetworksPrefixAndTakesItOff) {
  const std::string s = render_dhclient6_script("/bin/busybox", 64);
  EXPECT_EQ(s.rfind("#!/bin/busybox sh\n", 0), 0u);
  EXPECT_NE(s.find("BOUND6|RENEW6|REBIND6|REBOOT6)"), std::string::npos);
  EXPECT_NE(s.find("$BB ip -6 addr add \"$new_ip6_address/64\" dev \"$interface\""), std::string::npos) << s;
  EXPECT_NE(s.find("EXPIRE6|RELEASE6|STOP6)"), std::string::npos);
  EXPECT_NE(s.find("$BB ip -6 addr del \"$old_ip6_address/64\" dev \"$interface\""), std::string::npos) << s;
  EXPECT_NE(render_dhclient6_script("/bin/busybox", 80).find("/80\""), std::string::npos);
}

TEST(Dhcp6Client, RefusesBadNamesBeforeRunningAnything) {
  Dhcp6ClientOptions o;
  o.netns = "dual-g1";
  o.run_dir = "/tmp";
  o.device = "eth0/../x";
  EXPECT_FALSE(start_dhcp6_client(o).ok());
  o.device = "eth0";
  o.netns = "../etc";
  EXPECT_FALSE(start_dhcp6_client(o).ok());
  o.netns = "dual-g1";
  o.run_dir = "relative";
  EXPECT_FALSE(start_dhcp6_client(o).ok());
}

TEST(PidFileProcess, NamesOnlyTheProgramWithThatWord) {
  char dir[] = "/tmp/netlab-pidfile-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string pid_file = std::string(dir) + "/p.pid";
  // A shell that stays itself (a second command: no exec of sleep), "/tmp/word" its $0.
  auto child = ChildProcess::start({"sh", "-c", "sleep 30; :", "/tmp/word"});
  ASSERT_TRUE(child.ok()) << child.error().message;
  std::ofstream(pid_file) << child->pid() << "\n";
  EXPECT_EQ(pid_file_process(pid_file, "sh", "/tmp/word"), child->pid());
  EXPECT_EQ(pid_file_process(pid_file, "sh", "/tmp/other"), std::nullopt);
  EXPECT_EQ(pid_file_process(pid_file, "dhclient", "/tmp/word"), std::nullopt);  // another program
  EXPECT_EQ(owned_process_pid(pid_file, "/tmp/word"), std::nullopt);  // neither dnsmasq nor dhclient
  EXPECT_EQ(pid_file_process(pid_file + ".missing", "sleep", "/tmp/word"), std::nullopt);
  ASSERT_TRUE(child->stop().ok());
  EXPECT_EQ(pid_file_process(pid_file, "sh", "/tmp/word"), std::nullopt);  // gone
  ::unlink(pid_file.c_str());
  ::rmdir(dir);
}

}  // namespace
}  // namespace netlab::host
