// `netlab migrate LAB VM --to HOST`: live migration of a VM between the hosts of an OVN lab.
#include <fmt/core.h>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/migrate.h"

namespace netlab::cli {
namespace {

void print_report(const plan::MigrateReport& r) {
  fmt::print("{}: {} migrated live from {} to {} in {:.2f} s (domain {}, memory over {}, disk shared)\n", r.lab, r.vm,
             r.from, r.to, r.migration_seconds, r.domain, r.stream);
  for (const auto& p : r.prepared) fmt::print("  prepared: {}\n", p);
  for (const auto& [port, chassis] : r.bindings)
    fmt::print("  port {} bound on chassis {} ({:.2f} s after the switch-over)\n", port,
               chassis.empty() ? "none" : chassis, r.bound_seconds);
  if (!r.address_before.empty() || !r.address_after.empty())
    fmt::print("  address {} before, {} after{}\n", r.address_before.empty() ? "unknown" : r.address_before,
               r.address_after.empty() ? "unknown" : r.address_after,
               r.address_before == r.address_after ? " (kept)" : " (CHANGED)");
  if (!r.pinger.empty()) {
    const auto& p = r.ping;
    fmt::print("  ping {} -> {} every {} ms during the migration: {} sent, {} answered, {} lost; "
               "downtime {:.0f} ms (longest gap between answers), {} requests lost in a row at most\n",
               r.pinger, r.vm, r.ping_interval_ms, p.sent, p.received, p.sent - p.received,
               static_cast<double>(p.longest_gap.count()) / 1000.0, p.longest_loss_run);
  } else {
    fmt::print("  no ping during the migration: {}\n", r.ping_note);
  }
  for (const auto& c : r.cleaned) fmt::print("  removed on {}: {}\n", r.from, c);
  fmt::print("  {:.2f} s in all\n", r.total_seconds);
  fmt::print("next: netlab status {} | netlab migrate {} {} --to {}\n", r.lab, r.lab, r.vm, r.from);
}

}  // namespace

void add_migrate(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "migrate", "Live-migrate a VM of a lab across hosts (OVN) to another host; its port, lease and address follow it");
  auto lab = std::make_shared<std::string>();
  auto vm = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  cmd->add_option("LAB", *lab, "the running lab")->required();
  cmd->add_option("VM", *vm, "the kvm guest to move")->required();
  cmd->add_option("--to", *to, "the host to move it to (a name under hosts:)")->required();
  cmd->callback([lab, vm, to, exit_code] {
    auto name = lab_name_from_argument(*lab, exit_code);
    if (!name) return;
    plan::MigrateRequest request{*name, *vm, *to, [](const std::string& phase) {
                                   fmt::print(stderr, "netlab migrate: {}\n", phase);
                                 }};
    auto report = plan::migrate(request);
    if (!report) {
      fmt::print(stderr, "netlab migrate: {}\n", report.error().message);
      *exit_code = report.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    print_report(*report);
  });
}

}  // namespace netlab::cli
