// The pure half of tracer/netem_facts.h: notes on impaired hops and a netem
// drop named from its drop counter; and the stream interfaces `netlab capture`
// picks from a hop map (tracer/capture_stream.h).
#include <gtest/gtest.h>

#include "tracer/capture_stream.h"
#include "tracer/netem_facts.h"

namespace netlab::tracer {
namespace {

NetemHop hop(const std::string& netns, const std::string& device, bool guest_side, const std::string& loss,
             uint32_t before, uint32_t after) {
  NetemHop n;
  n.netns = netns;
  n.device = device;
  n.friendly = "web:eth0";
  n.guest_side = guest_side;
  EXPECT_TRUE(model::set_impair_parameter(&n.impairment, "delay", "50ms"));
  EXPECT_TRUE(model::set_impair_parameter(&n.impairment, "loss", loss));
  n.drops_before = before;
  n.drops_after = after;
  return n;
}

Hop seen(int index, const std::string& netns, const std::string& device, HopRole role, uint64_t t_ns) {
  Hop h;
  h.index = index;
  h.netns = netns;
  h.device = device;
  h.role = role;
  h.t_ns = t_ns;
  h.record = index;
  return h;
}

TEST(Netem, HeldTimeOnEachImpairedHop) {
  std::vector<NetemHop> hops{hop("lab-web", "eth0", true, "0%", 0, 0), hop("lab-host", "lab-web-0", false, "0%", 0, 0)};
  TracedPacket request;
  request.hops = {seen(1, "lab-web", "eth0", HopRole::guest_nic, 1'050'000'000),
                  seen(2, "lab-host", "lab-web-0", HopRole::veth, 1'050'010'000)};
  TracedPacket reply;
  reply.leg = model::Leg::reply;
  reply.hops = {seen(1, "lab-host", "lab-default", HopRole::bridge, 2'000'000'000),
                seen(2, "lab-host", "lab-web-0", HopRole::veth, 2'050'200'000),
                seen(3, "lab-web", "eth0", HopRole::guest_nic, 2'050'210'000)};
  std::vector<TracedPacket> packets{request, reply};
  annotate_netem(hops, 1'000'000'000, &packets);
  ASSERT_EQ(packets[0].hops[0].notes.size(), 1u);
  EXPECT_EQ(packets[0].hops[0].notes[0], "netem delay 50ms on web:eth0 (lab-web/eth0, from the guest): held 50.0 ms");
  ASSERT_EQ(packets[1].hops[1].notes.size(), 1u);
  EXPECT_EQ(packets[1].hops[1].notes[0],
            "netem delay 50ms on web:eth0 (lab-host/lab-web-0, toward the guest): held 50.2 ms");
  EXPECT_TRUE(packets[1].hops[0].notes.empty());
}

TEST(Netem, ADropIsNetemsWhenItsCounterMovedOnThatSide) {
  std::vector<NetemHop> hops{hop("lab-web", "eth0", true, "100%", 3, 4), hop("lab-host", "lab-web-0", false, "100%", 7, 7)};
  TracedPacket unsent;
  unsent.summary = "icmp probe 10.0.0.11 → 198.51.100.1 (not seen on any device)";
  unsent.hops = {seen(1, "lab-web", "eth0", HopRole::guest_nic, 0)};
  unsent.hops[0].record = -1;
  unsent.dropped = true;
  unsent.drop_cause = "no ARP reply: lab-web: 10.0.0.1 on eth0 FAILED";
  std::vector<TracedPacket> packets{unsent};
  annotate_netem(hops, 0, &packets);
  EXPECT_EQ(packets[0].drop_cause.rfind("dropped by the netem loss on web:eth0 (delay 50ms loss 100% on lab-web/eth0: "
                                        "its drop counter went from 3 to 4 during the probe)", 0),
            0u)
      << packets[0].drop_cause;
  // The reply side's counter did not move: a lost reply keeps its own cause.
  TracedPacket reply;
  reply.leg = model::Leg::reply;
  reply.dropped = true;
  reply.drop_cause = "the reply went no further than lab-host/lab-default";
  std::vector<TracedPacket> replies{reply};
  annotate_netem(hops, 0, &replies);
  EXPECT_EQ(replies[0].drop_cause, "the reply went no further than lab-host/lab-default");
}

TEST(CaptureStream, InterfacesNamedByLabGuestAndNic) {
  model::HopMap map;
  map.lab = "nat";
  model::NicPath nic;
  nic.guest = "g1";
  nic.nic = "eth0";
  nic.network = "default";
  nic.mode = model::NetworkMode::isolated;
  nic.mac = "52:54:00:00:00:10";
  nic.hops = {{HopRole::guest_nic, "nat-g1", "eth0"},
              {HopRole::veth, "nat-host", "nat-g1-0", "g1:eth0"},
              {HopRole::bridge, "nat-host", "nat-default", "network default"}};
  map.nics.push_back(nic);
  auto got = stream_interfaces(map, "nat", "g1", "", {CaptureWhere::guest, CaptureWhere::host, CaptureWhere::bridge});
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].name, "nat/g1:eth0");
  EXPECT_EQ((*got)[1].name, "nat/g1:eth0/veth");
  EXPECT_EQ((*got)[1].description, "nat-host/nat-g1-0 (veth)");
  EXPECT_TRUE((*got)[2].target.promisc);
  auto uplink = stream_interfaces(map, "nat", "g1", "", {CaptureWhere::uplink});
  ASSERT_FALSE(uplink.ok());
  EXPECT_TRUE(uplink.error().bad_input);
  EXPECT_FALSE(stream_interfaces(map, "nat", "g2", "", {CaptureWhere::guest}).ok());
  EXPECT_FALSE(stream_interfaces(map, "nat", "g1", "eth1", {CaptureWhere::guest}).ok());
}

}  // namespace
}  // namespace netlab::tracer
