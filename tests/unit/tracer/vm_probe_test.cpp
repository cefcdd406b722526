// Probes from inside a VM (tracer/vm_probe.h): the busybox commands, what their
// results say, and the sending through a fake VM access. No root, no VM.
#include "tracer/vm_probe.h"

#include <gtest/gtest.h>

namespace netlab::tracer {
namespace {

const std::string kDst = "198.51.100.1";

ProbeSpec spec(ProbeProto proto, uint16_t port = 0, int count = 1) {
  ProbeSpec s;
  s.proto = proto;
  s.port = port;
  s.count = count;
  return s;
}

host::RunResult ran(int code, std::string out, std::string err) { return host::RunResult{code, std::move(out), std::move(err)}; }

TEST(VmProbe, Commands) {
  EXPECT_EQ(*vm_probe_argv(spec(ProbeProto::kIcmp), kDst, 1000),
            (std::vector<std::string>{"ping", "-c", "1", "-W", "1", "198.51.100.1"}));
  EXPECT_EQ(*vm_probe_argv(spec(ProbeProto::kTcp, 80), kDst, 2500),
            (std::vector<std::string>{"nc", "-w", "3", "198.51.100.1", "80"}));
  // IPv6: the same commands (busybox's ping and nc take either family).
  EXPECT_EQ(*vm_probe_argv(spec(ProbeProto::kIcmp), "2001:db8:100::1", 1000),
            (std::vector<std::string>{"ping", "-c", "1", "-W", "1", "2001:db8:100::1"}));
  auto udp = vm_probe_argv(spec(ProbeProto::kUdp, 53), kDst, 1000);
  ASSERT_FALSE(udp.ok());
  EXPECT_TRUE(udp.error().bad_input);
  EXPECT_NE(udp.error().message.find("no UDP client"), std::string::npos);
}

TEST(VmProbe, PingOutcome) {
  auto ok = vm_probe_outcome(spec(ProbeProto::kIcmp),
                             ran(0, "PING 198.51.100.1 (198.51.100.1): 56 data bytes\n64 bytes from 198.51.100.1: seq=0 "
                                    "ttl=63 time=1.2 ms\n\n--- 198.51.100.1 ping statistics ---\n1 packets transmitted, 1 "
                                    "packets received, 0% packet loss\n",
                                 ""));
  EXPECT_EQ(ok.sent, 1);
  EXPECT_EQ(ok.answered, 1);
  EXPECT_EQ(ok.error, "");
  auto lost = vm_probe_outcome(spec(ProbeProto::kIcmp), ran(1, "1 packets transmitted, 0 packets received, 100% packet loss\n", ""));
  EXPECT_EQ(lost.sent, 1);
  EXPECT_EQ(lost.answered, 0);
  EXPECT_EQ(lost.error, "no answer");
  auto unreachable = vm_probe_outcome(spec(ProbeProto::kIcmp), ran(1, "", "ping: sendto: Network is unreachable\n"));
  EXPECT_EQ(unreachable.sent, 0);
  EXPECT_EQ(unreachable.error, "sendto: Network is unreachable");
}

TEST(VmProbe, TcpOutcome) {
  auto open = vm_probe_outcome(spec(ProbeProto::kTcp, 80), ran(0, "", ""));
  EXPECT_EQ(open.answered, 1);
  auto refused = vm_probe_outcome(spec(ProbeProto::kTcp, 9),
                                  ran(1, "", "nc: can't connect to remote host (198.51.100.1): Connection refused\n"));
  EXPECT_EQ(refused.sent, 1);
  EXPECT_EQ(refused.answered, 0);
  EXPECT_EQ(refused.refused, 1);
  EXPECT_EQ(refused.error, "Connection refused");
  auto silent = vm_probe_outcome(spec(ProbeProto::kTcp, 9), ran(1, "", "nc: timed out\n"));
  EXPECT_EQ(silent.sent, 1);
  EXPECT_EQ(silent.refused, 0);
  EXPECT_EQ(silent.error, "connection timed out");
  auto nonet = vm_probe_outcome(spec(ProbeProto::kTcp, 9),
                                ran(1, "", "nc: can't connect to remote host (198.51.100.1): Network is unreachable\n"));
  EXPECT_EQ(nonet.sent, 0);
}

TEST(VmProbe, SendsOneCommandPerProbeInsideARunningVm) {
  VmAccess vm;
  vm.domain = "netlab-lab-vm1";
  vm.state = "running";
  std::vector<std::vector<std::string>> commands;
  vm.exec = [&](const std::vector<std::string>& argv, std::chrono::milliseconds) -> Result<host::RunResult> {
    commands.push_back(argv);
    return ran(0, "1 packets transmitted, 1 packets received, 0% packet loss\n", "");
  };
  auto out = vm_send_probe(vm, "vm1", spec(ProbeProto::kIcmp, 0, 3), kDst, 1000);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->sent, 3);
  EXPECT_EQ(out->answered, 3);
  EXPECT_EQ(commands.size(), 3u);
  vm.state = "shut off";
  auto dead = vm_send_probe(vm, "vm1", spec(ProbeProto::kIcmp), kDst, 1000);
  ASSERT_FALSE(dead.ok());
  EXPECT_NE(dead.error().message.find("VM vm1 is shut off"), std::string::npos);
  EXPECT_EQ(commands.size(), 3u);
}

}  // namespace
}  // namespace netlab::tracer
