// `netlab graph FILE|LAB [-o out.svg|out.png|out.dot] [--layout dot|neato|fdp] [--sandbox]`:
// the lab as a KVM host sees it, drawn with Graphviz (graphs/). FILE is a
// topology YAML (loaded and validated; bad input exits 2 with the messages);
// LAB is a running lab, read from its run directory with its live DHCP leases.
// Without -o the SVG goes to stdout.
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "graphs/lab_graph.h"
#include "graphs/render.h"
#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/lease_file.h"
#include "netlab/model/file_io.h"
#include "netlab/model/loader.h"
#include "netlab/model/validator.h"
#include "netlab/state/lab_state.h"
#include "netlab/state/paths.h"

namespace netlab::cli {
namespace {

struct GraphOptions {
  std::string source;
  std::string output;
  std::string layout;
  bool sandbox = false;
};

/// A topology and what is known live about it, or the exit code and message of why not.
struct Loaded {
  model::Topology topology;
  graphs::LiveData live;
  int exit_code = kExitOk;
  std::string message;
};

Loaded load_checked(model::LoadResult loaded) {
  Loaded out;
  auto problems = loaded.diagnostics;
  if (loaded.ok()) problems = model::validate(loaded.topology);
  if (!problems.empty()) {
    out.exit_code = kExitBadInput;
    out.message = model::format_all(problems);
    return out;
  }
  out.topology = std::move(loaded.topology);
  return out;
}

/// A running lab: the copy of its topology in its run directory, whether it is
/// a sandbox, and the leases its dnsmasq processes recorded.
Loaded load_lab(const std::string& lab) {
  auto text = state::read_lab_file(lab, "topology.yaml");
  if (!text) return Loaded{.exit_code = kExitBadInput, .message = "netlab graph: no lab named '" + lab + "'\n"};
  Loaded out = load_checked(model::load_string(*text, state::lab_dir(lab) + "/topology.yaml"));
  if (out.exit_code != kExitOk) return out;
  if (auto st = state::read_state(lab)) out.live.sandbox = st->sandbox;
  for (const auto& net : out.topology.networks) {
    if (!net.dhcp) continue;
    auto leases = host::read_leases(host::dnsmasq_files(state::lab_dir(lab), net.name).leases);
    if (!leases) continue;  // no lease file yet: addresses stay "dhcp"
    for (const auto& lease : *leases) out.live.leases[lease.mac.str()] = lease.ip.str();
  }
  return out;
}

void run(const GraphOptions& opt, int* exit_code) {
  Loaded loaded;
  if (names_a_file(opt.source)) {
    auto input = load_valid_topology(opt.source, exit_code);
    if (!input) return;  // messages printed, exit code 2
    loaded.topology = std::move(input->topology);
  } else {
    if (!lab_name_from_argument(opt.source, exit_code)) return;  // invalid name: exit 2
    loaded = load_lab(opt.source);
  }
  if (loaded.exit_code != kExitOk) {
    fmt::print(stderr, "{}", loaded.message);
    *exit_code = loaded.exit_code;
    return;
  }
  if (opt.sandbox) loaded.live.sandbox = true;

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
  graphs::Diagram diagram = graphs::build_lab_diagram(loaded.topology, loaded.live);
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
