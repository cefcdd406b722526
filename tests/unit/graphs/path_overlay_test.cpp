// Overlaying a traced path on a lab diagram: hop placement through the match
// keys, numbering along edges, the reply colour, rewrites at the NAT point, the
// drop marker; and the TracedPath JSON form.
#include "graphs/path_overlay.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "graphs/lab_graph.h"
#include "graphs/render.h"
#include "tests/unit/graphs/sample_labs.h"

namespace netlab::graphs {
namespace {

/// A hop written as in the JSON form: role by name, direction "out" (request) or "back" (reply).
TracedHop hop(int index, const char* role, const char* netns, const char* device, const char* direction = "out") {
  TracedHop h;
  h.index = index;
  h.role = model::from_name<model::HopRole>(role).value();
  h.netns = netns;
  h.device = device;
  h.leg = std::string(direction) == "back" ? model::Leg::reply : model::Leg::request;
  return h;
}

/// g1 of the nat lab pings the outside and gets its reply (12 hops, NAT both ways).
TracedPath nat_round_trip() {
  TracedPath p;
  p.lab = "nat";
  p.guest = "g1";
  p.nic = "eth0";
  p.network = "default";
  p.summary = "icmp 192.168.122.10 → 198.51.100.1";
  p.hops = {hop(1, "guest-nic", "nat-g1", "eth0"),        hop(2, "veth", "nat-host", "nat-g1-0"),
            hop(3, "bridge", "nat-host", "nat-default"),   hop(4, "nat", "nat-host", ""),
            hop(5, "uplink", "nat-host", "eth0"),          hop(6, "upstream", "nat-wan", "wan0"),
            hop(7, "upstream", "nat-wan", "wan0", "back"), hop(8, "uplink", "nat-host", "eth0", "back"),
            hop(9, "nat", "nat-host", "", "back"),         hop(10, "bridge", "nat-host", "nat-default", "back"),
            hop(11, "veth", "nat-host", "nat-g1-0", "back"), hop(12, "guest-nic", "nat-g1", "eth0", "back")};
  p.hops[3].change = "src 192.168.122.10 → 203.0.113.2";
  p.hops[8].change = "dst 203.0.113.2 → 192.168.122.10";
  return p;
}

Diagram nat_diagram() {
  LiveData live;
  live.sandbox = true;
  return build_lab_diagram(testing::nat_lab(), live);
}

std::vector<const Edge*> overlay_edges(const Diagram& d) {
  std::vector<const Edge*> out;
  for (const auto& e : d.edges)
    if (e.attrs.count("constraint") && e.attrs.at("constraint") == "false") out.push_back(&e);
  return out;
}

TEST(PathOverlay, PlacesEveryHopOfTheNatRoundTrip) {
  Diagram d = nat_diagram();
  TracedPath p = nat_round_trip();
  std::vector<Place> expected = {{"n_guest_g1", "nic0"}, {"n_port_g1_0", ""}, {"n_bridge_default", ""},
                                 {"n_nat_default", ""},  {"n_nic_eth0", ""},  {"n_wan", ""}};
  for (size_t i = 0; i < 6; ++i) {
    auto place = place_hop(d, p, i);
    ASSERT_TRUE(place.has_value()) << "hop " << i + 1;
    EXPECT_EQ(*place, expected[i]) << "hop " << i + 1;
    auto back = place_hop(d, p, 11 - i);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, expected[i]) << "hop " << 12 - i;
  }
}

TEST(PathOverlay, NumbersHopsAlongEdgesWithReplyColour) {
  PathDiagram pd = overlay_path(nat_diagram(), nat_round_trip());
  EXPECT_TRUE(pd.unplaced.empty());
  auto edges = overlay_edges(pd.diagram);
  // 12 hops, hops 6 and 7 on the same node: 10 overlay edges.
  ASSERT_EQ(edges.size(), 10u);
  EXPECT_EQ(edges[0]->from, "n_guest_g1");
  EXPECT_EQ(edges[0]->from_port, "nic0");
  EXPECT_EQ(edges[0]->to, "n_port_g1_0");
  EXPECT_EQ(edges[0]->label, "②");
  EXPECT_EQ(edges[0]->color, kOutColor);
  EXPECT_EQ(edges[4]->to, "n_wan");
  EXPECT_EQ(edges[4]->label, "⑥");
  EXPECT_EQ(edges[5]->from, "n_wan");
  EXPECT_EQ(edges[5]->to, "n_nic_eth0");
  EXPECT_EQ(edges[5]->label, "⑧");
  EXPECT_EQ(edges[5]->color, kBackColor);
  EXPECT_EQ(edges[9]->to, "n_guest_g1");
  EXPECT_EQ(edges[9]->to_port, "nic0");
  EXPECT_EQ(edges[9]->label, "(12)");
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(edges[i]->color, kOutColor);
  for (size_t i = 5; i < 10; ++i) EXPECT_EQ(edges[i]->color, kBackColor);
  EXPECT_EQ(pd.diagram.title, "traced path: icmp 192.168.122.10 → 198.51.100.1");
}

TEST(PathOverlay, RewritesAreLabelledAtTheNatPoint) {
  PathDiagram pd = overlay_path(nat_diagram(), nat_round_trip());
  const Node* nat = pd.diagram.find_node("n_nat_default");
  EXPECT_NE(nat->label.find("④ src 192.168.122.10 → 203.0.113.2"), std::string::npos);
  EXPECT_NE(nat->label.find("⑨ dst 203.0.113.2 → 192.168.122.10"), std::string::npos);
  EXPECT_NE(pd.diagram.find_node("n_guest_g1")->label.find("① start"), std::string::npos);
  EXPECT_NE(pd.diagram.find_node("n_wan")->label.find("⑦ reply starts"), std::string::npos);
  // The lab itself is unchanged underneath.
  Diagram lab = nat_diagram();
  EXPECT_EQ(pd.diagram.edges.size(), lab.edges.size() + 10);
  EXPECT_EQ(pd.diagram.nodes.size(), lab.nodes.size());
}

TEST(PathOverlay, DropIsMarkedWhereItHappened) {
  TracedPath p = nat_round_trip();
  p.hops.resize(4);
  p.hops[3].change.clear();
  p.hops[3].dropped = true;
  p.hops[3].drop_cause = "nft forward chain: policy drop";
  PathDiagram pd = overlay_path(nat_diagram(), p);
  const Node* drop = pd.diagram.find_node("n_drop");
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->shape, "octagon");
  EXPECT_EQ(drop->label, "✖ dropped at nat\nnft forward chain: policy drop");
  EXPECT_EQ(drop->cluster, "cluster_net_default");
  EXPECT_EQ(pd.diagram.find_node("n_nat_default")->color, kDropColor);
  bool linked = false;
  for (const auto& e : pd.diagram.edges)
    linked = linked || (e.from == "n_nat_default" && e.to == "n_drop" && e.attrs.at("arrowhead") == "tee" &&
                        e.label == "④");
  EXPECT_TRUE(linked);
  auto svg = render(pd.diagram, Format::svg, Engine::dot);
  ASSERT_TRUE(svg.ok()) << svg.error().message;
  EXPECT_NE(svg->find("nft forward chain: policy drop"), std::string::npos);
}

TEST(PathOverlay, UnknownDevicesAreReportedNotDrawn) {
  TracedPath p = nat_round_trip();
  p.hops.resize(3);
  p.hops[1].device = "not-in-lab";
  PathDiagram pd = overlay_path(nat_diagram(), p);
  EXPECT_EQ(pd.unplaced, std::vector<int>{2});
  auto edges = overlay_edges(pd.diagram);
  ASSERT_EQ(edges.size(), 1u);  // guest -> bridge, skipping the unknown hop
  EXPECT_EQ(edges[0]->to, "n_bridge_default");
  EXPECT_EQ(edges[0]->label, "③");
}

TEST(PathOverlay, RoutePointPlacedByItsBridgeInAMixedLab) {
  Diagram d = build_lab_diagram(testing::mixed_lab());
  TracedPath p;
  p.guest = "web";
  p.hops = {hop(1, "guest-nic", "mix-web", "eth0"), hop(2, "veth", "", "mix-web-0"), hop(3, "bridge", "", "mix-dmz"),
            hop(4, "route", "", ""), hop(5, "uplink", "", "enp1s0")};
  auto route = place_hop(d, p, 3);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->node, "n_route_dmz");
  p.hops[3].role = model::HopRole::nat;
  p.hops[2].device = "mix-outside";
  EXPECT_EQ(place_hop(d, p, 3)->node, "n_nat_outside");
}

TEST(PathOverlay, OverlayIsDeterministic) {
  EXPECT_EQ(overlay_path(nat_diagram(), nat_round_trip()).diagram,
            overlay_path(nat_diagram(), nat_round_trip()).diagram);
}

TEST(TracedPathJson, RoundTripsAndReadsTheExample) {
  TracedPath p = nat_round_trip();
  p.hops[5].time_us = 41;
  auto back = traced_path_from_json(traced_path_to_json(p));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);

  std::ifstream in(std::string(NETLAB_SOURCE_DIR) + "/graphs/examples/nat-trace.json");
  std::stringstream text;
  text << in.rdbuf();
  auto example = traced_path_from_json(text.str());
  ASSERT_TRUE(example.ok()) << example.error().message;
  EXPECT_EQ(example->hops.size(), 12u);
  EXPECT_EQ(example->drop(), nullptr);
  EXPECT_EQ(example->hops[3].change, "src 192.168.122.10 → 203.0.113.2");
}

TEST(TracedPathJson, Errors) {
  EXPECT_FALSE(traced_path_from_json("{").ok());
  EXPECT_FALSE(traced_path_from_json("[]").ok());
  EXPECT_EQ(traced_path_from_json(R"({"lab": "x"})").error().message, "traced path: 'hops' must be an array");
  EXPECT_EQ(traced_path_from_json(R"({"hops": [{"role": "veth", "direction": "sideways"}]})").error().message,
            "traced path: hop 1: 'direction' must be \"out\" or \"back\", not \"sideways\"");
  EXPECT_EQ(traced_path_from_json(R"({"hops": [{"role": "veth", "dropped": "yes"}]})").error().message,
            "traced path: hop 1: 'dropped' has the wrong type");
  EXPECT_EQ(traced_path_from_json(R"({"hops": [{"device": "x"}]})").error().message,
            "traced path: hop 1: 'role' is missing");
  EXPECT_EQ(traced_path_from_json(R"({"hops": [{"role": "vxlan"}]})").error().message,
            "traced path: hop 1: 'role' \"vxlan\" is not a hop map role");
}

}  // namespace
}  // namespace netlab::graphs
