// `netlab trace`: follow packets hop by hop through a lab.
//   netlab trace --offline DIR [--json] [--pcap F.pcapng]
// correlates a saved capture set (DIR/hopmap.json + DIR/<netns>__<device>.pcap,
// see docs/tracer.md). The live form `netlab trace LAB --from G --to ADDR` will
// add its own options and a run_live() beside run_offline(); parsing, the
// choice of mode and the printing stay here, the work is in tracer/.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "netlab/cli/commands.h"
#include "tracer/capture_set.h"
#include "tracer/label.h"
#include "tracer/output_json.h"
#include "tracer/output_text.h"
#include "tracer/pcapng_writer.h"

namespace netlab::cli {
namespace {

struct TraceOptions {
  std::string offline_dir;  // --offline DIR
  bool json = false;        // --json
  std::string pcap;         // --pcap F.pcapng
};

/// Prints the traced packets in the chosen format and writes the pcapng when asked.
int print_result(const TraceOptions& opt, const tracer::CaptureSet& set,
                 const std::vector<tracer::TracedPacket>& packets) {
  if (!opt.pcap.empty()) {
    auto st = tracer::write_trace_pcapng(opt.pcap, packets, set);
    if (!st) {
      fmt::print(stderr, "netlab trace: {}\n", st.error().message);
      return kExitFailed;
    }
  }
  if (opt.json) fmt::print("{}", tracer::format_json(set.hopmap.lab, packets));
  else fmt::print("{}", tracer::format_text(packets));
  return kExitOk;
}

int run_offline(const TraceOptions& opt) {
  auto set = tracer::load_capture_set(opt.offline_dir, !opt.pcap.empty());
  if (!set) {
    fmt::print(stderr, "netlab trace: {}\n", set.error().message);
    return kExitBadInput;
  }
  auto packets = tracer::trace_capture_set(*set);
  return print_result(opt, *set, packets);
}

}  // namespace

void add_trace(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("trace", "Follow packets hop by hop: guest NIC, tap/veth, bridge, NAT, uplink");
  auto opt = std::make_shared<TraceOptions>();
  cmd->add_option("--offline", opt->offline_dir,
                  "correlate a saved capture set: DIR/hopmap.json + DIR/<netns>__<device>.pcap files")
      ->required();
  cmd->add_flag("--json", opt->json, "print the result as JSON (schema in docs/tracer.md)");
  cmd->add_option("--pcap", opt->pcap, "also write the traced packets to a pcapng, one interface per device");
  cmd->callback([opt, exit_code] { *exit_code = run_offline(*opt); });
}

}  // namespace netlab::cli
