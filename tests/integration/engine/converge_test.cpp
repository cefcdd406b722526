// `up` of a changed file on a running lab: the lab ends as a fresh `up` of the
// new file would build it, without touching what did not change.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lab_fixture.h"
#include "netlab/host/netns.h"
#include "netlab/state/paths.h"

namespace netlab::testing {
namespace {

/// topologies/nat.yaml's lab: g1 with a reservation, g2 on the dynamic range.
std::string nat_lab(const std::string& lab, int net, bool with_g2) {
  const std::string p = "192.168." + std::to_string(net) + ".";
  std::string text = "name: " + lab + "\nnetworks:\n  default:\n    mode: nat\n    subnet: " + p +
                     "0/24\n    gateway: " + p + "1\n    dhcp:\n      range: " + p + "100-" + p +
                     "199\n      hosts:\n        - {name: g1, mac: \"52:54:00:00:00:10\", ip: " + p +
                     "10}\nguests:\n  g1:\n    nics: [{network: default, mac: \"52:54:00:00:00:10\"}]\n";
  if (with_g2) text += "  g2:\n    nics: [{network: default}]\n";
  return text;
}

ino_t inode_of(const std::string& netns) {
  struct stat st {};
  if (::stat(("/run/netns/" + netns).c_str(), &st) != 0) return 0;
  return st.st_ino;
}

/// Drops what differs between two builds of the same lab by nature: pids,
/// timestamps, lease expiry times, and the lease lists (a guest without a fixed
/// MAC gets a random one, and so another dynamic address, in each build).
void scrub(nlohmann::json& j) {
  if (j.is_object()) {
    for (const char* key : {"dnsmasq_pid", "pid", "updated", "expiry", "leases", "lease"}) j.erase(key);
    for (auto& [key, value] : j.items()) scrub(value);
  } else if (j.is_array()) {
    for (auto& item : j) scrub(item);
  }
}

/// The lab as seen from outside: status --json, its namespaces, each
/// namespace's links (names, state, MAC) and IPv4 addresses, the host's
/// ruleset without counters, and the dnsmasq conf.
std::string snapshot(const std::string& lab) {
  std::string out;
  auto status = nlohmann::json::parse(netlab({"status", lab, "--json"}).out, nullptr, false);
  scrub(status);
  out += status.dump(1) + "\n";
  for (const auto& ns : host::list_netns()) {
    if (ns.rfind(lab + "-", 0) != 0) continue;
    out += "netns " + ns + "\n";
    // Names and states, not ifindexes or the kernel's random MACs of veths.
    std::istringstream links(in_netns(ns, {"ip", "-br", "link", "show"}).out);
    for (std::string line; std::getline(links, line);) {
      std::istringstream words(line);
      std::string name, state;
      words >> name >> state;
      out += "  link " + name.substr(0, name.find('@')) + " " + state + "\n";
    }
    std::istringstream addrs(in_netns(ns, {"ip", "-4", "-br", "addr", "show"}).out);
    for (std::string line; std::getline(addrs, line);) {
      std::istringstream words(line);
      std::string name, state, rest, cidr;
      words >> name >> state;
      while (words >> cidr) rest += " " + cidr;
      out += "  addr " + name.substr(0, name.find('@')) + rest + "\n";
    }
    out += in_netns(ns, {"ip", "-4", "route", "show"}).out;
  }
  out += in_netns(lab + "-host", {"nft", "-s", "list", "ruleset"}).out;
  out += read_text("/run/netlab/" + lab + "/dnsmasq-default.conf");
  return out;
}

class ConvergeTest : public LabTest {
 protected:
  /// Writes `yaml` over the lab's file and runs `up -v` on it.
  Outcome up_changed(const std::string& file, const std::string& yaml) {
    std::ofstream(file) << yaml;
    Outcome out = netlab({"up", file, "--sandbox", "-v"});
    EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
    return out;
  }
  /// The lab as it is, then as a fresh `up` of the same file builds it: equal.
  void expect_equal_to_fresh(const std::string& file) {
    const std::string converged = snapshot(lab_);
    ASSERT_EQ(netlab({"down", lab_}).exit_code, 0);
    up_ok(file);
    EXPECT_EQ(converged, snapshot(lab_));
  }
};

TEST_F(ConvergeTest, RemovedGuestGoesAndTheRestStays) {
  auto file = write_topology("cvrm", nat_lab("cvrm", 122, true));
  up_ok(file);
  const ino_t g1 = inode_of("cvrm-g1");
  ASSERT_NE(g1, 0u);
  std::ofstream(file) << nat_lab("cvrm", 122, false);
  Outcome status = netlab({"status", "cvrm"});
  EXPECT_NE(status.out.find("guest g2 (namespace cvrm-g2) is running but not in the file"), std::string::npos)
      << status.out;
  Outcome plan = netlab({"plan", file, "--sandbox"});
  EXPECT_NE(plan.out.find("remove guest g2"), std::string::npos) << plan.out;
  const std::string g2_address = in_netns("cvrm-g2", {"ip", "-4", "-br", "addr", "show", "eth0"}).out;
  const std::string g2_ip = g2_address.substr(g2_address.find("192.168."), g2_address.find('/') - g2_address.find("192.168."));
  ASSERT_NE(read_text("/run/netlab/cvrm/dnsmasq-default.leases").find(" " + g2_ip + " "), std::string::npos);
  Outcome up = up_changed(file, nat_lab("cvrm", 122, false));
  EXPECT_NE(up.out.find("release the DHCP lease of " + g2_ip + " in dnsmasq for default"), std::string::npos) << up.out;
  // The address is free again: dnsmasq forgot g2's lease, g1's stays.
  const std::string leases = read_text("/run/netlab/cvrm/dnsmasq-default.leases");
  EXPECT_EQ(leases.find(" " + g2_ip + " "), std::string::npos) << leases;
  EXPECT_NE(leases.find(" 192.168.122.10 "), std::string::npos) << leases;
  EXPECT_NE(up.out.find("remove guest g2 (namespace cvrm-g2)"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("remove nic eth0 of guest g2"), std::string::npos) << up.out;
  EXPECT_EQ(up.out.find("create"), std::string::npos) << up.out;
  EXPECT_FALSE(host::netns_exists("cvrm-g2"));
  EXPECT_EQ(in_netns("cvrm-host", {"ip", "link", "show", "cvrm-g2-0"}).exit_code, 1);
  EXPECT_EQ(inode_of("cvrm-g1"), g1);
  EXPECT_TRUE(ping("cvrm-g1", "198.51.100.1"));
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
  EXPECT_NE(netlab({"status", "cvrm"}).out.find("drift: none"), std::string::npos);
  expect_equal_to_fresh(file);
}

TEST_F(ConvergeTest, MovedSubnetMovesEverything) {
  auto file = write_topology("cvmv", nat_lab("cvmv", 122, true));
  up_ok(file);
  const ino_t g1 = inode_of("cvmv-g1"), g2 = inode_of("cvmv-g2");
  Outcome up = up_changed(file, nat_lab("cvmv", 123, true));
  for (const char* line : {"change address of cvmv-default in cvmv-host from 192.168.122.1/24 to 192.168.123.1/24",
                           "change nftables table inet netlab_cvmv", "change dnsmasq for default",
                           "change the DHCP lease of g1 on eth0 from 192.168.122.10/24",
                           "change the DHCP lease of g2 on eth0 from 192.168.122."})
    EXPECT_NE(up.out.find(line), std::string::npos) << line << "\n" << up.out;
  EXPECT_EQ(up.out.find("create"), std::string::npos) << up.out;
  EXPECT_EQ(inode_of("cvmv-g1"), g1);
  EXPECT_EQ(inode_of("cvmv-g2"), g2);
  EXPECT_NE(in_netns("cvmv-g1", {"ip", "-4", "addr", "show", "eth0"}).out.find("192.168.123.10/24"), std::string::npos);
  for (const char* g : {"cvmv-g1", "cvmv-g2"}) {
    EXPECT_EQ(in_netns(g, {"ip", "-4", "addr", "show"}).out.find("192.168.122."), std::string::npos) << g;
    EXPECT_TRUE(ping(g, "198.51.100.1")) << g;
  }
  const std::string leases = read_text("/run/netlab/cvmv/dnsmasq-default.leases");
  EXPECT_EQ(leases.find("192.168.122."), std::string::npos) << leases;
  EXPECT_EQ(in_netns("cvmv-host", {"nft", "list", "ruleset"}).out.find("192.168.122."), std::string::npos);
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
  expect_equal_to_fresh(file);
}

/// An OVS network: g1 and g2 on VLAN 10, g3 on VLAN `g3_vlan`.
std::string ovs_lab(int g3_vlan) {
  return "name: cvvl\nnetworks:\n  default:\n    mode: isolated\n    switch: ovs\n    subnet: 10.61.0.0/24\n"
         "guests:\n  g1: {nics: [{network: default, vlan: 10, address: 10.61.0.11/24}]}\n"
         "  g2: {nics: [{network: default, vlan: 10, address: 10.61.0.12/24}]}\n"
         "  g3: {nics: [{network: default, vlan: " +
         std::to_string(g3_vlan) + ", address: 10.61.0.13/24}]}\n";
}

TEST_F(ConvergeTest, OvsPortRetaggedInPlace) {
  auto file = write_topology("cvvl", ovs_lab(20));
  up_ok(file);
  EXPECT_TRUE(ping("cvvl-g1", "10.61.0.12"));
  EXPECT_FALSE(ping("cvvl-g1", "10.61.0.13"));  // VLAN 20
  const ino_t g3 = inode_of("cvvl-g3");
  Outcome up = up_changed(file, ovs_lab(10));
  EXPECT_NE(up.out.find("change cvvl-g3-0 on OVS bridge cvvl-default from VLAN 20 to VLAN 10"), std::string::npos)
      << up.out;
  EXPECT_EQ(up.out.find("create"), std::string::npos) << up.out;
  EXPECT_EQ(up.out.find("remove"), std::string::npos) << up.out;
  EXPECT_EQ(inode_of("cvvl-g3"), g3);
  const std::string db = "--db=unix:/run/netlab/cvvl/ovs/db.sock";
  EXPECT_EQ(in_netns("cvvl-host", {"ovs-vsctl", db, "get", "port", "cvvl-g3-0", "tag"}).out, "10\n");
  EXPECT_TRUE(ping("cvvl-g1", "10.61.0.13"));
  EXPECT_TRUE(ping("cvvl-g3", "10.61.0.12"));
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
  // Every port with its tag, sorted (ovs-vsctl lists them in UUID order).
  auto ports = [&] {
    std::istringstream rows(
        in_netns("cvvl-host", {"ovs-vsctl", db, "--format=csv", "--no-headings", "--columns=name,tag", "list", "port"}).out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(rows, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  };
  const std::string converged = snapshot(lab_) + ports();
  ASSERT_EQ(netlab({"down", lab_}).exit_code, 0);
  up_ok(file);
  EXPECT_EQ(converged, snapshot(lab_) + ports());
}

TEST_F(ConvergeTest, RenamedLabIsRefused) {
  auto file = write_topology("cvren", nat_lab("cvren", 124, false));
  up_ok(file);
  std::string renamed = nat_lab("cvren2", 124, false);
  std::ofstream(file) << renamed;
  Outcome up = netlab({"up", file, "--sandbox"});
  EXPECT_NE(up.exit_code, 0);
  EXPECT_NE(up.err.find("netlab down cvren"), std::string::npos) << up.err;
  EXPECT_FALSE(host::netns_exists("cvren2-host"));
  EXPECT_FALSE(std::filesystem::exists(state::lock_path("cvren2"))) << "a refused rename leaves no lock";
}

}  // namespace
}  // namespace netlab::testing
