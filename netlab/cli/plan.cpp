// `netlab plan FILE [--sandbox]`: the steps `up` would take now; changes nothing.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/lab.h"

namespace netlab::cli {

void add_plan(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("plan", "Print the steps `up` would take, without changing anything");
  auto file = std::make_shared<std::string>();
  auto sandbox = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "topology YAML file")->required();
  cmd->add_flag("--sandbox", *sandbox, "plan for the sandbox namespaces");
  cmd->callback([file, sandbox, exit_code] {
    auto input = load_valid_topology(*file, exit_code);
    if (!input) return;
    auto steps = plan::plan_up(input->topology, input->path, *sandbox);
    if (!steps) {
      fmt::print(stderr, "netlab plan: {}\n", steps.error().message);
      *exit_code = kExitFailed;
      return;
    }
    if (steps->empty()) {
      fmt::print("{}: nothing to do (the lab matches {})\n", input->topology.name, *file);
      return;
    }
    fmt::print("{}: {} steps\n", input->topology.name, steps->size());
    for (size_t i = 0; i < steps->size(); ++i) fmt::print("{:5}  {}\n", i + 1, plan::describe((*steps)[i]));
  });
}

}  // namespace netlab::cli
