// `netlab validate FILE...`: exit 0 when every file is valid, else 2 with
// file:line:col messages for all problems of all files.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

namespace netlab::cli {

void add_validate(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("validate", "Check topology files; print every problem as file:line:col: error: ...");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILE", *files, "topology YAML files")->required();
  cmd->callback([files, exit_code] {
    bool all_valid = true;
    for (const auto& file : *files) {
      auto loaded = model::load_file(file);
      auto problems = loaded.diagnostics;
      if (loaded.ok()) problems = model::validate(loaded.topology);
      if (problems.empty()) {
        fmt::print("{}: ok ({} networks, {} guests)\n", file, loaded.topology.networks.size(),
                   loaded.topology.guests.size());
      } else {
        all_valid = false;
        fmt::print(stderr, "{}", model::format_all(problems));
      }
    }
    *exit_code = all_valid ? kExitOk : kExitBadInput;
  });
}

}  // namespace netlab::cli
