// `netlab exec LAB GUEST -- CMD...`: run a command inside a light guest's
// namespace, with this terminal's stdin/stdout/stderr; exits with its status.
#include <fmt/core.h>

#include <chrono>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/host/netns.h"
#include "netlab/host/process.h"
#include "netlab/model/names.h"
#include "netlab/plan/lab.h"

namespace netlab::cli {
namespace {

struct ExecArgs {
  std::string lab, guest;
  std::vector<std::string> argv;
};

void run_exec(const ExecArgs& args, int* exit_code) {
  auto topo = plan::lab_topology(args.lab);
  if (!topo) {
    fmt::print(stderr, "netlab exec: {}\n", topo.error().message);
    *exit_code = kExitBadInput;
    return;
  }
  const model::Guest* guest = topo->find_guest(args.guest);
  if (!guest || guest->kind != model::GuestKind::netns) {
    fmt::print(stderr, "netlab exec: lab '{}' has no light guest named '{}'\n", args.lab, args.guest);
    *exit_code = kExitBadInput;
    return;
  }
  host::SpawnOptions options;
  options.netns = model::guest_namespace(*topo, *guest);
  options.inherit_stdin = true;
  options.new_session = false;  // ^C on this terminal reaches the command
  auto pid = host::spawn(args.argv, options);
  if (!pid) {
    fmt::print(stderr, "netlab exec: {}\n", pid.error().message);
    *exit_code = kExitFailed;
    return;
  }
  auto status = host::wait_exit(*pid, std::chrono::hours(24 * 365));
  *exit_code = status ? *status : kExitFailed;
}

}  // namespace

void add_exec(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("exec", "Run a command inside a light guest (like `ip netns exec`)");
  auto args = std::make_shared<ExecArgs>();
  cmd->add_option("LAB", args->lab, "lab name")->required()->check(lab_name_check());
  cmd->add_option("GUEST", args->guest, "light guest name")->required();
  cmd->add_option("CMD", args->argv, "command and arguments, after --")->required();
  cmd->callback([args, exit_code] { run_exec(*args, exit_code); });
}

}  // namespace netlab::cli
