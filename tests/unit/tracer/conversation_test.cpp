// Whole conversations on hand-built captures of the synthetic NAT lab
// g/eth0 - h/v - h/br - nat - h/up - w/wan0: an ICMP error joined to the
// datagram it answers across NAT, TCP handshakes refused, accepted, reset by a
// reject rule and unanswered, and a UDP request with its response.
#include "tracer/conversation.h"

#include <gtest/gtest.h>

#include "tests/unit/tracer/synthetic_lab.h"
#include "tracer/label.h"
#include "tracer/output_text.h"

namespace netlab::tracer {
namespace {
using namespace testing;

constexpr uint32_t kGuest = ip(10, 0, 0, 2), kPub = ip(203, 0, 113, 2), kFar = ip(198, 51, 100, 1);
enum Dev : uint16_t { kEth0, kVeth, kBr, kUp, kWan };

struct Lab {
  CaptureSet set = synthetic_capture_set();
  uint64_t t = 1000;
  void add(uint16_t dev, const Bytes& frame) { add_frame(&set, dev, t += 10, frame); }
  /// One IPv4 packet seen on `devs` in order; `nat_after` devices see it as `outside`, the rest as `inside`.
  void path(std::initializer_list<uint16_t> devs, const Bytes& inside, const Bytes& outside) {
    for (uint16_t d : devs) {
      Bytes f = ether(1, 2, 0x0800);
      append(&f, d >= kUp ? outside : inside);
      add(d, f);
    }
  }
  std::vector<TracedPacket> packets() const { return trace_capture_set(set); }
};

// A TCP segment of the probe's connection, as the guest sees it (inside) and as it leaves (outside).
struct Tcp {
  Lab& lab;
  uint16_t id = 100;
  void out(std::initializer_list<uint16_t> devs, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& data = "") {
    lab.path(devs, ipv4(kGuest, kFar, 6, tcp(40000, 80, seq, ack, flags, text(data)), 64, id),
             ipv4(kPub, kFar, 6, tcp(61000, 80, seq, ack, flags, text(data)), 63, id));
    ++id;
  }
  void back(std::initializer_list<uint16_t> devs, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& data = "") {
    lab.path(devs, ipv4(kFar, kGuest, 6, tcp(80, 40000, seq, ack, flags, text(data)), 63, id),
             ipv4(kFar, kPub, 6, tcp(80, 61000, seq, ack, flags, text(data)), 64, id));
    ++id;
  }
};

TEST(Conversation, UdpAnsweredByPortUnreachableIsOneReplyPathAcrossNat) {
  Lab lab;
  const Bytes data = text("netlab-trace 42");
  lab.path({kEth0, kVeth, kBr, kUp, kWan}, ipv4(kGuest, kFar, 17, udp(40000, 9, data), 64, 7),
           ipv4(kPub, kFar, 17, udp(61000, 9, data), 63, 7));
  // The error embeds the datagram as it arrived (after NAT); the host's NAT
  // rewrites the embedded header back on the way in, with the outer one.
  Bytes err_out{3, 3, 0, 0, 0, 0, 0, 0};
  append(&err_out, ipv4(kPub, kFar, 17, udp(61000, 9, data), 63, 7));
  Bytes err_in{3, 3, 0, 0, 0, 0, 0, 0};
  append(&err_in, ipv4(kGuest, kFar, 17, udp(40000, 9, data), 63, 7));
  lab.path({kWan, kUp, kBr, kVeth, kEth0}, ipv4(kFar, kGuest, 1, err_in, 63, 900), ipv4(kFar, kPub, 1, err_out, 64, 900));

  auto packets = lab.packets();
  ASSERT_EQ(packets.size(), 2u) << format_hop_list(packets);
  const TracedPacket& reply = packets[1];
  EXPECT_EQ(reply.leg, model::Leg::reply);
  EXPECT_EQ(reply.summary,
            "icmp port-unreachable 198.51.100.1 \u2192 203.0.113.2 about udp 203.0.113.2:61000 \u2192 198.51.100.1:9");
  ASSERT_EQ(reply.hops.size(), 6u) << format_hop_list(packets);
  EXPECT_EQ(reply.hops.front().role, model::HopRole::upstream);
  EXPECT_EQ(reply.hops[2].role, model::HopRole::nat);
  EXPECT_EQ(reply.hops[2].change,
            "dst 203.0.113.2 \u2192 10.0.0.2, embedded src 203.0.113.2 \u2192 10.0.0.2, embedded sport 61000 \u2192 "
            "40000, TTL 64 \u2192 63");
  EXPECT_EQ(reply.hops.back().role, model::HopRole::guest_nic);
  EXPECT_EQ(reply.hops.back().direction, model::Direction::in);
  EXPECT_FALSE(reply.dropped);

  Conversation c = converse(packets, lab.set);
  EXPECT_EQ(c.outcome, "198.51.100.1 answered port unreachable (udp/9 closed)");
  EXPECT_EQ(c.flow, (std::vector<std::string>{"request udp 15 B", "port-unreachable from 198.51.100.1"}));
}

TEST(Conversation, TcpRefusedByTheDestination) {
  Lab lab;
  Tcp tcp{lab};
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1000, 0, kTcpSyn);
  tcp.back({kWan, kUp, kBr, kVeth, kEth0}, 0, 1001, kTcpRst | kTcpAck);
  auto packets = lab.packets();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].leg, model::Leg::reply);
  EXPECT_EQ(packets[1].hops.size(), 6u);
  Conversation c = converse(packets, lab.set);
  EXPECT_EQ(c.flow, (std::vector<std::string>{"SYN", "RST from 198.51.100.1"}));
  EXPECT_EQ(c.outcome, "refused (RST from 198.51.100.1)");
}

TEST(Conversation, TcpAcceptedWithPayloadAndAnswer) {
  Lab lab;
  Tcp tcp{lab};
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1000, 0, kTcpSyn);
  tcp.back({kWan, kUp, kBr, kVeth, kEth0}, 5000, 1001, kTcpSyn | kTcpAck);
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1001, 5001, kTcpAck);
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1001, 5001, kTcpAck | kTcpPsh, "hello");
  tcp.back({kWan, kUp, kBr, kVeth, kEth0}, 5001, 1006, kTcpAck | kTcpPsh, "HELLO!");
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1006, 5007, kTcpAck | kTcpFin);
  auto packets = lab.packets();
  ASSERT_EQ(packets.size(), 6u) << format_hop_list(packets);
  for (const auto& p : packets) EXPECT_EQ(p.hops.size(), 6u) << p.summary;
  EXPECT_EQ(packets[1].leg, model::Leg::reply);
  EXPECT_EQ(packets[4].leg, model::Leg::reply);
  Conversation c = converse(packets, lab.set);
  EXPECT_EQ(c.flow, (std::vector<std::string>{"SYN", "SYN-ACK", "ACK", "data 5 B", "answer 6 B", "FIN"}));
  EXPECT_EQ(c.outcome, "connected, answered 6 B");
}

TEST(Conversation, TcpResetByARejectRuleOnTheHost) {
  Lab lab;
  Tcp tcp{lab};
  tcp.out({kEth0, kVeth, kBr}, 1000, 0, kTcpSyn);  // never reaches the uplink
  tcp.back({kBr, kVeth, kEth0}, 0, 1001, kTcpRst | kTcpAck);
  auto packets = lab.packets();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_TRUE(packets[0].dropped);
  Conversation c = converse(packets, lab.set, {.waited_ms = 2000, .reject_rule = "nft inet netlab_syn forward: rule `x`"});
  EXPECT_EQ(c.outcome, "reset by a reject rule at h: nft inet netlab_syn forward: rule `x`");
}

TEST(Conversation, TcpWithoutSynAck) {
  Lab lab;
  Tcp tcp{lab};
  tcp.out({kEth0, kVeth, kBr, kUp, kWan}, 1000, 0, kTcpSyn);
  Conversation c = converse(lab.packets(), lab.set, {.waited_ms = 2000});
  EXPECT_EQ(c.flow, (std::vector<std::string>{"SYN"}));
  EXPECT_EQ(c.outcome, "no SYN-ACK within 2 s");
}

TEST(Conversation, UdpRequestAndResponse) {
  Lab lab;
  lab.path({kEth0, kVeth, kBr, kUp, kWan}, ipv4(kGuest, kFar, 17, udp(40000, 7, text("ping")), 64, 3),
           ipv4(kPub, kFar, 17, udp(61000, 7, text("ping")), 63, 3));
  lab.path({kWan, kUp, kBr, kVeth, kEth0}, ipv4(kFar, kGuest, 17, udp(7, 40000, text("pong!")), 63, 4),
           ipv4(kFar, kPub, 17, udp(7, 61000, text("pong!")), 64, 4));
  Conversation c = converse(lab.packets(), lab.set);
  EXPECT_EQ(c.flow, (std::vector<std::string>{"request udp 4 B", "answer udp 5 B"}));
  EXPECT_EQ(c.outcome, "answered (udp 5 B from 198.51.100.1:7)");
}

}  // namespace
}  // namespace netlab::tracer
