// Rendering diagrams with Graphviz (cgraph + gvc): SVG is well-formed XML
// (parsed with libxml2) and shows every guest, bridge and address; PNG decodes
// to a non-blank image; DOT is stable; every layout engine works.
#include "graphs/render.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>

#include "graphs/lab_graph.h"
#include "netlab/model/names.h"
#include "tests/unit/graphs/png_check.h"
#include "tests/unit/graphs/sample_labs.h"

namespace netlab::graphs {
namespace {

/// True when `text` parses as XML (no network access, no entity loading).
bool well_formed_xml(const std::string& text, std::string* root_name) {
  xmlDocPtr doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "figure.svg", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return false;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (root && root_name) *root_name = reinterpret_cast<const char*>(root->name);
  xmlFreeDoc(doc);
  return root != nullptr;
}

/// The text as it appears inside SVG: Graphviz writes &, <, > and - as entities.
std::string as_svg_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '-') out += "&#45;";
    else out += c;
  }
  return out;
}

void expect_lab_in_svg(const model::Topology& t, const std::string& svg) {
  for (const auto& g : t.guests) {
    EXPECT_NE(svg.find(">" + g.name + "<"), std::string::npos) << "guest " << g.name;
    for (size_t i = 0; i < g.nics.size(); ++i) {
      const auto& nic = g.nics[i];
      EXPECT_NE(svg.find(nic.mac->str()), std::string::npos) << "mac of " << g.name;
      if (nic.address) { EXPECT_NE(svg.find(nic.address->str()), std::string::npos) << "address of " << g.name; }
      EXPECT_NE(svg.find(as_svg_text(model::host_nic_name(t, g, i))), std::string::npos) << "host device of " << g.name;
    }
  }
  for (const auto& n : t.networks) {
    if (!(n.mode == model::NetworkMode::bridge && n.attach == model::Attach::macvtap)) {
      EXPECT_NE(svg.find(as_svg_text(model::bridge_name(t, n))), std::string::npos) << "bridge of " << n.name;
    }
    if (n.subnet) { EXPECT_NE(svg.find(n.subnet->block().str()), std::string::npos) << "subnet of " << n.name; }
  }
}

TEST(Render, SvgIsWellFormedAndShowsTheLab) {
  LiveData live;
  live.sandbox = true;
  for (const auto& t : {testing::nat_lab(), testing::bridged_lab(), testing::isolated_lab(), testing::mixed_lab()}) {
    auto svg = render(build_lab_diagram(t, live), Format::svg, Engine::dot);
    ASSERT_TRUE(svg.ok()) << svg.error().message;
    std::string root;
    EXPECT_TRUE(well_formed_xml(*svg, &root)) << t.name;
    EXPECT_EQ(root, "svg");
    expect_lab_in_svg(t, *svg);
    // Clusters are drawn as such (Graphviz keeps their ids as titles).
    EXPECT_NE(svg->find("<title>cluster_host</title>"), std::string::npos);
    EXPECT_NE(svg->find("<title>cluster_legend</title>"), std::string::npos);
  }
}

TEST(Render, EveryEngineLaysOutTheLab) {
  for (Engine e : {Engine::dot, Engine::neato, Engine::fdp}) {
    auto svg = render(build_lab_diagram(testing::mixed_lab()), Format::svg, e);
    ASSERT_TRUE(svg.ok()) << to_string(e) << ": " << svg.error().message;
    EXPECT_TRUE(well_formed_xml(*svg, nullptr)) << to_string(e);
    expect_lab_in_svg(testing::mixed_lab(), *svg);
  }
}

TEST(Render, PngIsANonBlankImage) {
  auto png = render(build_lab_diagram(testing::nat_lab()), Format::png, Engine::dot);
  ASSERT_TRUE(png.ok()) << png.error().message;
  auto summary = testing::summarise_png(*png);
  ASSERT_TRUE(summary.ok) << summary.error;
  EXPECT_GT(summary.width, 400u);
  EXPECT_GT(summary.height, 150u);
  EXPECT_GT(summary.non_white, summary.width * summary.height / 50);  // text, boxes, fills
  EXPECT_GT(summary.distinct_colours, 20u);                           // mode colours, antialiasing
}

TEST(Render, DotIsDeterministicAndNamesEveryNode) {
  Diagram d = build_lab_diagram(testing::mixed_lab());
  auto a = render(d, Format::dot, Engine::dot);
  auto b = render(build_lab_diagram(testing::mixed_lab()), Format::dot, Engine::dot);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->rfind("digraph mix {", 0), 0u);
  for (const auto& n : d.nodes) EXPECT_NE(a->find(n.id), std::string::npos) << n.id;
  EXPECT_NE(a->find("subgraph cluster_net_dmz"), std::string::npos);
  EXPECT_NE(a->find("rankdir=LR"), std::string::npos);
  // Clusters in the order the diagram lists them, not in heap-address order.
  EXPECT_LT(a->find("subgraph cluster_host"), a->find("subgraph cluster_net_outside"));
  EXPECT_LT(a->find("subgraph cluster_net_outside"), a->find("subgraph cluster_net_dmz"));
  EXPECT_LT(a->find("subgraph cluster_net_dmz"), a->find("subgraph cluster_net_inner"));
  EXPECT_LT(a->find("subgraph cluster_net_inner"), a->find("subgraph cluster_legend"));
}

TEST(Render, SvgIsDeterministic) {
  auto a = render(build_lab_diagram(testing::nat_lab()), Format::svg, Engine::dot);
  auto b = render(build_lab_diagram(testing::nat_lab()), Format::svg, Engine::dot);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(Render, BrokenDiagramIsAnError) {
  Diagram d;
  d.name = "x";
  d.nodes.push_back(Node{.id = "a"});
  d.edges.push_back(Edge{.from = "a", .to = "missing"});
  auto r = render(d, Format::svg, Engine::dot);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);
  Diagram bad_html;
  bad_html.nodes.push_back(Node{.id = "a", .label = "<TABLE><TR>", .html = true});
  EXPECT_FALSE(render(bad_html, Format::svg, Engine::dot).ok());
}

TEST(Render, FormatAndEngineNames) {
  EXPECT_EQ(format_for_path("out/lab.svg"), Format::svg);
  EXPECT_EQ(format_for_path("lab.png"), Format::png);
  EXPECT_EQ(format_for_path("lab.dot"), Format::dot);
  EXPECT_EQ(format_for_path("lab.jpeg"), std::nullopt);
  EXPECT_EQ(format_for_path("lab"), std::nullopt);
  EXPECT_EQ(parse_engine("neato"), Engine::neato);
  EXPECT_EQ(parse_engine("circo"), std::nullopt);
  Diagram small = build_lab_diagram(testing::nat_lab());
  EXPECT_EQ(default_engine(small), Engine::dot);
  Diagram big;
  big.nodes.resize(kLargeDiagram + 1);
  EXPECT_EQ(default_engine(big), Engine::dot);
}

}  // namespace
}  // namespace netlab::graphs
