// `netlab doctor LAB [GUEST]`: why a guest cannot reach what it should. Static
// checks of each guest's path plus a probe trace (tracer/doctor.h), each
// network's dnsmasq asked for a DHCP offer (tracer/dhcp_check.h), then one
// plain verdict line per guest and per failing network. Exit 0 when everything
// checked is healthy, 1 when a problem was found, 2 for an unknown lab or guest.
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>

#include "netlab/cli/commands.h"
#include "netlab/cli/destination.h"
#include "netlab/cli/topology_input.h"
#include "netlab/cli/vm_access.h"
#include "netlab/plan/running_lab.h"
#include "netlab/state/lab_state.h"
#include "tracer/dhcp_check.h"
#include "tracer/doctor.h"
#include "tracer/output_text.h"

namespace netlab::cli {
namespace {

struct DoctorOptions {
  std::string lab;
  std::string guest;
  std::string to;  // probe this address instead of the default target
};

int run_doctor(const DoctorOptions& opt) {
  auto read = plan::lab_hop_map(opt.lab);
  if (!read) {
    fmt::print(stderr, "netlab doctor: {}\n", read.error().message);
    return read.error().bad_input ? kExitBadInput : kExitFailed;
  }
  const model::HopMap& map = *read;
  bool sandbox = false;
  if (auto st = state::read_state(opt.lab)) sandbox = st->sandbox;
  std::optional<model::Ipv4> to;
  if (!opt.to.empty()) {
    auto resolved = resolve_destination(opt.lab, map, opt.guest, opt.to);  // --to g2: g2's address
    if (!resolved) {
      fmt::print(stderr, "netlab doctor: {}\n", resolved.error().message);
      return kExitBadInput;
    }
    to = model::Ipv4::parse(*resolved);
    if (!to) {
      fmt::print(stderr, "netlab doctor: --to {}: not an IPv4 address\n", opt.to);
      return kExitBadInput;
    }
  }
  // Every NIC of the guest(s) asked for: a guest with two NICs gets two reports.
  std::vector<const model::NicPath*> nics;
  for (const auto& nic : map.nics)
    if (opt.guest.empty() || nic.guest == opt.guest) nics.push_back(&nic);
  if (nics.empty()) {
    fmt::print(stderr, "netlab doctor: lab {} has no guest named {}\n", opt.lab, opt.guest);
    return kExitBadInput;
  }
  bool healthy = true;
  std::vector<std::string> verdicts;
  for (const model::NicPath* nic : nics) {
    const std::string& g = nic->guest;
    const auto vm = vm_access(opt.lab, g);  // a VM: its domain and tap checked, the probe sent from inside
    auto report = tracer::doctor_nic(opt.lab, map, *nic, to ? *to : tracer::doctor_target(*nic, sandbox),
                                     vm ? &*vm : nullptr);
    if (!report) {
      // One guest that cannot be checked (e.g. a device of its path is gone)
      // does not hide the others nor the networks' checks below.
      fmt::print(stderr, "netlab doctor: {}: {}\n", g, report.error().message);
      healthy = false;
      verdicts.push_back(g + ": PROBLEM: cannot be checked: " + report.error().message);
      continue;
    }
    fmt::print("{} ({} network {}, mode {}):\n", g, nic->nic, nic->network, model::to_string(nic->mode));
    for (const auto& c : report->checks) fmt::print("  [{}] {}: {}\n", tracer::level_name(c.level), c.name, c.detail);
    if (report->probed && !report->healthy) {
      fmt::print("  probe trace to {}:\n", report->target.str());
      std::string hops = tracer::format_text(report->trace.packets);
      size_t start = 0;
      while (start < hops.size()) {
        size_t end = hops.find('\n', start);
        if (end == std::string::npos) end = hops.size();
        if (end > start) fmt::print("    {}\n", hops.substr(start, end - start));
        start = end + 1;
      }
    }
    healthy = healthy && report->healthy;
    verdicts.push_back(report->verdict);
  }
  // Each network's dnsmasq asked for a lease offer: alive is not the same as serving.
  const auto servers = tracer::check_dhcp_servers(opt.lab, map, opt.guest);
  if (!servers.empty()) fmt::print("networks:\n");
  for (const auto& s : servers) {
    fmt::print("  [{}] {}: {}\n", tracer::level_name(s.check.level), s.check.name, s.check.detail);
    if (s.check.level == tracer::Check::Level::kProblem) {
      healthy = false;
      verdicts.push_back("network " + s.network + ": PROBLEM: " + s.check.detail);
    }
  }
  for (const auto& v : verdicts) fmt::print("verdict: {}\n", v);
  return healthy ? kExitOk : kExitFailed;
}

}  // namespace

void add_doctor(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("doctor", "Check why a guest cannot reach what it should: static checks + a probe trace");
  auto opt = std::make_shared<DoctorOptions>();
  cmd->add_option("LAB", opt->lab, "the running lab")->required()->check(lab_name_check());
  cmd->add_option("GUEST", opt->guest, "only this guest (default: every guest)");
  cmd->add_option("--to", opt->to,
                  "probe this IPv4 address or guest of the lab (GUEST[:NIC]) (default: outside the lab: "
                  "198.51.100.1 in the sandbox, the host's default gateway on a real host)");
  cmd->callback([opt, exit_code] { *exit_code = run_doctor(*opt); });
}

}  // namespace netlab::cli
