// `netlab up FILE [--sandbox] [--force] [-v]`: build or repair the lab; idempotent.
#include <fmt/core.h>

#include <chrono>
#include <future>

#include "netlab/cli/commands.h"
#include "netlab/cli/progress.h"
#include "netlab/cli/topology_input.h"
#include "netlab/model/bury.h"
#include "netlab/model/names.h"
#include "netlab/plan/lab.h"
#include "netlab/plan/vm_checks.h"

namespace netlab::cli {
namespace {

struct UpArgs {
  std::string file;
  bool sandbox = false;
  bool force = false;
  bool verbose = false;
};

void run_up(const UpArgs& args, int* exit_code) {
  model::ValidateOptions checks;
  if (args.sandbox) checks.taken = plan::sandbox_net::taken_blocks();
  // The running lab is read on the other core while the file loads (lab_reading.h).
  std::future<plan::LabReading> ahead;
  auto input = load_valid_topology(args.file, exit_code, checks, [&ahead](const std::string& text) {
    if (std::string lab = model::guess_lab_name(text); !lab.empty())
      ahead = std::async(std::launch::async, plan::read_lab, lab);
  });
  if (!input) return;
  // KVM guests against this machine: images present and of the stated format, memory that fits.
  if (auto problems = plan::check_vms_here(input->topology); !problems.empty()) {
    fmt::print(stderr, "{}", model::format_all(problems));
    *exit_code = kExitBadInput;
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  plan::UpOptions options{args.sandbox, args.force, terminal_progress()};
  const std::string lab = input->topology.name;
  std::optional<plan::LabReading> read_ahead;
  if (ahead.valid()) read_ahead = ahead.get();
  auto result = plan::up(std::move(input->topology), input->path, input->text, options, std::move(read_ahead));
  end_progress();
  if (!result) {
    fmt::print(stderr, "netlab up {}: {}\n", lab, result.error().message);
    *exit_code = result.error().bad_input ? kExitBadInput : kExitFailed;
    return;
  }
  // Not freed piece by piece just before the process exits (model/bury.h).
  const plan::UpResult& done = model::bury(std::move(*result));
  if (!args.sandbox && !done.uplink.device.empty())
    fmt::print("{}: uplink {} ({})\n", lab, done.uplink.device, done.uplink.how);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (done.steps.empty()) {
    fmt::print("{}: nothing to do (the lab matches {})\n", lab, args.file);
    return;
  }
  if (args.verbose)
    for (const auto& step : done.steps) fmt::print("  {}\n", step);
  fmt::print("{}: {} steps done in {:.2f} s{}\n", lab, done.steps.size(), seconds,
             args.sandbox ? " (sandbox)" : "");
  for (const auto& lease : done.leases)
    fmt::print("  {} {}: {} (DHCP lease)\n", lease.guest, lease.device, lease.address.str());
  fmt::print("next: netlab status {} | netlab exec {} <guest> -- ping -c1 <address> | netlab down {}\n", lab, lab, lab);
}

}  // namespace

void add_up(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("up", "Build the lab of a topology file, or repair it; a second run does nothing");
  auto args = std::make_shared<UpArgs>();
  cmd->add_option("FILE", args->file, "topology YAML file")->required();
  cmd->add_flag("--sandbox", args->sandbox,
                "build inside namespaces of its own: <lab>-host plays the KVM host, <lab>-wan the internet");
  cmd->add_flag("--force", args->force,
                "on a real host: allow enslaving the NIC that holds the default route, or one a network manager "
                "or DHCP client configures");
  cmd->add_flag("-v,--verbose", args->verbose, "print every step taken");
  cmd->callback([args, exit_code] { run_up(*args, exit_code); });
}

}  // namespace netlab::cli
