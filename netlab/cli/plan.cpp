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
  auto force = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "topology YAML file")->required();
  cmd->add_flag("--sandbox", *sandbox, "plan for the sandbox namespaces");
  cmd->add_flag("--force", *force, "plan as `up --force` would (real host)");
  cmd->callback([file, sandbox, force, exit_code] {
    model::ValidateOptions checks;
    if (*sandbox) checks.taken = plan::sandbox_net::taken_blocks();
    auto input = load_valid_topology(*file, exit_code, checks);
    if (!input) return;
    auto planned = plan::plan_up(input->topology, input->path, *sandbox, *force);
    if (!planned) {
      fmt::print(stderr, "netlab plan: {}\n", planned.error().message);
      *exit_code = planned.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    const auto* steps = &planned->steps;
    if (!*sandbox && !planned->uplink.device.empty())
      fmt::print("{}: uplink {} ({})\n", input->topology.name, planned->uplink.device, planned->uplink.how);
    if (steps->empty()) {
      fmt::print("{}: nothing to do (the lab matches {})\n", input->topology.name, *file);
      return;
    }
    fmt::print("{}: {} steps\n", input->topology.name, steps->size());
    for (size_t i = 0; i < steps->size(); ++i) fmt::print("{:5}  {}\n", i + 1, plan::describe((*steps)[i]));
  });
}

}  // namespace netlab::cli
