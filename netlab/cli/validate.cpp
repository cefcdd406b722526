// `netlab validate FILE... [--sandbox]`: exit 0 when every file is valid, else 2 with
// file:line:col messages for all problems of all files.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/target.h"

namespace netlab::cli {

void add_validate(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("validate", "Check topology files; print every problem as file:line:col: error: ...");
  auto files = std::make_shared<std::vector<std::string>>();
  auto sandbox = std::make_shared<bool>(false);
  cmd->add_option("FILE", *files, "topology YAML files")->required();
  cmd->add_flag("--sandbox", *sandbox, "also check the files fit the sandbox (no subnet on its WAN or internet)");
  cmd->callback([files, sandbox, exit_code] {
    *exit_code = kExitOk;
    model::ValidateOptions checks;
    if (*sandbox) checks.taken = plan::sandbox_net::taken_blocks();
    for (const auto& file : *files) {
      int rc = kExitOk;
      auto input = load_valid_topology(file, &rc, checks);
      if (!input) {
        *exit_code = rc;
        continue;
      }
      fmt::print("{}: ok ({} networks, {} guests)\n", file, input->topology.networks.size(),
                 input->topology.guests.size());
    }
  });
}

}  // namespace netlab::cli
