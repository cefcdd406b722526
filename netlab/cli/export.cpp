// `netlab export LAB|FILE --libvirt [-o DIR]`: the lab as libvirt XML, one
// network document per network and one domain document per kvm guest
// (netlab/libvirt/export_xml.h). FILE is a topology YAML (loaded and validated);
// LAB is a running lab, read from its run directory. Without -o every document
// goes to stdout, each after a "<!-- ==== NAME.xml ==== -->" line; with -o they
// are written as DIR/<name>.network.xml and DIR/<name>.domain.xml.
#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/model/file_io.h"
#include "netlab/plan/vm.h"

namespace netlab::cli {
namespace {

struct ExportOptions {
  std::string source;
  std::string output_dir;
  bool libvirt = false;
};

void run(const ExportOptions& opt, int* exit_code) {
  if (!opt.libvirt) {
    fmt::print(stderr, "netlab export: choose a format: --libvirt\n");
    *exit_code = kExitBadInput;
    return;
  }
  auto loaded = load_lab_or_file(opt.source, "export", exit_code);
  if (!loaded) return;  // messages printed, exit code set
  const model::Topology& topo = loaded->topology;

  // Each domain exactly as `up` defines it on this machine (one function builds both).
  auto docs = libvirt::export_lab(topo, [&](const model::Guest& g) { return plan::domain_runtime_here(topo, g); });
  if (opt.output_dir.empty()) {
    fmt::print("{}", libvirt::join_documents(docs));
    *exit_code = kExitOk;
    return;
  }
  if (auto made = model::make_directory(opt.output_dir, 0755); !made) {
    fmt::print(stderr, "netlab export: {}\n", made.error().message);
    *exit_code = made.error().bad_input ? kExitBadInput : kExitFailed;
    return;
  }
  for (const auto& doc : docs) {
    auto path = std::filesystem::path(opt.output_dir) / doc.file_name;
    if (auto written = model::write_file(path.string(), doc.text); !written) {
      fmt::print(stderr, "netlab export: {}\n", written.error().message);
      *exit_code = written.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    fmt::print("{}\n", path.string());
  }
  *exit_code = kExitOk;
}

}  // namespace

void add_export(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("export", "Write a lab (topology FILE or running LAB) as libvirt network and domain XML");
  auto opt = std::make_shared<ExportOptions>();
  cmd->add_option("LAB|FILE", opt->source, "a topology YAML file, or the name of a running lab")->required();
  cmd->add_flag("--libvirt", opt->libvirt, "libvirt XML (virsh net-define / virsh define)");
  cmd->add_option("-o,--output", opt->output_dir,
                  "write <lab>-<network>.network.xml and <lab>-<guest>.domain.xml into this directory");
  cmd->callback([opt, exit_code] { run(*opt, exit_code); });
}

}  // namespace netlab::cli
