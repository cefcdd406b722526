// `netlab capture LAB GUEST[:NIC] [--where guest|host|bridge|uplink] [-w FILE|-] [FILTER]`:
// streams pcapng until ^C or until its reader goes away, as containerlab's
// capture: `netlab capture nat g1 -w - | wireshark -k -i -`.
#include <fmt/core.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "netlab/cli/commands.h"
#include "netlab/cli/guest_nic.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/running_lab.h"
#include "tracer/capture_stream.h"

namespace netlab::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_stop_signal(int) { g_stop.store(true); }

/// ^C, SIGTERM and SIGHUP end the capture (the file is then put in place); a
/// reader that goes away is a write error (EPIPE), not a signal that kills us.
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

struct CaptureArgs {
  std::string lab, target, where, output = "-";
  std::vector<std::string> filter;
};

void run(const CaptureArgs& args, int* exit_code) {
  auto fail = [&](const std::string& message, bool bad_input) {
    fmt::print(stderr, "netlab capture: {}\n", message);
    *exit_code = bad_input ? kExitBadInput : kExitFailed;
  };
  auto target = parse_guest_nic(args.target);
  if (!target) return fail(target.error().message, true);
  const std::string& guest = target->guest;
  const std::string& nic = target->nic;
  auto map = plan::lab_hop_map(args.lab);
  if (!map) return fail(map.error().message, map.error().bad_input);
  std::vector<tracer::CaptureWhere> where;
  std::string list = args.where;
  if (list.empty()) {  // a light guest's own NIC; a VM's is inside the VM, so its tap
    bool light = false;
    for (const auto& n : map->nics)
      light |= n.guest == guest && !n.hops.empty() && n.hops.front().role == model::HopRole::guest_nic;
    list = light ? "guest" : "host";
  }
  for (size_t start = 0; start <= list.size();) {
    size_t comma = std::min(list.find(',', start), list.size());
    auto w = tracer::parse_capture_where(list.substr(start, comma - start));
    if (!w) return fail("--where '" + list.substr(start, comma - start) + "': expected guest, host, bridge or uplink "
                        "(or several, comma-separated)", true);
    where.push_back(*w);
    start = comma + 1;
  }
  auto interfaces = tracer::stream_interfaces(*map, args.lab, guest, nic, where);
  if (!interfaces) return fail(interfaces.error().message, interfaces.error().bad_input);
  const bool to_stdout = args.output == "-";
  if (to_stdout && ::isatty(STDOUT_FILENO))
    return fail("standard output is a terminal: write to a file (-w FILE) or pipe it into a reader "
                "(netlab capture ... | wireshark -k -i -   or   | tshark -r -)", true);
  std::string filter;
  for (const auto& word : args.filter) filter += (filter.empty() ? "" : " ") + word;
  auto writer = to_stdout ? tracer::PcapngWriter::to_stream(STDOUT_FILENO, "netlab capture")
                          : tracer::PcapngWriter::create(args.output, "netlab capture");
  if (!writer) return fail(writer.error().message, false);
  install_signal_handlers();
  tracer::StreamOptions options;
  options.filter = filter;
  options.stop = &g_stop;
  options.watch_fd = to_stdout ? STDOUT_FILENO : -1;
  options.on_capturing = [&](size_t devices) {
    std::string names;
    for (const auto& i : *interfaces) names += (names.empty() ? "" : ", ") + i.name;
    fmt::print(stderr, "netlab capture: capturing on {} device{} of lab {} ({}); ^C ends\n", devices,
               devices == 1 ? "" : "s", args.lab, names);
  };
  auto result = tracer::stream_capture(*interfaces, options, *writer);
  if (!result) return fail(result.error().message, false);
  Status closed = writer->close();
  if (!closed && !result->reader_gone && !writer->broken_pipe()) return fail(closed.error().message, false);
  uint64_t dropped = 0;
  for (const auto& s : result->stats) dropped += s.dropped;
  fmt::print(stderr, "netlab capture: {} packets{}{}\n", result->packets,
             dropped ? fmt::format(", {} dropped by the kernel for lack of buffer space", dropped) : "",
             result->reader_gone ? " (the reader closed the stream)" : "");
}

}  // namespace

void add_capture(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "capture", "Stream a guest NIC's packets as pcapng (into Wireshark or a file) until ^C");
  auto args = std::make_shared<CaptureArgs>();
  cmd->add_option("LAB", args->lab, "a running lab")->required()->check(lab_name_check());
  cmd->add_option("GUEST[:NIC]", args->target, "the guest, and one of its NICs (default: every NIC)")->required();
  cmd->add_option("FILTER", args->filter, "a capture filter (pcap-filter syntax, as tcpdump's), e.g. icmp or port 53");
  cmd->add_option("--where", args->where,
                  "the hop to capture on: guest (the guest's own NIC; the default), host (its veth or tap), "
                  "bridge, uplink; several comma-separated are merged in time order (default for a VM: host)");
  cmd->add_option("-w", args->output, "the pcapng file to write, or - for standard output (the default)");
  cmd->footer(
      "Each interface is named <lab>/<guest>:<nic> (with /<role> for a hop other than the guest's NIC) and each\n"
      "packet carries a comment naming its hop. Example: netlab capture nat g1 -w - | wireshark -k -i -\n");
  cmd->callback([args, exit_code] { run(*args, exit_code); });
}

}  // namespace netlab::cli
