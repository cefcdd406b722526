// The lab lifecycle: idempotency, drift repair, rollback, locking, concurrent
// labs, and recovery after `up` is killed half-way.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "lab_fixture.h"
#include "netlab/host/netns.h"
#include "netlab/state/lock.h"

namespace netlab::testing {
namespace {

const char* kSmallNat = R"(name: {LAB}
networks:
  default:
    mode: nat
    subnet: 192.168.{NET}.0/24
    dhcp: {range: 192.168.{NET}.100-192.168.{NET}.199}
guests:
  a: {nics: [{network: default}]}
  b: {nics: [{network: default, address: 192.168.{NET}.20/24}]}
)";

std::string small_nat(const std::string& lab, int net) {
  std::string text = kSmallNat;
  for (auto [key, value] : {std::pair<std::string, std::string>{"{LAB}", lab}, {"{NET}", std::to_string(net)}})
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) text.replace(at, key.size(), value);
  return text;
}

/// N light guests with static addresses: a lab big enough to kill half-way.
std::string many_guests(const std::string& lab, int count) {
  std::string text = "name: " + lab + "\nnetworks:\n  n:\n    mode: nat\n    subnet: 10.60.0.0/16\nguests:\n";
  for (int i = 1; i <= count; ++i)
    text += "  g" + std::to_string(i) + ": {nics: [{network: n, address: 10.60." + std::to_string(i / 200) + "." +
            std::to_string(i % 200 + 10) + "/16}]}\n";
  return text;
}

TEST_F(LabTest, SecondUpDoesNothingAndChangesNothing) {
  auto file = write_topology("tidem", small_nat("tidem", 141));
  up_ok(file);
  auto before = in_netns("tidem-host", {"ip", "-o", "link", "show"}).out;
  auto before_rules = in_netns("tidem-host", {"nft", "list", "ruleset"}).out;
  Outcome again = up_ok(file);
  EXPECT_NE(again.out.find("nothing to do"), std::string::npos) << again.out;
  EXPECT_EQ(in_netns("tidem-host", {"ip", "-o", "link", "show"}).out, before);
  EXPECT_EQ(in_netns("tidem-host", {"nft", "list", "ruleset"}).out, before_rules);
  Outcome plan = netlab({"plan", file, "--sandbox"});
  EXPECT_EQ(plan.exit_code, 0);
  EXPECT_NE(plan.out.find("nothing to do"), std::string::npos) << plan.out;
}

TEST_F(LabTest, PartsRemovedByHandComeBack) {
  auto file = write_topology("tdrift", small_nat("tdrift", 142));
  up_ok(file);
  const std::string bridge_mac = mac_of("tdrift-host", "tdrift-default");
  EXPECT_EQ(bridge_mac.rfind("52:54:00:", 0), 0u) << bridge_mac;
  ASSERT_EQ(in_netns("tdrift-host", {"ip", "link", "del", "tdrift-default"}).exit_code, 0);
  ASSERT_EQ(in_netns("tdrift-host", {"nft", "delete", "table", "inet", "netlab_tdrift"}).exit_code, 0);
  std::ifstream pid_file("/run/netlab/tdrift/dnsmasq-default.pid");
  pid_t pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 1);
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 50 && host::alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));

  Outcome st = netlab({"status", "tdrift"});
  EXPECT_NE(st.out.find("create bridge tdrift-default"), std::string::npos) << st.out;
  EXPECT_FALSE(ping("tdrift-b", "203.0.113.1"));
  Outcome repaired = up_ok(file);
  EXPECT_NE(repaired.out.find("steps done"), std::string::npos) << repaired.out;
  // The same fixed MAC: the guests' ARP entries for their gateway still hold.
  EXPECT_EQ(mac_of("tdrift-host", "tdrift-default"), bridge_mac);
  // b's failed ping above left its ARP entry for the gateway INCOMPLETE; its
  // kernel asks again within a second (retrans_time), so this ping may wait that long.
  EXPECT_EQ(in_netns("tdrift-b", {"ping", "-c", "1", "-W", "3", "203.0.113.1"}).exit_code, 0);
  EXPECT_TRUE(ping("tdrift-a", "198.51.100.1"));
  EXPECT_NE(netlab({"status", "tdrift"}).out.find("drift: none"), std::string::npos);
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
}

TEST_F(LabTest, FailureHalfWayRollsBackEverythingThisRunMade) {
  // Two DHCP guests, one address in the range: the second lease cannot come,
  // after namespaces, bridge, nft table and dnsmasq were all made.
  auto file = write_topology("troll", R"(name: troll
networks:
  default:
    mode: nat
    subnet: 192.168.143.0/24
    dhcp: {range: 192.168.143.100-192.168.143.100}
guests:
  a: {nics: [{network: default}]}
  b: {nics: [{network: default}]}
)");
  Outcome o = netlab({"up", file, "--sandbox"});
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("no DHCP lease for"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("rolled back"), std::string::npos) << o.err;
  EXPECT_EQ(leftovers("troll"), std::vector<std::string>{});
}

TEST_F(LabTest, NameAlreadyTakenIsRefusedBeforeAnyChange) {
  auto file = write_topology("ttaken", small_nat("ttaken", 144));
  ASSERT_TRUE(host::create_netns("ttaken-host"));  // someone else's namespace with our name
  Outcome o = netlab({"up", file, "--sandbox"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("already exists and does not belong"), std::string::npos) << o.err;
  EXPECT_EQ(leftovers("ttaken"), std::vector<std::string>{"namespace ttaken-host"});
  // It is still the stranger's: down must not remove it.
  netlab({"down", "ttaken"});
  EXPECT_TRUE(host::netns_exists("ttaken-host"));
  host::delete_netns("ttaken-host");
}

TEST_F(LabTest, TwoLabsComeUpConcurrently) {
  auto first = write_topology("tconb", small_nat("tconb", 146));
  auto second = write_topology("tcona", small_nat("tcona", 145));  // lab_ (torn down by the fixture) = tcona
  Outcome a, b;
  std::thread other([&] { b = netlab({"up", first, "--sandbox"}); });
  a = netlab({"up", second, "--sandbox"});
  other.join();
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_TRUE(ping("tcona-a", "198.51.100.1"));
  EXPECT_TRUE(ping("tconb-a", "198.51.100.1"));
  EXPECT_EQ(netlab({"down", "tconb"}).exit_code, 0);
  EXPECT_EQ(leftovers("tconb"), std::vector<std::string>{});
}

TEST_F(LabTest, UpOfALabThatIsBeingChangedIsRefused) {
  auto file = write_topology("tlock", small_nat("tlock", 147));
  {
    auto held = state::LabLock::acquire("tlock");  // as a running `up` would
    ASSERT_TRUE(held) << held.error().message;
    Outcome o = netlab({"up", file, "--sandbox"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("is busy"), std::string::npos) << o.err;
    EXPECT_EQ(netlab({"down", "tlock"}).exit_code, 1);
    (*held)->remove_on_release();
  }
  EXPECT_EQ(leftovers("tlock"), std::vector<std::string>{});
}

/// Starts `netlab up` of a big lab and SIGKILLs it once its journal holds `objects` lines.
void kill_up_half_way(const std::string& lab, const std::string& file, size_t objects) {
  auto pid = host::spawn({NETLAB_BINARY, "up", file, "--sandbox"}, {.stdout_path = "/dev/null", .stderr_path = "/dev/null"});
  ASSERT_TRUE(pid) << pid.error().message;
  const std::string journal = "/run/netlab/" + lab + "/journal";
  for (int i = 0; i < 2000; ++i) {
    std::ifstream in(journal);
    size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    if (lines >= objects) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(*pid, SIGKILL);
  ::waitpid(*pid, nullptr, 0);
}

TEST_F(LabTest, GcCollectsALabWhoseUpWasKilled) {
  auto file = write_topology("tgc", many_guests("tgc", 400));
  kill_up_half_way("tgc", file, 40);
  ASSERT_FALSE(leftovers("tgc").empty()) << "up finished before it could be killed";
  Outcome o = netlab({"gc"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("collected lab tgc"), std::string::npos) << o.out;
  EXPECT_EQ(leftovers("tgc"), std::vector<std::string>{});
}

TEST_F(LabTest, DownRemovesALabWhoseUpWasKilled) {
  auto file = write_topology("tkill", many_guests("tkill", 400));
  kill_up_half_way("tkill", file, 40);
  ASSERT_FALSE(leftovers("tkill").empty());
  Outcome o = netlab({"down", file});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(leftovers("tkill"), std::vector<std::string>{});
}

TEST_F(LabTest, BadInputChangesNothing) {
  auto file = write_topology("tbad", "name: tbad\nnetworks:\n  n: {mode: nat, subnet: 10.0.0.0/33}\n");
  Outcome o = netlab({"up", file, "--sandbox"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("tbad.yaml:3:26: error: malformed subnet"), std::string::npos) << o.err;
  EXPECT_EQ(leftovers("tbad"), std::vector<std::string>{});
}

TEST_F(LabTest, StatusListsLabsAsJson) {
  auto file = write_topology("tlist", small_nat("tlist", 148));
  up_ok(file);
  auto doc = nlohmann::json::parse(netlab({"status", "--json"}).out, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["schema"], 1);
  bool found = false;
  for (const auto& lab : doc["labs"])
    if (lab["lab"] == "tlist") {
      found = true;
      EXPECT_EQ(lab["phase"], "ready");
      EXPECT_EQ(lab["sandbox"], true);
    }
  EXPECT_TRUE(found) << doc.dump();
  Outcome exec = netlab({"exec", "tlist", "b", "--", "ip", "-o", "-4", "addr", "show", "eth0"});
  EXPECT_EQ(exec.exit_code, 0);
  EXPECT_NE(exec.out.find("192.168.148.20/24"), std::string::npos) << exec.out;
  EXPECT_EQ(netlab({"exec", "tlist", "b", "--", "false"}).exit_code, 1);
}

// Guests are reached by name, as nodes are in containerlab: a command in a guest
// resolves through the lab's dnsmasq (its own resolv.conf, the machine's left
// alone), and trace/doctor take a guest as --to.
TEST_F(LabTest, GuestsAreReachedByName) {
  auto file = write_topology("tname", small_nat("tname", 149));
  const std::string machine_resolv = read_text("/etc/resolv.conf");
  up_ok(file);
  Outcome ping = netlab({"exec", "tname", "a", "--", "ping", "-c1", "-W5", "b"});
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  EXPECT_NE(ping.out.find("192.168.149.20"), std::string::npos) << ping.out;
  Outcome resolv = netlab({"exec", "tname", "b", "--", "cat", "/etc/resolv.conf"});
  EXPECT_NE(resolv.out.find("nameserver 192.168.149.1\n"), std::string::npos) << resolv.out;
  EXPECT_EQ(read_text("/etc/resolv.conf"), machine_resolv);
  Outcome trace = netlab({"trace", "tname", "a", "--to", "b"});
  EXPECT_EQ(trace.exit_code, 0) << trace.err;
  EXPECT_NE(trace.out.find("→ 192.168.149.20 icmp, 1 sent, 1 answered"), std::string::npos) << trace.out;
  Outcome doctor = netlab({"doctor", "tname", "b", "--to", "a:eth0"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
  Outcome unknown = netlab({"trace", "tname", "a", "--to", "b:eth7"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("guest b of lab tname has no NIC eth7"), std::string::npos) << unknown.err;
  EXPECT_EQ(netlab({"trace", "tname", "a", "--from", "b", "--to", "a"}).exit_code, 2);
}

}  // namespace
}  // namespace netlab::testing
