#include "realhost_fixture.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "netlab/host/netns.h"

namespace netlab::testing {
namespace fs = std::filesystem;

namespace {

void ip_in(const std::string& netns, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip", "-n", netns};
  argv.insert(argv.end(), args.begin(), args.end());
  Outcome o = run_command(argv);
  ASSERT_EQ(o.exit_code, 0) << host::format_argv(argv) << ": " << o.err;
}

void remove_fixture_namespaces() {
  for (const char* ns : {kHostNs, kUpstreamNs})
    if (host::netns_exists(ns)) host::delete_netns(ns);
}

}  // namespace

void RealHostTest::SetUp() {
  if (::geteuid() != 0) GTEST_SKIP() << "integration tests need root (they build namespaces)";
  remove_fixture_namespaces();  // a crashed earlier run
  dir_ = fs::temp_directory_path() / ("netlab-rh-" + std::to_string(::getpid()));
  fs::create_directories(dir_);
  ASSERT_TRUE(host::create_netns(kHostNs));
  ASSERT_TRUE(host::create_netns(kUpstreamNs));
  ip_in(kHostNs, {"link", "add", "eth0", "type", "veth", "peer", "name", "up0", "netns", kUpstreamNs});
  ip_in(kHostNs, {"addr", "add", "203.0.113.50/24", "dev", "eth0"});
  ip_in(kHostNs, {"addr", "add", "2001:db8:1::50/64", "dev", "eth0", "nodad"});
  ip_in(kHostNs, {"link", "set", "eth0", "up"});
  ip_in(kUpstreamNs, {"addr", "add", "203.0.113.1/24", "dev", "up0"});
  ip_in(kUpstreamNs, {"addr", "add", "2001:db8:1::1/64", "dev", "up0", "nodad"});
  ip_in(kUpstreamNs, {"addr", "add", "198.51.100.1/32", "dev", "lo"});
  ip_in(kUpstreamNs, {"link", "set", "up0", "up"});
  ip_in(kHostNs, {"route", "add", "default", "via", "203.0.113.1", "dev", "eth0"});
  ip_in(kHostNs, {"-6", "route", "add", "default", "via", "2001:db8:1::1", "dev", "eth0"});
  // eth0's link-local address settles (DAD) before any test compares the host's addresses.
  for (int i = 0; i < 500; ++i) {
    if (run_command({"ip", "-n", kHostNs, "addr", "show", "dev", "eth0"}).out.find("tentative") == std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(run_command({"ip", "-n", kHostNs, "addr", "show", "dev", "eth0"}).out.find("tentative"), std::string::npos);
}

void RealHostTest::TearDown() {
  if (::geteuid() != 0) return;
  for (const auto& lab : labs_) {
    netlab_on_host({"down", lab});
    EXPECT_EQ(leftovers(lab), std::vector<std::string>{}) << "lab " << lab << " left things behind";
    for (const auto& ns : host::list_netns())
      if (ns.rfind(lab + "-", 0) == 0) host::delete_netns(ns);
  }
  if (lan_dhcp_.running()) lan_dhcp_.stop();
  // Nothing of a lab may stay in the fake host: no tagged link, no nft table.
  if (host::netns_exists(kHostNs)) {
    std::string links = run_command({"ip", "-n", kHostNs, "-o", "link", "show"}).out;
    for (const auto& lab : labs_) EXPECT_EQ(links.find("netlab:" + lab), std::string::npos) << links;
    std::string tables = run_command({"ip", "netns", "exec", kHostNs, "nft", "list", "tables"}).out;
    for (const auto& lab : labs_) EXPECT_EQ(tables.find("netlab_" + lab), std::string::npos) << tables;
  }
  remove_fixture_namespaces();
  EXPECT_FALSE(host::netns_exists(kHostNs));
  EXPECT_FALSE(host::netns_exists(kUpstreamNs));
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Outcome RealHostTest::netlab_on_host(const std::vector<std::string>& args, int timeout_s) {
  std::vector<std::string> argv{NETLAB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  host::SpawnOptions options;
  options.netns = kHostNs;  // setns(CLONE_NEWNET) + execve: rh-host is "the host" for netlab
  auto r = host::run(argv, options, std::chrono::seconds(timeout_s));
  if (!r) {
    ADD_FAILURE() << host::format_argv(argv) << ": " << r.error().message;
    return {};
  }
  return {r->exit_code, r->out, r->err};
}

std::string RealHostTest::ip_host(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip", "-n", kHostNs};
  argv.insert(argv.end(), args.begin(), args.end());
  Outcome o = run_command(argv);
  EXPECT_EQ(o.exit_code, 0) << host::format_argv(argv) << ": " << o.err;
  return o.out;
}

std::string RealHostTest::write_topology(const std::string& lab, const std::string& yaml) {
  labs_.push_back(lab);
  const std::string path = dir_ + "/" + lab + ".yaml";
  std::ofstream(path) << yaml;
  return path;
}

std::string RealHostTest::copy_topology(const std::string& name, const std::string& lab) {
  std::ifstream in(std::string(NETLAB_SOURCE_DIR) + "/topologies/" + name + ".yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = std::regex_replace(text.str(), std::regex("\nname: " + name + "\n"), "\nname: " + lab + "\n");
  EXPECT_NE(yaml.find("\nname: " + lab + "\n"), std::string::npos) << "topologies/" << name << ".yaml: no name line";
  return write_topology(lab, yaml);
}

void RealHostTest::start_lan_dhcp() {
  host::SpawnOptions options;
  options.netns = kUpstreamNs;
  options.stdout_path = dir_ + "/lan-dnsmasq.log";
  options.stderr_path = dir_ + "/lan-dnsmasq.log";
  auto child = host::ChildProcess::start(
      {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--port=0",
       "--interface=up0", "--bind-interfaces", "--dhcp-range=203.0.113.100,203.0.113.150,1h",
       "--dhcp-option=3,203.0.113.1", "--dhcp-authoritative", "--no-ping", "--pid-file=",
       "--dhcp-leasefile=" + dir_ + "/lan.leases"},
      options);
  ASSERT_TRUE(child) << child.error().message;
  lan_dhcp_ = std::move(*child);
}

std::string RealHostTest::network_config() {
  std::string text = ip_host({"-d", "addr", "show", "dev", "eth0"});
  text += ip_host({"-4", "route", "show", "table", "all"});
  text += ip_host({"-6", "route", "show", "table", "all"});
  // Lifetimes tick; "forever" or not is what must survive.
  return std::regex_replace(text, std::regex("(valid|preferred)_lft [0-9]+sec"), "$1_lft N");
}

std::vector<std::string> hops_of(const nlohmann::json& packet) {
  std::vector<std::string> out;
  for (const auto& h : packet["hops"])
    out.push_back(h["role"].get<std::string>() + " " + h["netns"].get<std::string>() + "/" +
                  h["device"].get<std::string>());
  return out;
}

}  // namespace netlab::testing
