// `netlab gc`: remove whatever is tagged for a lab whose state is gone or whose
// `up` died half-way.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/plan/lab.h"

namespace netlab::cli {

void add_gc(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("gc", "Remove leftovers of labs whose state is gone or whose `up` crashed");
  cmd->callback([exit_code] {
    auto result = plan::gc();
    if (!result) {
      fmt::print(stderr, "netlab gc: {}\n", result.error().message);
      *exit_code = kExitFailed;
      return;
    }
    if (result->labs.empty()) {
      fmt::print("nothing to collect\n");
      return;
    }
    for (const auto& lab : result->labs) fmt::print("collected lab {}\n", lab);
    for (const auto& line : result->report.removed) fmt::print("  removed {}\n", line);
    for (const auto& problem : result->report.problems) fmt::print(stderr, "  problem: {}\n", problem);
    if (!result->report.problems.empty()) *exit_code = kExitFailed;
  });
}

}  // namespace netlab::cli
