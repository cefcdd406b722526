// `netlab exec LAB GUEST -- CMD...`: run a command inside a guest and exit with
// its status. A light guest: in its namespace, with this terminal's stdin/stdout/
// stderr. A VM: through its guest agent; the output comes back when it ends.
#include <fmt/core.h>

#include <chrono>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/vm_ops.h"

namespace netlab::cli {
namespace {

struct ExecArgs {
  std::string lab, guest;
  std::vector<std::string> argv;
};

void run_exec(const ExecArgs& args, int* exit_code) {
  if (plan::is_vm(args.lab, args.guest)) {
    auto result = plan::vm_exec(args.lab, args.guest, args.argv, std::chrono::seconds(120));
    if (!result) {
      fmt::print(stderr, "netlab exec: {}\n", result.error().message);
      *exit_code = result.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    fmt::print("{}", result->out);
    fmt::print(stderr, "{}", result->err);
    std::fflush(stdout);
    *exit_code = result->exit_code;
    return;
  }
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
  auto* cmd = app.add_subcommand("exec", "Run a command inside a guest: a light guest's namespace, or a VM through its guest agent");
  auto args = std::make_shared<ExecArgs>();
  cmd->add_option("LAB", args->lab, "lab name")->required()->check(lab_name_check());
  cmd->add_option("GUEST", args->guest, "guest name")->required();
  cmd->add_option("CMD", args->argv, "command and arguments, after --")->required();
  cmd->callback([args, exit_code] { run_exec(*args, exit_code); });
}

}  // namespace netlab::cli
