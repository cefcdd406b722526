// Correlator on real captures (tests/data/traces/*, made by make-captures.sh,
// expected hop lists written by hand beside them) and on synthetic records.
#include "tracer/correlate.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/unit/tracer/synthetic_lab.h"
#include "tracer/label.h"
#include "tracer/output_text.h"

namespace netlab::tracer {
namespace {
using namespace testing;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class RealCaptures : public ::testing::TestWithParam<const char*> {};

TEST_P(RealCaptures, HopListMatchesExpected) {
  std::string dir = std::string(NETLAB_TRACES_DIR) + "/" + GetParam();
  auto set = load_capture_set(dir, false);
  ASSERT_TRUE(set.ok()) << set.error().message;
  std::string expected = read_file(dir + "/expected.txt");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(format_hop_list(trace_capture_set(*set)), expected);
}

INSTANTIATE_TEST_SUITE_P(Traces, RealCaptures,
                         ::testing::Values("nat-ping", "nat-tcp", "guest-to-guest", "forward-drop", "nat-udp-unreachable"));

TEST(Correlate, ForwardDropNamesLastDevice) {
  auto set = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/forward-drop", false);
  ASSERT_TRUE(set.ok());
  auto packets = trace_capture_set(*set);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].dropped);
  EXPECT_EQ(packets[0].drop_after, "nlt-tr-host/br0");
  EXPECT_EQ(packets[0].drop_cause, "");  // left to the live explainer
}

// Synthetic lab (synthetic_lab.h): g (guest-nic) - v (veth) - br (bridge) - nat point - up (uplink) - wan (upstream).
struct SynBuilder {
  CaptureSet set = synthetic_capture_set();
  void add(uint16_t dev, uint64_t t, const Bytes& frame) { add_frame(&set, dev, t, frame); }
};

Bytes udp_frame(uint32_t src, uint16_t sport, uint8_t ttl, uint16_t id, const std::string& data) {
  Bytes f = ether(1, 2, 0x0800);
  append(&f, ipv4(src, ip(198, 51, 100, 1), 17, udp(sport, 5000, text(data)), ttl, id));
  return f;
}

TEST(Correlate, UdpThroughNatWithPortRewriteAndRetransmission) {
  SynBuilder b;
  const uint32_t guest = ip(10, 0, 0, 2), pub = ip(203, 0, 113, 2);
  // The same datagram twice (same payload, new IP ID each time, as a resend does).
  for (int k = 0; k < 2; ++k) {
    uint64_t t0 = 1000000 * (k + 1);
    uint16_t id = static_cast<uint16_t>(100 + k);
    b.add(0, t0, udp_frame(guest, 40000, 64, id, "query"));
    b.add(1, t0 + 10, udp_frame(guest, 40000, 64, id, "query"));
    b.add(2, t0 + 10, udp_frame(guest, 40000, 64, id, "query"));
    b.add(3, t0 + 50, udp_frame(pub, 61000, 63, id, "query"));
    b.add(4, t0 + 60, udp_frame(pub, 61000, 63, id, "query"));
  }
  auto packets = trace_capture_set(b.set);
  ASSERT_EQ(packets.size(), 2u);
  for (const auto& p : packets) {
    EXPECT_EQ(p.leg, model::Leg::request);
    ASSERT_EQ(p.hops.size(), 6u);
    EXPECT_EQ(p.hops[3].role, model::HopRole::nat);
    EXPECT_EQ(p.hops[3].change, "src 10.0.0.2 \u2192 203.0.113.2, sport 40000 \u2192 61000, TTL 64 \u2192 63");
    EXPECT_FALSE(p.dropped);
  }
  // With IP IDs ignored the two sends share an identity; a device seeing it
  // again starts a new packet, so they still come out as two.
  HopGraph g = HopGraph::build(b.set.hopmap, b.set.devices);
  Correlation c = correlate(b.set, g, CorrelateOptions{.use_ip_id = false});
  EXPECT_EQ(c.paths.size(), 2u);
}

TEST(Correlate, RouteWithoutRewriteIsLabelledRoute) {
  SynBuilder b;
  const uint32_t guest = ip(10, 0, 0, 2);
  b.add(0, 100, udp_frame(guest, 1234, 64, 7, "x"));
  b.add(2, 110, udp_frame(guest, 1234, 64, 7, "x"));
  b.add(3, 150, udp_frame(guest, 1234, 63, 7, "x"));
  auto packets = trace_capture_set(b.set);
  ASSERT_EQ(packets.size(), 1u);
  ASSERT_EQ(packets[0].hops.size(), 4u);
  EXPECT_EQ(packets[0].hops[2].role, model::HopRole::route);
  EXPECT_EQ(packets[0].hops[2].change, "TTL 64 \u2192 63");
  // wan0 is captured but never saw it: dropped after the uplink.
  EXPECT_TRUE(packets[0].dropped);
  EXPECT_EQ(packets[0].drop_after, "h/up");
}

TEST(Correlate, IdentityKeepsNatInvariantFields) {
  PacketRecord a, b;
  Bytes fa = ether(1, 2, 0x0800);
  append(&fa, ipv4(ip(10, 0, 0, 2), ip(1, 1, 1, 1), 6, tcp(40000, 80, 5, 6, kTcpSyn, {}), 64, 9));
  Bytes fb = ether(3, 4, 0x0800);
  append(&fb, ipv4(ip(203, 0, 113, 2), ip(1, 1, 1, 1), 6, tcp(50000, 80, 5, 6, kTcpSyn, {}), 63, 9));
  decode_frame(kLinkEthernet, fa.data(), static_cast<uint32_t>(fa.size()), static_cast<uint32_t>(fa.size()), &a);
  decode_frame(kLinkEthernet, fb.data(), static_cast<uint32_t>(fb.size()), static_cast<uint32_t>(fb.size()), &b);
  EXPECT_EQ(packet_identity(a, true), packet_identity(b, true));
  b.tcp_seq = 99;
  EXPECT_NE(packet_identity(a, true), packet_identity(b, true));
  EXPECT_EQ(diff_records(a, a), 0);
}

}  // namespace
}  // namespace netlab::tracer
