// Lab operations through the real binary in the sandbox: link impairment
// (netem from the file, live `netlab impair`, drift, `up` restoring the file,
// `trace` naming a netem drop) and live capture into tshark (`netlab capture`
// streaming pcapng, several interfaces merged in time order, a broken pipe
// ending it cleanly).
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "../engine/lab_fixture.h"
#include "netlab/host/process.h"

namespace netlab::testing {
namespace {

using namespace std::chrono_literals;

/// min and max RTT (ms) of `count` pings from `netns` to `address`; {-1, -1} when some went unanswered.
std::pair<double, double> rtt(const std::string& netns, const std::string& address, int count = 3) {
  Outcome o = in_netns(netns, {"ping", "-q", "-c", std::to_string(count), "-i", "0.2", "-W", "2", address});
  if (o.exit_code != 0) return {-1, -1};
  auto at = o.out.find(" = ");
  if (at == std::string::npos) return {-1, -1};
  double min = 0, avg = 0, max = 0;
  char slash = 0;
  std::istringstream(o.out.substr(at + 3)) >> min >> slash >> avg >> slash >> max;
  return {min, max};
}

/// Lines of `text` that end with `suffix`.
size_t count_ending(const std::string& text, const std::string& suffix) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    n += line.size() >= suffix.size() && line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0;
  return n;
}

size_t count_lines(const std::string& text, const std::string& needle) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

/// Whether this kernel has the netem qdisc (sch_netem), tried in a scratch namespace with tc.
bool kernel_has_netem() {
  const std::string ns = "opsnetem-probe";
  run_command({"ip", "netns", "add", ns});
  run_command({"ip", "-n", ns, "link", "add", "name", "p0", "type", "veth", "peer", "name", "p1"});
  const bool ok = run_command({"tc", "-n", ns, "qdisc", "add", "dev", "p0", "root", "netem", "delay", "1ms"}).exit_code == 0;
  run_command({"ip", "netns", "del", ns});
  return ok;
}

class OpsTest : public LabTest {};

TEST_F(OpsTest, NetemFromTheFileLiveChangesDriftAndUpRestoresIt) {
  auto file = write_topology("netem1", R"(name: netem1
networks:
  default: {mode: nat, subnet: 10.61.0.0/24}
guests:
  g1:
    nics:
      - {network: default, address: 10.61.0.11/24, impair: {delay: 50ms}}
  g2:
    nics: [{network: default, address: 10.61.0.12/24}]
)");
  if (!kernel_has_netem()) {
    // `up` fails at the netem step, says why, and removes what it made.
    Outcome up = netlab({"up", file, "--sandbox"});
    EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
    EXPECT_NE(up.err.find("this kernel has no netem qdisc"), std::string::npos) << up.err;
    EXPECT_EQ(leftovers("netem1"), std::vector<std::string>{});
    GTEST_SKIP() << "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM): the impairment itself cannot be measured";
  }
  up_ok(file);
  // 50 ms on the guest's egress and 50 ms on the host side's egress toward it.
  auto [min, max] = rtt("netem1-g1", "198.51.100.1");
  EXPECT_GE(min, 100.0);
  EXPECT_LT(max, 130.0);
  auto [min2, max2] = rtt("netem1-g2", "198.51.100.1");
  EXPECT_GE(min2, 0.0);
  EXPECT_LT(max2, 5.0);
  EXPECT_NE(netlab({"status", "netem1"}).out.find("drift: none"), std::string::npos);
  Outcome graph = netlab({"graph", "netem1", "-o", dir_ + "/g.dot"});
  EXPECT_EQ(graph.exit_code, 0) << graph.err;
  EXPECT_NE(read_text(dir_ + "/g.dot").find("netem delay 50ms"), std::string::npos);

  // Live: all of g1's packets lost. The trace names netem as the cause.
  Outcome set = netlab({"impair", "netem1", "g1:eth0", "--delay", "50ms", "--loss", "100%"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  Outcome trace = netlab({"trace", "netem1", "--from", "g1", "--to", "198.51.100.1"});
  EXPECT_NE(trace.out.find("dropped by the netem loss on g1:eth0"), std::string::npos) << trace.out << trace.err;
  Outcome status = netlab({"status", "netem1"});
  EXPECT_NE(status.out.find("set netem delay 50ms on g1:eth0"), std::string::npos) << status.out;
  Outcome show = netlab({"impair", "netem1", "--show"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("netem1-g1/eth0"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("delay 50ms loss 100%"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("drift: g1:eth0"), std::string::npos) << show.out;

  // Cleared: no delay at all, and still drift (the file says 50ms).
  ASSERT_EQ(netlab({"impair", "netem1", "g1", "--clear"}).exit_code, 0);
  auto [min3, max3] = rtt("netem1-g1", "198.51.100.1");
  EXPECT_GE(min3, 0.0);
  EXPECT_LT(max3, 5.0);
  EXPECT_NE(netlab({"status", "netem1"}).out.find("set netem delay 50ms on g1:eth0"), std::string::npos);

  // `up` puts the file's values back.
  Outcome again = up_ok(file);
  EXPECT_NE(again.out.find("1 steps"), std::string::npos) << again.out;
  auto [min4, max4] = rtt("netem1-g1", "198.51.100.1");
  EXPECT_GE(min4, 100.0);
  EXPECT_LT(max4, 130.0);
  EXPECT_NE(netlab({"status", "netem1"}).out.find("drift: none"), std::string::npos);

  // Bad input changes nothing.
  EXPECT_EQ(netlab({"impair", "netem1", "g1", "--delay", "50"}).exit_code, 2);
  EXPECT_EQ(netlab({"impair", "netem1", "nosuch", "--delay", "5ms"}).exit_code, 2);
  EXPECT_EQ(netlab({"impair", "netem1", "g1:eth7", "--delay", "5ms"}).exit_code, 2);
}

TEST_F(OpsTest, CaptureStreamsPcapngIntoTsharkUntilThePipeBreaks) {
  auto file = write_topology("capt1", R"(name: capt1
networks:
  default: {mode: nat, subnet: 10.62.0.0/24}
guests:
  g1:
    nics: [{network: default, address: 10.62.0.11/24}]
)");
  up_ok(file);
  const std::string fifo = dir_ + "/stream.fifo", shark_out = dir_ + "/tshark.out", cap_err = dir_ + "/capture.err";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // tshark stops after 3 packets and closes its end: the capture must then end by itself, with exit 0.
  host::SpawnOptions shark_opts;
  shark_opts.stdout_path = shark_out;
  shark_opts.stderr_path = dir_ + "/tshark.err";
  auto shark = host::ChildProcess::start({"tshark", "-r", fifo, "-c", "3", "-T", "fields", "-e", "icmp.type", "-e",
                                          "frame.interface_name", "-e", "frame.comment"},
                                         shark_opts);
  ASSERT_TRUE(shark.ok()) << shark.error().message;
  host::SpawnOptions cap_opts;
  cap_opts.stdout_path = fifo;
  cap_opts.stderr_path = cap_err;
  auto capture = host::ChildProcess::start(
      {NETLAB_BINARY, "capture", "capt1", "g1", "-w", "-", "icmp[icmptype] == icmp-echo"}, cap_opts);
  ASSERT_TRUE(capture.ok()) << capture.error().message;
  ASSERT_TRUE(wait_for_text(cap_err, "capturing on 1 device", *capture)) << read_text(cap_err);
  // A ping runs while tshark reads: 5 requests, 5 replies.
  EXPECT_EQ(in_netns("capt1-g1", {"ping", "-c", "5", "-i", "0.2", "198.51.100.1"}).exit_code, 0);
  auto shark_exit = shark->wait(30s);
  ASSERT_TRUE(shark_exit.ok()) << shark_exit.error().message;
  EXPECT_EQ(*shark_exit, 0) << read_text(dir_ + "/tshark.err");
  const std::string seen = read_text(shark_out);
  // Three echo requests, each on the interface named after the lab, guest and NIC, its hop in its comment.
  EXPECT_EQ(count_lines(seen, "8\tcapt1/g1:eth0\tguest-nic capt1-g1/eth0, from g1"), 3u) << seen;
  // Its reader gone, the capture ends cleanly.
  auto cap_exit = capture->wait(10s);
  ASSERT_TRUE(cap_exit.ok()) << cap_exit.error().message << read_text(cap_err);
  EXPECT_EQ(*cap_exit, 0) << read_text(cap_err);

  // Several hops into one file, merged in time order, until ^C.
  const std::string pcap = dir_ + "/three.pcapng", err2 = dir_ + "/capture2.err";
  cap_opts.stdout_path = "/dev/null";
  cap_opts.stderr_path = err2;
  auto second = host::ChildProcess::start(
      {NETLAB_BINARY, "capture", "capt1", "g1", "--where", "guest,host,bridge", "-w", pcap, "icmp"}, cap_opts);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(wait_for_text(err2, "capturing on 3 devices", *second)) << read_text(err2);
  EXPECT_EQ(in_netns("capt1-g1", {"ping", "-c", "2", "-i", "0.2", "198.51.100.1"}).exit_code, 0);
  ::kill(second->pid(), SIGINT);
  auto second_exit = second->wait(10s);
  ASSERT_TRUE(second_exit.ok());
  EXPECT_EQ(*second_exit, 0) << read_text(err2);
  Outcome read = run_command({"tshark", "-r", pcap, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.interface_name"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  // Each of the 2 requests and 2 replies on each of the 3 hops.
  EXPECT_EQ(count_ending(read.out, "\tcapt1/g1:eth0"), 4u) << read.out;
  EXPECT_EQ(count_ending(read.out, "\tcapt1/g1:eth0/veth"), 4u) << read.out;
  EXPECT_EQ(count_ending(read.out, "\tcapt1/g1:eth0/bridge"), 4u) << read.out;
  double last = 0;
  std::istringstream lines(read.out);
  for (std::string line; std::getline(lines, line);) {
    double t = std::stod(line.substr(0, line.find('\t')));
    EXPECT_GE(t, last) << "out of time order: " << read.out;
    last = t;
  }
}

}  // namespace
}  // namespace netlab::testing
