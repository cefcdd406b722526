// netlab-render-path: draws a traced path (graphs/traced_path.h JSON) over the
// diagram of its lab's topology file, as SVG, PNG, DOT or a self-contained HTML
// report. Used by scripts/render-examples.sh for the example NAT path, and by
// anyone with a path saved as JSON.
//
//   netlab-render-path TOPOLOGY.yaml PATH.json -o out.svg|out.png|out.dot|out.html
//                      [--sandbox] [--layout dot|neato|fdp] [--note TEXT]
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "graphs/html_report.h"
#include "graphs/lab_graph.h"
#include "graphs/path_overlay.h"
#include "graphs/render.h"
#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

namespace {

using namespace netlab;

int run(const std::string& topo_file, const std::string& path_file, const std::string& output, bool sandbox,
        const std::string& layout, const std::string& note) {
  auto loaded = model::load_file(topo_file);
  auto problems = loaded.diagnostics;
  if (loaded.ok()) problems = model::validate(loaded.topology);
  if (!problems.empty()) {
    fmt::print(stderr, "{}", model::format_all(problems));
    return 2;
  }
  std::ifstream in(path_file);
  if (!in) {
    fmt::print(stderr, "netlab-render-path: cannot read {}\n", path_file);
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto path = graphs::traced_path_from_json(text.str());
  if (!path) {
    fmt::print(stderr, "{}: {}\n", path_file, path.error().message);
    return 2;
  }
  graphs::LiveData live;
  live.sandbox = sandbox;
  graphs::PathDiagram overlaid = graphs::overlay_path(graphs::build_lab_diagram(loaded.topology, live), *path);
  for (int index : overlaid.unplaced)
    fmt::print(stderr, "netlab-render-path: hop {} matches nothing in the diagram\n", index);
  graphs::Engine engine = layout.empty() ? graphs::default_engine(overlaid.diagram) : *graphs::parse_engine(layout);

  const bool html = output.size() > 5 && output.substr(output.size() - 5) == ".html";
  auto format = html ? graphs::Format::svg : graphs::format_for_path(output).value_or(graphs::Format::svg);
  auto rendered = graphs::render(overlaid.diagram, format, engine);
  if (!rendered) {
    fmt::print(stderr, "netlab-render-path: {}\n", rendered.error().message);
    return 1;
  }
  std::string content = *rendered;
  if (html) {
    graphs::ReportInput report;
    report.title = "netlab trace: " + path->guest + " — lab " + path->lab;
    report.command = "netlab-render-path " + topo_file + " " + path_file;
    report.svg = *rendered;
    report.path = *path;
    report.note = note;
    content = graphs::html_report(report);
  }
  std::ofstream out(output, std::ios::binary);
  out << content;
  out.close();
  if (!out) {
    fmt::print(stderr, "netlab-render-path: could not write {}\n", output);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Draw a traced path (JSON) over its lab's diagram", "netlab-render-path"};
  std::string topo, path, output, layout, note;
  bool sandbox = false;
  app.add_option("TOPOLOGY", topo, "the lab's topology YAML")->required();
  app.add_option("PATH", path, "the traced path as JSON (graphs/traced_path.h)")->required();
  app.add_option("-o,--output", output, "out.svg | out.png | out.dot | out.html")->required();
  app.add_option("--layout", layout, "dot | neato | fdp")->check(CLI::IsMember({"dot", "neato", "fdp"}));
  app.add_option("--note", note, "a remark shown at the top of an HTML report");
  app.add_flag("--sandbox", sandbox, "the lab runs in a sandbox (draw <lab>-wan / <lab>-lan)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return run(topo, path, output, sandbox, layout, note);
}
