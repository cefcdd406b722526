// `netlab impair LAB GUEST[:NIC] --delay 100ms --loss 2% | --clear` and
// `netlab impair LAB --show`: live link impairment (netem) of a running lab.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <memory>

#include "netlab/cli/commands.h"
#include "netlab/cli/guest_nic.h"
#include "netlab/cli/topology_input.h"
#include "netlab/model/impairment.h"
#include "netlab/plan/impair.h"

namespace netlab::cli {
namespace {

struct ImpairArgs {
  std::string lab, target;
  std::map<std::string, std::string> values;  // parameter -> text as given
  bool clear = false, show = false;
};

void print_table(const std::string& lab, const std::vector<plan::DeviceImpairment>& rows) {
  if (rows.empty()) {
    fmt::print("lab {}: no impaired NIC\n", lab);
    return;
  }
  std::vector<std::vector<std::string>> table{{"GUEST", "NIC", "SIDE", "DEVICE", "NETEM", "FILE", "SENT", "DROPPED", "OVERLIMITS"}};
  std::vector<std::string> drift;
  for (const auto& r : rows) {
    const std::string live = r.live ? model::describe(*r.live) : "none";
    table.push_back({r.guest, r.nic, r.side, r.netns.empty() ? r.device : r.netns + "/" + r.device, live,
                     model::describe(r.file), std::to_string(r.sent_packets), std::to_string(r.dropped),
                     std::to_string(r.overlimits)});
    const std::string who = r.guest + ":" + r.nic;
    if (live != model::describe(r.file) && std::find(drift.begin(), drift.end(), who) == drift.end()) drift.push_back(who);
  }
  std::vector<size_t> width(table.front().size(), 0);
  for (const auto& row : table)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : table) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c + 1 < row.size() ? fmt::format("{:<{}} ", row[c], width[c]) : row[c];
    fmt::print("{}\n", line);
  }
  for (const auto& who : drift)
    fmt::print("drift: {} is not as the file says; `netlab up` puts the file's values back\n", who);
}

void run(const ImpairArgs& args, int* exit_code) {
  auto usage = [&](const std::string& message) {
    fmt::print(stderr, "netlab impair: {}\n", message);
    *exit_code = kExitBadInput;
  };
  if (args.show) {
    if (!args.target.empty() || args.clear || !args.values.empty())
      return usage("--show takes only the lab (it lists every impaired NIC)");
    auto rows = plan::impairments(args.lab);
    if (!rows) {
      fmt::print(stderr, "netlab impair: {}\n", rows.error().message);
      *exit_code = rows.error().bad_input ? kExitBadInput : kExitFailed;
      return;
    }
    print_table(args.lab, *rows);
    return;
  }
  if (args.target.empty()) return usage("name the guest (GUEST or GUEST:NIC), or use --show");
  if (args.clear == !args.values.empty())
    return usage(args.clear ? "--clear takes no impairment options" : "give an impairment (--delay, --loss, ...) or --clear");
  plan::ImpairRequest req;
  req.lab = args.lab;
  auto target = parse_guest_nic(args.target);
  if (!target) return usage(target.error().message);
  req.guest = target->guest;
  req.nic = target->nic;
  for (const auto& [key, text] : args.values)
    if (auto st = model::set_impair_parameter(&req.impairment, key, text); !st)
      return usage("--" + key + ": " + st.error().message);
  if (auto problem = model::impairment_problem(req.impairment); !problem.empty()) return usage(problem);
  auto done = plan::impair(req);
  if (!done) {
    fmt::print(stderr, "netlab impair: {}\n", done.error().message);
    *exit_code = done.error().bad_input ? kExitBadInput : kExitFailed;
    return;
  }
  for (const auto& line : *done) fmt::print("{}\n", line);
}

}  // namespace

void add_impair(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "impair", "Change a running lab's link impairment (netem) live, clear it, or --show every impaired NIC with its counters");
  auto args = std::make_shared<ImpairArgs>();
  cmd->add_option("LAB", args->lab, "a running lab")->required()->check(lab_name_check());
  cmd->add_option("GUEST[:NIC]", args->target, "the guest, and one of its NICs (default: every NIC)");
  static const std::pair<const char*, const char*> kOptions[] = {
      {"delay", "added delay, e.g. 100ms"},      {"jitter", "delay variation, e.g. 10ms (needs --delay)"},
      {"loss", "packets dropped, e.g. 2%"},      {"rate", "rate limit, e.g. 10mbit"},
      {"corrupt", "packets corrupted, e.g. 0.1%"}, {"duplicate", "packets duplicated, e.g. 1%"},
      {"reorder", "packets sent early, e.g. 25% (needs --delay)"}};
  for (const auto& [key, help] : kOptions) {
    const std::string name = key;
    cmd->add_option_function<std::string>("--" + name, [args, name](const std::string& v) { args->values[name] = v; },
                                          help);
  }
  cmd->add_flag("--clear", args->clear, "remove the NIC's netem (the file's values come back with `netlab up`)");
  cmd->add_flag("--show", args->show, "list every impaired NIC: netem now, the file's, and the kernel's counters");
  cmd->footer(
      "The options set the NIC's whole impairment (those not given are off), on its host side (toward the guest)\n"
      "and its guest side (from it). The lab's file stays the desired state: `status` shows the change as drift\n"
      "and `up` puts the file's values back.\n");
  cmd->callback([args, exit_code] { run(*args, exit_code); });
}

}  // namespace netlab::cli
