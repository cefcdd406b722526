// `netlab down LAB|FILE`: remove everything the lab owns, and only that.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/lab.h"

namespace netlab::cli {

void add_down(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("down", "Remove everything a lab owns: namespaces, links, nft table, dnsmasq, run files");
  auto target = std::make_shared<std::string>();
  cmd->add_option("LAB|FILE", *target, "lab name, or the topology file it was built from")->required();
  cmd->callback([target, exit_code] {
    auto lab = lab_name_from_argument(*target, exit_code);
    if (!lab) return;
    auto report = plan::down(*lab);
    if (!report) {
      fmt::print(stderr, "netlab down: {}\n", report.error().message);
      *exit_code = report.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    fmt::print("{}: removed {} objects\n", *lab, report->removed.size());
    for (const auto& problem : report->problems) fmt::print(stderr, "  problem: {}\n", problem);
    if (!report->problems.empty()) *exit_code = kExitFailed;
  });
}

}  // namespace netlab::cli
