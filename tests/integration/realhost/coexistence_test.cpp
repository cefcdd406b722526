// What a real host already has: a Docker-style FORWARD drop policy (named by
// doctor as the blocker; netlab leaves foreign tables alone), a libvirt virbr0
// on 192.168.122.0/24 (a clashing subnet is refused, nothing changed), and a
// DHCP client configuring the NIC a bridge would take (refused without --force).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "netlab/host/netns.h"
#include "realhost_fixture.h"

namespace netlab::testing {
namespace {

Outcome nft_host(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip", "netns", "exec", kHostNs, "nft"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

TEST_F(RealHostTest, DockerForwardDropIsNamedByDoctorAndLeftAlone) {
  const std::string lab = "rhdock";
  // Docker's iptables-nft set-up, in short: table ip filter, FORWARD policy drop.
  ASSERT_EQ(nft_host({"add", "table", "ip", "filter"}).exit_code, 0);
  ASSERT_EQ(nft_host({"add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }"}).exit_code, 0);
  const std::string docker_before = nft_host({"list", "table", "ip", "filter"}).out;
  const std::string file = copy_topology("nat", lab);
  Outcome up = netlab_on_host({"up", file});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  // Forwarded guest traffic meets Docker's drop: every base chain on the hook sees it.
  EXPECT_FALSE(ping("rhdock-g1", "198.51.100.1"));
  Outcome doctor = netlab_on_host({"doctor", lab, "g1"});
  EXPECT_EQ(doctor.exit_code, 1) << doctor.out << doctor.err;
  EXPECT_NE(doctor.out.find("[PROBLEM] forward-policy: chain ip filter FORWARD has policy drop"), std::string::npos)
      << doctor.out;
  EXPECT_NE(doctor.out.find("verdict: g1: PROBLEM: cannot reach 203.0.113.1"), std::string::npos) << doctor.out;
  const std::string verdict = doctor.out.substr(std::min(doctor.out.size(), doctor.out.rfind("verdict:")));
  EXPECT_NE(verdict.find("ip filter FORWARD"), std::string::npos) << doctor.out;
  // netlab did not touch Docker's table.
  EXPECT_EQ(nft_host({"list", "table", "ip", "filter"}).out, docker_before);
  // With the accept the docs tell the user to add, the lab's NAT works.
  ASSERT_EQ(nft_host({"insert rule ip filter FORWARD iifname \"rhdock-default\" accept"}).exit_code, 0);
  ASSERT_EQ(nft_host({"insert rule ip filter FORWARD oifname \"rhdock-default\" ct state established,related accept"})
                .exit_code,
            0);
  EXPECT_TRUE(ping("rhdock-g1", "198.51.100.1"));
  Outcome healthy = netlab_on_host({"doctor", lab, "g1"});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out;
  EXPECT_EQ(netlab_on_host({"down", lab}).exit_code, 0);
  EXPECT_EQ(nft_host({"list", "tables"}).out, "table ip filter\n");
}

TEST_F(RealHostTest, ASubnetClashWithVirbr0IsRefusedWithAHint) {
  const std::string lab = "rhclash";
  // libvirt's default network, as a host with libvirt has it (down: no route, only the address).
  ip_host({"link", "add", "virbr0", "type", "bridge"});
  ip_host({"addr", "add", "192.168.122.1/24", "dev", "virbr0"});
  const std::string file = copy_topology("nat", lab);
  const std::string before = network_config() + ip_host({"-o", "link", "show"});
  for (const char* command : {"plan", "up"}) {
    Outcome o = netlab_on_host({command, file});
    EXPECT_EQ(o.exit_code, 2) << command << ": " << o.out << o.err;
    EXPECT_NE(o.err.find("error: subnet 192.168.122.0/24 of network default overlaps 192.168.122.1/24 on virbr0"),
              std::string::npos)
        << o.err;
    EXPECT_NE(o.err.find("hint: pick a free subnet, e.g. 192.168.123.0/24"), std::string::npos) << o.err;
  }
  EXPECT_EQ(network_config() + ip_host({"-o", "link", "show"}), before);
  EXPECT_FALSE(std::filesystem::exists("/run/netlab/rhclash"));
  ip_host({"link", "del", "virbr0"});
}

TEST_F(RealHostTest, ANicConfiguredByADhcpClientIsRefusedWithoutForce) {
  const std::string lab = "rhdhcp";
  // A DHCP client on eth0, as ifupdown's `iface eth0 inet dhcp` runs one.
  host::SpawnOptions o;
  o.netns = kHostNs;
  o.stdout_path = "/dev/null";
  o.stderr_path = "/dev/null";
  auto client = host::ChildProcess::start({"busybox", "udhcpc", "-f", "-i", "eth0", "-s", "/bin/true"}, o);
  ASSERT_TRUE(client) << client.error().message;
  ip_host({"route", "del", "default"});  // only the DHCP client stands in the way
  const std::string file = write_topology(lab, "name: rhdhcp\nnetworks:\n  lan: {mode: bridge, uplink: eth0}\n");
  const std::string before = network_config();
  Outcome up = netlab_on_host({"up", file});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_NE(up.err.find("which udhcpc (pid " + std::to_string(client->pid()) + ") configures"), std::string::npos)
      << up.err;
  EXPECT_NE(up.err.find("--force"), std::string::npos) << up.err;
  EXPECT_EQ(network_config(), before);
  EXPECT_FALSE(std::filesystem::exists("/run/netlab/rhdhcp"));
  client->stop();
}

}  // namespace
}  // namespace netlab::testing
