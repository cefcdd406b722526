// `netlab graph FILE|LAB [-o out.svg|out.png|out.dot] [--layout dot|neato|fdp] [--sandbox]`:
// the lab as a KVM host sees it, drawn with Graphviz (graphs/). FILE is a
// topology YAML (loaded and validated; bad input exits 2 with the messages);
// LAB is a running lab, read from its run directory with its live DHCP leases.
// Without -o the SVG goes to stdout.
#include <fmt/core.h>

#include <memory>

#include "graphs/lab_graph.h"
#include "graphs/render.h"
#include "netlab/cli/commands.h"
#include "netlab/cli/lab_live_data.h"
#include "netlab/cli/topology_input.h"
#include "netlab/model/file_io.h"

namespace netlab::cli {
namespace {

struct GraphOptions {
  std::string source;
  std::string output;
  std::string layout;
  bool sandbox = false;
};

void run(const GraphOptions& opt, int* exit_code) {
  auto loaded = load_lab_or_file(opt.source, "graph", exit_code);
  if (!loaded) return;  // messages printed, exit code set
  graphs::LiveData live;
  if (loaded->running) live = lab_live_data(*loaded->running, loaded->topology);
  if (opt.sandbox) live.sandbox = true;

  graphs::Format format = graphs::Format::svg;
  if (!opt.output.empty()) {
    auto f = graphs::format_for_path(opt.output);
    if (!f) {
      fmt::print(stderr, "netlab graph: cannot tell the format of '{}': use .svg, .png or .dot\n", opt.output);
      *exit_code = kExitBadInput;
      return;
    }
    format = *f;
  }
  graphs::Diagram diagram = graphs::build_lab_diagram(loaded->topology, live);
  graphs::Engine engine = graphs::default_engine(diagram);
  if (!opt.layout.empty()) engine = *graphs::parse_engine(opt.layout);

  auto rendered = graphs::render(diagram, format, engine);
  if (!rendered) {
    fmt::print(stderr, "netlab graph: {}\n", rendered.error().message);
    *exit_code = kExitFailed;
    return;
  }
  if (opt.output.empty()) {
    fmt::print("{}", *rendered);
  } else {
    if (auto written = model::write_file(opt.output, *rendered); !written) {
      fmt::print(stderr, "netlab graph: {}\n", written.error().message);
      *exit_code = written.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
  }
  *exit_code = kExitOk;
}

}  // namespace

void add_graph(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("graph", "Draw a lab (topology FILE or running LAB) as SVG, PNG or DOT");
  auto opt = std::make_shared<GraphOptions>();
  cmd->add_option("FILE|LAB", opt->source, "a topology YAML file, or the name of a running lab")->required();
  cmd->add_option("-o,--output", opt->output, "write to this file; the format follows its extension (.svg .png .dot)");
  cmd->add_option("--layout", opt->layout, "Graphviz layout engine (default: dot, fdp for very large labs)")
      ->check(CLI::IsMember({"dot", "neato", "fdp"}));
  cmd->add_flag("--sandbox", opt->sandbox, "draw the lab as `up --sandbox` builds it (simulated WAN/LAN outside)");
  cmd->callback([opt, exit_code] { run(*opt, exit_code); });
}

}  // namespace netlab::cli
