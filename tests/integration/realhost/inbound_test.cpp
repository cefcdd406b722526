// `netlab trace LAB --from upstream` on a real host: the host has no upstream
// namespace netlab could send from, so the trace waits for the next request
// from outside (here rh-up, the upstream router, connects) to the published
// port and follows it in through the DNAT to the guest and its answer back.
#include <nlohmann/json.hpp>

#include "realhost_fixture.h"

namespace netlab::testing {
namespace {

using nlohmann::json;

TEST_F(RealHostTest, InboundTraceWaitsForARequestFromOutside) {
  const std::string lab = "rhin";
  const std::string file = write_topology(lab, forward_topology(lab));
  Outcome up = netlab_on_host({"up", file});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  auto server = serve(lab + "-web", 80, {"-e", "cat"});
  ASSERT_TRUE(server);
  auto trace = start_netlab({"trace", lab, "--from", "upstream", "--to", "203.0.113.50", "--proto", "tcp:8080",
                             "--timeout", "60", "--json"},
                            {.netns = kHostNs, .stdout_path = dir_ + "/trace.json", .stderr_path = dir_ + "/trace.err"});
  ASSERT_TRUE(trace);
  ASSERT_TRUE(wait_for_text(dir_ + "/trace.err", "connect to it from another machine now", *trace))
      << read_text(dir_ + "/trace.err");
  EXPECT_NE(read_text(dir_ + "/trace.err")
                .find("this host has no upstream to send from, so waiting up to 60 s for the next tcp request to "
                      "203.0.113.50:8080"),
            std::string::npos)
      << read_text(dir_ + "/trace.err");
  Outcome client = run_command({"ip", "netns", "exec", kUpstreamNs, "sh", "-c",
                                "printf hi | busybox nc -w 2 203.0.113.50 8080"});
  EXPECT_EQ(client.out, "hi") << client.err;
  json doc = json_when_done(*trace, dir_ + "/trace.json", dir_ + "/trace.err");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["probe"]["passive"], true);
  EXPECT_EQ(doc["probe"]["src"], "203.0.113.1");
  EXPECT_EQ(doc["conversation"]["outcome"], "connected, answered 2 B") << doc.dump(2);
  std::vector<std::string> request, reply;
  for (const auto& p : doc["packets"]) {
    const std::string summary = p["summary"].get<std::string>();
    if (request.empty() && p["kind"] == "request" && summary.rfind("tcp 203.0.113.1:", 0) == 0) request = hops_of(p);
    if (reply.empty() && p["kind"] == "reply" && summary.rfind("tcp 192.168.122.10:80 → 203.0.113.1:", 0) == 0)
      reply = hops_of(p);
  }
  EXPECT_EQ(request, (std::vector<std::string>{"uplink /eth0", "nat /", "bridge /rhin-default", "veth /rhin-web-0",
                                               "guest-nic rhin-web/eth0"}))
      << doc.dump(2);
  EXPECT_EQ(reply, (std::vector<std::string>{"guest-nic rhin-web/eth0", "veth /rhin-web-0", "bridge /rhin-default",
                                             "nat /", "uplink /eth0"}))
      << doc.dump(2);
  EXPECT_TRUE(server->stop());
  Outcome down = netlab_on_host({"down", lab});
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
}

}  // namespace
}  // namespace netlab::testing
