// Bridge mode on the NIC that carries the host's default route: its addresses
// and routes move to the bridge in one step and come back exactly — on `down`,
// after a failed `up`, and through `gc` after `up` was killed half-way — and the
// host keeps its default route throughout.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "netlab/host/netns.h"
#include "realhost_fixture.h"

namespace netlab::testing {
namespace {

std::string bridge_lab(const std::string& lab, const std::string& guests) {
  return "name: " + lab +
         "\n"
         "networks:\n"
         "  lan:\n"
         "    mode: bridge\n"
         "    uplink: eth0\n" +
         "guests:\n" + guests;
}

/// What a real host typically has besides its first address and default route.
void add_host_extras(const std::function<std::string(const std::vector<std::string>&)>& ip) {
  ip({"addr", "add", "203.0.113.51/24", "dev", "eth0"});  // a secondary
  ip({"addr", "add", "203.0.113.52/24", "dev", "eth0", "label", "eth0:dyn", "valid_lft", "3600", "preferred_lft",
      "1800"});  // a DHCP-style address: finite lifetimes, an alias label
  ip({"route", "add", "10.99.0.0/16", "via", "203.0.113.254", "dev", "eth0", "metric", "50", "mtu", "1400"});
  ip({"route", "add", "192.0.2.0/24", "dev", "eth0", "scope", "link"});
  ip({"route", "add", "default", "via", "203.0.113.1", "dev", "eth0", "table", "100"});
  ip({"-6", "route", "add", "2001:db8:99::/48", "via", "2001:db8:1::fe", "dev", "eth0"});
}

/// `ip monitor route` in rh-host, started before `up` and known to be listening.
class RouteMonitor {
 public:
  explicit RouteMonitor(const std::string& log) : log_(log) {
    host::SpawnOptions o;
    o.netns = kHostNs;
    o.stdout_path = log;
    o.stderr_path = "/dev/null";
    auto child = host::ChildProcess::start({"ip", "monitor", "route"}, o);
    EXPECT_TRUE(child) << child.error().message;
    if (child) child_ = std::move(*child);
    // A route of our own that comes and goes, until the monitor has shown it.
    for (int i = 0; i < 500 && text().find("198.18.0.0/15") == std::string::npos; ++i) {
      run_command({"ip", "-n", kHostNs, "route", "add", "unreachable", "198.18.0.0/15"});
      run_command({"ip", "-n", kHostNs, "route", "del", "unreachable", "198.18.0.0/15"});
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_NE(text().find("198.18.0.0/15"), std::string::npos) << "ip monitor never listened";
  }
  std::string stop() {
    child_.stop();
    return text();
  }

 private:
  std::string text() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string log_;
  host::ChildProcess child_;
};

/// Pings the gateway from the host every 20 ms until stopped; then the replies it counted.
class Pinger {
 public:
  explicit Pinger(const std::string& log) : log_(log) {
    host::SpawnOptions o;
    o.netns = kHostNs;
    o.stdout_path = log;
    o.stderr_path = log;
    auto child = host::ChildProcess::start({"ping", "-n", "-i", "0.02", "-W", "1", "203.0.113.1"}, o);
    EXPECT_TRUE(child) << child.error().message;
    if (child) pid_ = child->release();
  }
  /// SIGINT, so ping prints its summary; returns it.
  std::string stop() {
    ::kill(pid_, SIGINT);
    host::wait_exit(pid_, std::chrono::seconds(5));
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string log_;
  pid_t pid_ = 0;
};

/// "N received" of ping's summary; -1 when absent.
int received(const std::string& summary) {
  auto at = summary.find(" received");
  if (at == std::string::npos) return -1;
  auto start = summary.rfind(' ', at - 1);
  return std::stoi(summary.substr(start + 1, at - start - 1));
}

TEST_F(RealHostTest, BridgeModeOnTheDefaultRouteNicMovesEverythingAndBack) {
  const std::string lab = "rhbr";
  add_host_extras([this](const std::vector<std::string>& a) { return ip_host(a); });
  start_lan_dhcp();
  const std::string file = write_topology(
      lab, bridge_lab(lab, "  pc1:\n    nics: [{network: lan}]\n  pc2:\n    nics: [{network: lan}]\n"));
  const std::string before = network_config();
  // Without --force: refused, nothing changed.
  Outcome refused = netlab_on_host({"up", file});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("which carries the host's default route"), std::string::npos) << refused.err;
  EXPECT_EQ(network_config(), before);
  EXPECT_FALSE(std::filesystem::exists("/run/netlab/rhbr"));
  // With --force, while the host pings its gateway and the route table is watched.
  RouteMonitor monitor(dir_ + "/monitor.log");
  Pinger pinger(dir_ + "/ping.log");
  Outcome up = netlab_on_host({"up", file, "--force"});
  const std::string pings = pinger.stop();
  const std::string events = monitor.stop();
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_GT(received(pings), 0) << pings;
  // The default routes were replaced onto the bridge, never deleted.
  EXPECT_EQ(events.find("Deleted default"), std::string::npos) << events;
  EXPECT_NE(events.find("default via 203.0.113.1 dev rhbr-lan"), std::string::npos) << events;
  // The bridge holds everything eth0 held; eth0 keeps only its link-local address.
  std::string bridge = ip_host({"addr", "show", "dev", "rhbr-lan"});
  for (const char* a : {"203.0.113.50/24", "203.0.113.51/24", "203.0.113.52/24", "2001:db8:1::50/64"})
    EXPECT_NE(bridge.find(a), std::string::npos) << a << " not on the bridge:\n" << bridge;
  EXPECT_NE(bridge.find("rhbr-lan:dyn"), std::string::npos) << bridge;
  std::string eth0 = ip_host({"addr", "show", "dev", "eth0"});
  EXPECT_EQ(eth0.find("203.0.113."), std::string::npos) << eth0;
  EXPECT_NE(eth0.find("master rhbr-lan"), std::string::npos) << eth0;
  std::string routes = ip_host({"route", "show", "table", "all"}) + ip_host({"-6", "route", "show", "table", "all"});
  for (const char* r : {"default via 203.0.113.1 dev rhbr-lan", "10.99.0.0/16 via 203.0.113.254 dev rhbr-lan",
                        "192.0.2.0/24 dev rhbr-lan", "default via 203.0.113.1 dev rhbr-lan table 100",
                        "2001:db8:99::/48 via 2001:db8:1::fe dev rhbr-lan", "default via 2001:db8:1::1 dev rhbr-lan"})
    EXPECT_NE(routes.find(r), std::string::npos) << r << " missing:\n" << routes;
  // The host reaches its gateway; the guests got leases from the LAN and reach it too.
  EXPECT_TRUE(ping(kHostNs, "203.0.113.1"));
  EXPECT_NE(up.out.find("pc1 eth0: 203.0.113.1"), std::string::npos) << up.out;
  EXPECT_NE(up.out.find("pc2 eth0: 203.0.113.1"), std::string::npos) << up.out;
  EXPECT_TRUE(ping("rhbr-pc1", "203.0.113.1"));
  EXPECT_TRUE(ping("rhbr-pc2", "203.0.113.50"));
  // Idempotent: a second up changes nothing.
  Outcome again = netlab_on_host({"up", file, "--force"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("nothing to do"), std::string::npos) << again.out;
  // down: exactly what was there before.
  Outcome down = netlab_on_host({"down", lab});
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(network_config(), before);
  EXPECT_TRUE(ping(kHostNs, "203.0.113.1"));
}

TEST_F(RealHostTest, AFailedUpAfterTheMoveRestoresTheNic) {
  const std::string lab = "rhfail";
  add_host_extras([this](const std::vector<std::string>& a) { return ip_host(a); });
  // pc1 asks the LAN for a lease, but no DHCP server runs there: its lease
  // step, long after the move, fails and `up` rolls back.
  const std::string file = write_topology(lab, bridge_lab(lab, "  pc1:\n    nics: [{network: lan}]\n"));
  const std::string before = network_config();
  Outcome up = netlab_on_host({"up", file, "--force"});
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
  EXPECT_NE(up.err.find("obtain a DHCP lease for pc1"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("rolled back"), std::string::npos) << up.err;
  EXPECT_EQ(network_config(), before);
  EXPECT_TRUE(ping(kHostNs, "203.0.113.1"));
  EXPECT_NE(run_command({"ip", "-n", kHostNs, "link", "show", "rhfail-lan"}).exit_code, 0) << "the bridge is left";
}

TEST_F(RealHostTest, GcAfterAKilledUpRestoresTheNic) {
  const std::string lab = "rhkill";
  std::string guests;
  for (int i = 0; i < 150; ++i)
    guests += "  g" + std::to_string(i) + ":\n    nics: [{network: lan, address: 203.0.113." +
              std::to_string(100 + i) + "/24}]\n";
  const std::string file = write_topology(lab, bridge_lab(lab, guests));
  const std::string before = network_config();
  host::SpawnOptions o;
  o.netns = kHostNs;
  o.stdout_path = "/dev/null";
  o.stderr_path = "/dev/null";
  auto pid = host::spawn({NETLAB_BINARY, "up", file, "--force"}, o);
  ASSERT_TRUE(pid) << pid.error().message;
  // Killed once the move is journalled and a few guests were made after it.
  bool moved = false;
  for (int i = 0; i < 5000 && !moved; ++i) {
    std::ifstream in("/run/netlab/rhkill/journal");
    size_t after = 0;
    bool uplink = false;
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"kind\":\"uplink\"") != std::string::npos) uplink = true;
      else if (uplink) ++after;
    }
    moved = uplink && after >= 5;
    if (!moved) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(*pid, SIGKILL);
  ::waitpid(*pid, nullptr, 0);
  ASSERT_TRUE(moved) << "up never journalled the move";
  EXPECT_NE(ip_host({"link", "show", "eth0"}).find("master rhkill-lan"), std::string::npos);
  Outcome gc = netlab_on_host({"gc"});
  EXPECT_EQ(gc.exit_code, 0) << gc.out << gc.err;
  EXPECT_NE(gc.out.find("collected lab rhkill"), std::string::npos) << gc.out;
  EXPECT_NE(gc.out.find("uplink eth0 out of bridge rhkill-lan"), std::string::npos) << gc.out;
  EXPECT_EQ(network_config(), before);
  EXPECT_TRUE(ping(kHostNs, "203.0.113.1"));
}

}  // namespace
}  // namespace netlab::testing
