// `netlab import NETWORK.xml... [-o FILE] [--name LAB] [--uplink NIC]`: libvirt
// network XML (as `virsh net-dumpxml` prints it) as one netlab topology
// (netlab/libvirt/import_xml.h). The result is checked like `netlab validate`
// before it is written; without -o it goes to stdout. Malformed or unsupported
// XML exits 2 with FILE:LINE: error: ..., and nothing is written.
#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "netlab/cli/commands.h"
#include "netlab/libvirt/import_xml.h"
#include "netlab/model/diagnostic.h"
#include "netlab/model/file_io.h"
#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

namespace netlab::cli {
namespace {

struct ImportCliOptions {
  std::vector<std::string> files;
  std::string output;
  libvirt::ImportOptions import;
};

void run(const ImportCliOptions& opt, int* exit_code) {
  std::vector<libvirt::ImportedNetwork> networks;
  *exit_code = kExitOk;
  if (auto parser = libvirt::load_xml_parser(); !parser) {  // not the files' fault: exit 1
    fmt::print(stderr, "netlab import: {}\n", parser.error().message);
    *exit_code = kExitFailed;
    return;
  }
  for (const auto& file : opt.files) {
    auto text = model::read_file_bounded(file);  // stops at 16 MiB
    if (!text) {
      fmt::print(stderr, "{}: error: {}\n", file, text.error().message);
      *exit_code = kExitBadInput;
      continue;
    }
    auto net = libvirt::parse_network_xml(*text, file);
    if (!net) {
      fmt::print(stderr, "{}\n", net.error().message);
      *exit_code = kExitBadInput;
      continue;
    }
    networks.push_back(std::move(*net));
  }
  if (*exit_code != kExitOk) return;

  std::string yaml = libvirt::topology_yaml(networks, opt.import);
  // What we write must pass `netlab validate`; if the networks together do not
  // (overlapping subnets, a shared bridge), say so and write nothing.
  std::string label = opt.output.empty() ? "<stdout>" : opt.output;
  auto loaded = model::load_string(yaml, label);
  auto problems = loaded.diagnostics;
  if (loaded.ok()) problems = model::validate(loaded.topology);
  if (!problems.empty()) {
    fmt::print(stderr, "netlab import: the imported topology would not be valid:\n{}{}", model::format_all(problems),
               yaml);
    *exit_code = kExitBadInput;
    return;
  }
  if (opt.output.empty()) {
    fmt::print("{}", yaml);
    return;
  }
  if (auto written = model::write_file(opt.output, yaml); !written) {
    fmt::print(stderr, "netlab import: {}\n", written.error().message);
    *exit_code = written.error().bad_input ? kExitBadInput : kExitFailed;
  }
}

}  // namespace

void add_import(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("import", "Write libvirt network XML files as one topology YAML");
  auto opt = std::make_shared<ImportCliOptions>();
  cmd->add_option("NETWORK.xml", opt->files, "libvirt network XML files (virsh net-dumpxml NAME)")->required();
  cmd->add_option("-o,--output", opt->output, "write the topology to this file (default: stdout)");
  cmd->add_option("--name", opt->import.name, "the lab's name (default: from the first network's name)");
  cmd->add_option("--uplink", opt->import.uplink,
                  "host NIC for bridge-mode networks whose XML names none (default: placeholder eth1, eth2, ...)");
  cmd->callback([opt, exit_code] { run(*opt, exit_code); });
}

}  // namespace netlab::cli
