// `netlab snapshot LAB NAME | --list | --delete NAME` and `netlab restore LAB NAME`:
// every VM of the lab at once (disk and memory, libvirt internal snapshots).
#include <fmt/core.h>

#include <ctime>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/vm_ops.h"

namespace netlab::cli {
namespace {

void print_report(const plan::SnapshotReport& r) {
  for (const auto& d : r.done) fmt::print("  {}\n", d);
  for (const auto& s : r.skipped) fmt::print("  {}\n", s);
}

int fail(const char* cmd, const Error& e) {
  fmt::print(stderr, "netlab {}: {}\n", cmd, e.message);
  return e.bad_input ? kExitBadInput : kExitFailed;
}

struct SnapshotArgs {
  std::string lab, name, remove;
  bool list = false;
};

void run_snapshot(const SnapshotArgs& a, int* exit_code) {
  if (a.list) {
    auto list = plan::list_snapshots(a.lab);
    if (!list) {
      *exit_code = fail("snapshot", list.error());
      return;
    }
    if (list->empty()) fmt::print("lab {} has no snapshots\n", a.lab);
    for (const auto& s : *list) {
      char when[32] = "-";
      std::time_t t = s.created;
      if (s.created) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
      std::string vms;
      for (const auto& v : s.vms) vms += (vms.empty() ? "" : ", ") + v;
      fmt::print("{:<16} {}  {}\n", s.name, when, vms.empty() ? "(no VM holds it)" : vms);
    }
    return;
  }
  const bool deleting = !a.remove.empty();
  if (deleting == !a.name.empty()) {
    fmt::print(stderr, "netlab snapshot: give a NAME, --list or --delete NAME\n");
    *exit_code = kExitBadInput;
    return;
  }
  auto r = deleting ? plan::delete_snapshot(a.lab, a.remove) : plan::snapshot_lab(a.lab, a.name);
  if (!r) {
    *exit_code = fail("snapshot", r.error());
    return;
  }
  fmt::print("{}: snapshot {} {}\n", a.lab, deleting ? a.remove : a.name, deleting ? "deleted" : "taken");
  print_report(*r);
}

}  // namespace

void add_snapshot(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("snapshot", "Snapshot every VM of a lab (disk and memory); --list, --delete NAME");
  auto args = std::make_shared<SnapshotArgs>();
  cmd->add_option("LAB", args->lab, "lab name")->required()->check(lab_name_check());
  cmd->add_option("NAME", args->name, "snapshot name");
  cmd->add_flag("--list", args->list, "list the lab's snapshots");
  cmd->add_option("--delete", args->remove, "delete snapshot NAME");
  cmd->callback([args, exit_code] { run_snapshot(*args, exit_code); });

  auto* restore = app.add_subcommand("restore", "Bring every VM of a lab back to a snapshot (disks and memory)");
  auto lab = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  restore->add_option("LAB", *lab, "lab name")->required()->check(lab_name_check());
  restore->add_option("NAME", *name, "snapshot name")->required();
  restore->callback([lab, name, exit_code] {
    auto r = plan::restore_lab(*lab, *name);
    if (!r) {
      *exit_code = fail("restore", r.error());
      return;
    }
    fmt::print("{}: restored snapshot {}\n", *lab, *name);
    print_report(*r);
  });
}

}  // namespace netlab::cli
