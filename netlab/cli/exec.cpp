// `netlab exec LAB GUEST -- CMD...`: run a command inside a light guest's
// namespace, with this terminal's stdin/stdout/stderr; exits with its status.
#include <fmt/core.h>

#include <chrono>

#include "netlab/cli/commands.h"
#include "netlab/plan/running_lab.h"

namespace netlab::cli {
namespace {

struct ExecArgs {
  std::string lab, guest;
  std::vector<std::string> argv;
};

void run_exec(const ExecArgs& args, int* exit_code) {
  auto status = plan::run_in_guest(args.lab, args.guest, args.argv, std::chrono::hours(24 * 365));
  if (!status) {
    fmt::print(stderr, "netlab exec: {}\n", status.error().message);
    *exit_code = status.error().bad_input ? kExitBadInput : kExitFailed;
    return;
  }
  *exit_code = *status;
}

}  // namespace

void add_exec(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("exec", "Run a command inside a light guest (like `ip netns exec`)");
  auto args = std::make_shared<ExecArgs>();
  cmd->add_option("LAB", args->lab, "lab name")->required();
  cmd->add_option("GUEST", args->guest, "light guest name")->required();
  cmd->add_option("CMD", args->argv, "command and arguments, after --")->required();
  cmd->callback([args, exit_code] { run_exec(*args, exit_code); });
}

}  // namespace netlab::cli
