// `netlab trace`: follow packets hop by hop through a lab.
//   netlab trace LAB [GUEST] [--from GUEST] --to ADDR|GUEST[:NIC] [--proto icmp|tcp:PORT|udp:PORT] [--count N] [--timeout S]
//   netlab trace LAB --from upstream --to UPLINK-ADDR --proto tcp:PORT|udp:PORT [--passive] [--timeout S]
//   netlab trace LAB --passive [--filter BPF] [--duration S]
//   netlab trace --offline DIR
// plus the outputs --json, --pcap F.pcapng, --save DIR, --svg/--png/--dot/--html F.
// Parsing, the choice of mode and the printing stay here; the work is in tracer/.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "netlab/cli/commands.h"
#include "netlab/cli/destination.h"
#include "netlab/cli/topology_input.h"
#include "netlab/cli/trace_figure.h"
#include "netlab/cli/vm_access.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/plan/running_lab.h"
#include "netlab/state/lab_state.h"
#include "tracer/capture_save.h"
#include "tracer/capture_set.h"
#include "tracer/label.h"
#include "tracer/live_trace.h"
#include "tracer/output_json.h"
#include "tracer/output_live.h"
#include "tracer/output_text.h"
#include "tracer/pcap_api.h"
#include "tracer/pcapng_writer.h"

namespace netlab::cli {
namespace {

struct TraceOptions {
  std::string offline_dir;  // --offline DIR
  std::string lab;          // LAB
  std::string from, to;     // --from GUEST --to ADDR|GUEST[:NIC]
  std::string guest;        // GUEST after LAB: the same as --from GUEST
  std::string proto = "icmp";
  std::string payload;      // --payload TEXT
  int count = 1;
  double timeout_s = 1.0;
  bool timeout_given = false;  // --timeout on the command line (a waiting inbound trace has its own default)
  bool passive = false;
  std::string filter;
  double duration_s = 5.0;
  bool json = false;        // --json
  std::string pcap;         // --pcap F.pcapng
  std::string save;         // --save DIR
  FigureFiles figures;
};

int fail(const std::string& message, int code) {
  fmt::print(stderr, "netlab trace: {}\n", message);
  return code;
}

/// Writes the pcapng and the capture set when asked; false after printing an error.
bool write_captures(const TraceOptions& opt, const tracer::CaptureSet& set,
                    const std::vector<tracer::TracedPacket>& packets) {
  if (!opt.pcap.empty()) {
    auto st = tracer::write_trace_pcapng(opt.pcap, packets, set);
    if (!st) {
      fail(st.error().message, kExitFailed);
      return false;
    }
  }
  if (!opt.save.empty()) {
    auto st = tracer::save_capture_set(set, opt.save);
    if (!st) {
      fail(st.error().message, kExitFailed);
      return false;
    }
  }
  return true;
}

int run_offline(const TraceOptions& opt) {
  // libpcap missing is not the directory's fault: exit 1, not 2 as for a bad capture set.
  if (auto pcap = model::load_api<tracer::PcapApi>(); !pcap) return fail(pcap.error().message, kExitFailed);
  auto set = tracer::load_capture_set(opt.offline_dir, !opt.pcap.empty() || !opt.save.empty());
  if (!set) return fail(set.error().message, kExitBadInput);
  auto packets = tracer::trace_capture_set(*set);
  if (!write_captures(opt, *set, packets)) return kExitFailed;
  if (opt.json) fmt::print("{}", tracer::format_json(set->hopmap.lab, packets));
  else fmt::print("{}", tracer::format_text(packets));
  return kExitOk;
}

/// The lab's hop map (plan::lab_hop_map); exit code 2 when there is no such lab.
std::optional<model::HopMap> read_hopmap(const std::string& lab, int* code) {
  auto map = plan::lab_hop_map(lab);
  if (!map) {
    *code = fail(map.error().message, map.error().bad_input ? kExitBadInput : kExitFailed);
    return std::nullopt;
  }
  return std::move(*map);
}

/// Why `dst` cannot be probed and traced hop by hop ("" when it can): a probe is
/// one unicast packet answered by one host; a broadcast, multicast or unspecified
/// address would be "0 sent" or answered by many. `guest_cidr` is the sending NIC's
/// address ("" when unknown), whose subnet broadcast is refused too.
std::string unicast_problem(model::Ipv4 dst, const std::string& guest_cidr) {
  const std::string what = "--to " + dst.str() + " is ";
  if (dst.value == 0xffffffffu) return what + "the broadcast address; trace a single host";
  if (dst.value == 0) return what + "unspecified; trace a single host";
  if ((dst.value >> 28) == 0xe) return what + "a multicast address; trace a single host";
  if ((dst.value >> 28) == 0xf) return what + "in the reserved range 240.0.0.0/4; trace a single host";
  if (auto own = model::Cidr::parse(guest_cidr); own && own->prefix <= 30 && dst == own->broadcast())
    return what + "the broadcast address of the guest's subnet " + own->block().str() + "; trace a single host";
  return "";
}

/// unicast_problem for an IPv6 destination: the unspecified address, multicast
/// (ff00::/8) and link-local addresses (fe80::/10, which need a zone) are refused.
std::string unicast_problem6(const model::Ipv6& dst) {
  const std::string what = "--to " + dst.str() + " is ";
  if (dst == model::Ipv6{}) return what + "unspecified; trace a single host";
  if (dst.bytes[0] == 0xff) return what + "a multicast address; trace a single host";
  if (dst.bytes[0] == 0xfe && (dst.bytes[1] & 0xc0) == 0x80)
    return what + "link-local; trace a global or unique local address (the guest's or the gateway's)";
  return "";
}

/// The forward publishing `spec`'s port on a nat network of `topo` (--from
/// upstream), resolved to its guest's NIC and address; an Inbound with no guest
/// when none publishes it (the trace then names the missing DNAT).
tracer::Inbound inbound_for(const model::Topology& topo, const tracer::ProbeSpec& spec) {
  tracer::Inbound ib;
  const model::L4Proto proto = spec.proto == tracer::ProbeProto::kUdp ? model::L4Proto::udp : model::L4Proto::tcp;
  for (const auto& net : topo.networks) {
    if (!model::traits(net.mode).publishes_ports) continue;
    for (const auto& f : net.forwards) {
      if (f.proto != proto || f.port != spec.port) continue;
      const model::Guest* g = topo.find_guest(f.guest);
      auto ip = g ? model::fixed_address(net, *g) : std::nullopt;
      if (!ip) continue;
      for (size_t i = 0; i < g->nics.size(); ++i)
        if (g->nics[i].network == net.name) {
          ib.guest = g->name;
          ib.nic = model::guest_nic_name(g->nics[i], i);
          break;
        }
      ib.guest_ip = *ip;
      ib.to_port = static_cast<uint16_t>(f.to_port);
      return ib;
    }
  }
  return ib;
}

/// How long a waiting inbound trace waits for the request without --timeout:
/// long enough to connect from another machine by hand.
constexpr double kInboundWaitDefaultS = 60;

/// `--from upstream` (when no guest has that name): the probe goes in from the
/// sandbox's upstream, or, on a real host (which has no upstream to send from)
/// and with --passive, the next request from outside is waited for and followed in.
int run_inbound(const TraceOptions& opt, const tracer::ProbeSpec& spec, model::Ipv4 dst, const model::HopMap& map) {
  if (spec.proto == tracer::ProbeProto::kIcmp)
    return fail("--from upstream traces a published port: give --proto tcp:PORT or udp:PORT", kExitBadInput);
  auto topo = plan::lab_topology(opt.lab);
  if (!topo) return fail(topo.error().message, topo.error().bad_input ? kExitBadInput : kExitFailed);
  tracer::LiveRequest req;
  req.lab = opt.lab;
  req.hopmap = map;
  req.dst = dst;
  req.spec = spec;
  req.keep_frames = !opt.pcap.empty() || !opt.save.empty();
  req.inbound = inbound_for(*topo, spec);
  req.wait_inbound = tracer::inbound_waits(map, *req.inbound, opt.passive);
  const double wait_s = req.wait_inbound && !opt.timeout_given ? kInboundWaitDefaultS : opt.timeout_s;
  if (!req.wait_inbound && opt.timeout_s > 30) return fail("--timeout must be in (0, 30] seconds", kExitBadInput);
  if (req.wait_inbound && !spec.payload.empty())
    return fail("--payload: netlab sends nothing when it waits for a request from outside", kExitBadInput);
  req.timeout_ms = static_cast<int>(wait_s * 1000);
  const std::string l4 = spec.proto == tracer::ProbeProto::kUdp ? "udp" : "tcp";
  req.on_capturing = [&](size_t devices) {
    fmt::print(stderr, "netlab trace: {}waiting up to {} s for the next {} request to {}:{} (capturing on {} devices of "
               "lab {}): connect to it from {} now\n",
               opt.passive ? "" : "this host has no upstream to send from, so ", wait_s, l4, dst.str(), spec.port,
               devices, opt.lab, opt.passive ? "outside" : "another machine");
    std::fflush(stderr);
  };
  auto res = tracer::trace_live(req);
  if (!res) return fail(res.error().message, kExitFailed);
  if (!write_captures(opt, res->set, res->packets)) return kExitFailed;
  if (opt.figures.any()) {  // drawn over the path of the guest the forward leads to
    auto path = to_graph_path(opt.lab, res->nic.guest, res->nic, res->packets);
    std::string command = fmt::format("netlab trace {} --from upstream --to {} --proto {}", opt.lab, opt.to, opt.proto);
    auto st = write_trace_figures(opt.lab, path, *res, command, opt.figures);
    if (!st) return fail(st.error().message, kExitFailed);
  }
  if (opt.json) fmt::print("{}\n", tracer::live_to_json(opt.lab, "upstream", dst, spec, *res).dump(2));
  else fmt::print("{}{}", tracer::format_live_header(opt.lab, "upstream", dst, spec, *res),
                  tracer::format_text(res->packets));
  return kExitOk;
}

int run_passive(const TraceOptions& opt) {
  if (!(opt.duration_s > 0 && opt.duration_s <= 3600))  // NaN fails too
    return fail("--duration must be in (0, 3600] seconds", kExitBadInput);
  int code = kExitOk;
  auto map = read_hopmap(opt.lab, &code);
  if (!map) return code;
  tracer::PassiveRequest req;
  req.lab = opt.lab;
  req.hopmap = *map;
  req.filter = opt.filter;
  req.duration_ms = static_cast<int>(opt.duration_s * 1000);
  req.keep_frames = !opt.pcap.empty() || !opt.save.empty();
  req.on_capturing = [&](size_t devices) {
    fmt::print(stderr, "netlab trace: capturing on {} devices of lab {} for {} s{}\n", devices, opt.lab, opt.duration_s,
               opt.filter.empty() ? "" : " (filter: " + opt.filter + ")");
    std::fflush(stderr);
  };
  auto res = tracer::trace_passive(req);
  if (!res) return fail(res.error().message, res.error().message.find("filter") != std::string::npos ? kExitBadInput : kExitFailed);
  if (!write_captures(opt, res->set, res->packets)) return kExitFailed;
  if (opt.json) fmt::print("{}", tracer::format_json(opt.lab, res->packets));
  else fmt::print("{}", tracer::format_text(res->packets));
  return kExitOk;
}

int run_live(const TraceOptions& given) {
  TraceOptions opt = given;
  if (opt.from.empty() || opt.to.empty()) return fail("a live trace needs --from GUEST and --to ADDR", kExitBadInput);
  auto spec = tracer::parse_probe_proto(opt.proto);
  if (!spec) return fail(spec.error().message, kExitBadInput);
  if (opt.count < 1 || opt.count > 100) return fail("--count must be 1..100", kExitBadInput);
  // Written so that NaN fails too (every comparison with NaN is false). From
  // upstream it may be the wait for a request from outside (run_inbound).
  if (opt.from == "upstream" ? !(opt.timeout_s > 0 && opt.timeout_s <= 3600) : !(opt.timeout_s > 0 && opt.timeout_s <= 30))
    return fail(opt.from == "upstream" ? "--timeout must be in (0, 3600] seconds" : "--timeout must be in (0, 30] seconds",
                kExitBadInput);
  spec->count = opt.count;
  if (!opt.payload.empty()) {
    if (spec->proto == tracer::ProbeProto::kIcmp) return fail("--payload needs --proto tcp:PORT or udp:PORT", kExitBadInput);
    if (opt.payload.size() > 1400) return fail("--payload is at most 1400 bytes", kExitBadInput);
    spec->payload = opt.payload;
  }
  int code = kExitOk;
  auto map = read_hopmap(opt.lab, &code);
  if (!map) return code;
  auto resolved = resolve_destination(opt.lab, *map, opt.from, opt.to);  // --to g2: g2's address
  if (!resolved) return fail(resolved.error().message, kExitBadInput);
  opt.to = *resolved;
  auto dst = model::Ipv4::parse(opt.to);
  auto dst6 = dst ? std::nullopt : model::Ipv6::parse(opt.to);
  if (dst6) {
    if (auto problem = unicast_problem6(*dst6); !problem.empty()) return fail(problem, kExitBadInput);
    dst = model::Ipv4{};  // unused: the request carries dst6
  }
  if (opt.from == "upstream" && tracer::nic_of(*map, opt.from) == nullptr) {
    if (dst6) return fail("--from upstream traces a port published on the uplink's IPv4 address", kExitBadInput);
    return run_inbound(opt, *spec, *dst, *map);
  }
  if (opt.passive) return run_passive(opt);  // a guest named upstream: --passive as for any other
  const model::NicPath* from_nic = tracer::nic_of(*map, opt.from);
  if (from_nic == nullptr) return fail("lab " + opt.lab + " has no guest " + opt.from, kExitBadInput);
  if (auto problem = dst6 ? "" : unicast_problem(*dst, from_nic->address); !problem.empty())
    return fail(problem, kExitBadInput);
  tracer::LiveRequest req;
  req.lab = opt.lab;
  req.hopmap = *map;
  req.guest = opt.from;
  req.dst = *dst;
  req.dst6 = dst6;
  req.spec = *spec;
  req.timeout_ms = static_cast<int>(opt.timeout_s * 1000);
  req.keep_frames = !opt.pcap.empty() || !opt.save.empty();
  req.vm = vm_access(opt.lab, opt.from);  // a VM sends the probe from inside
  auto res = tracer::trace_live(req);
  if (!res) return fail(res.error().message, res.error().bad_input ? kExitBadInput : kExitFailed);
  if (!write_captures(opt, res->set, res->packets)) return kExitFailed;
  if (opt.figures.any()) {
    auto path = to_graph_path(opt.lab, opt.from, res->nic, res->packets);
    std::string command = fmt::format("netlab trace {} --from {} --to {} --proto {} --count {}", opt.lab, opt.from,
                                      opt.to, opt.proto, opt.count);
    auto st = write_trace_figures(opt.lab, path, *res, command, opt.figures);
    if (!st) return fail(st.error().message, kExitFailed);
  }
  if (opt.json) {
    fmt::print("{}\n", tracer::live_to_json(opt.lab, opt.from, *dst, *spec, *res).dump(2));
  } else {
    fmt::print("{}{}{}", tracer::format_live_header(opt.lab, opt.from, *dst, *spec, *res),
               tracer::format_text(res->packets),
               res->logical ? "\n" + tracer::format_logical_view(*res->logical) : std::string());
  }
  return kExitOk;
}

int run(const TraceOptions& opt) {
  if (!opt.offline_dir.empty()) {
    if (!opt.lab.empty()) return fail("give either LAB or --offline DIR, not both", kExitBadInput);
    return run_offline(opt);
  }
  if (opt.lab.empty()) return fail("give a LAB to trace in, or --offline DIR", kExitBadInput);
  if (!opt.guest.empty()) {  // `trace LAB GUEST --to ...`, as `doctor LAB GUEST`
    if (!opt.from.empty() && opt.from != opt.guest)
      return fail("the sender is given twice: GUEST " + opt.guest + " and --from " + opt.from, kExitBadInput);
    TraceOptions from_guest = opt;
    from_guest.from = opt.guest;
    from_guest.guest.clear();
    return run(from_guest);
  }
  if (opt.passive && opt.from != "upstream") return run_passive(opt);
  return run_live(opt);  // --from upstream --passive: the inbound trace that waits (run_inbound)
}

}  // namespace

void add_trace(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("trace", "Follow packets hop by hop: guest NIC, tap/veth, bridge, NAT, uplink");
  auto opt = std::make_shared<TraceOptions>();
  cmd->add_option("LAB", opt->lab, "the running lab to trace in")->check(lab_name_check());
  cmd->add_option("GUEST", opt->guest, "the guest that sends the probe (the same as --from GUEST)");
  cmd->add_option("--from", opt->from,
                  "the guest that sends the probe; 'upstream': the sandbox's upstream, to a port published on the "
                  "uplink (on a real host: a request from outside, waited for)");
  cmd->add_option("--to", opt->to,
                  "where the probe goes: an IPv4 or IPv6 address, or a guest of the lab (GUEST or GUEST:NIC: its "
                  "address on a network shared with the sender, else its first)");
  cmd->add_option("--proto", opt->proto, "icmp (default), tcp:PORT or udp:PORT");
  cmd->add_option("--payload", opt->payload,
                  "tcp: data sent once connected (its answer is awaited); udp: the datagram (udp:53: the name queried)");
  cmd->add_option("--count", opt->count, "number of probes (default 1)");
  auto* timeout = cmd->add_option("--timeout", opt->timeout_s,
                                  "seconds to wait for each probe's answer (default 1); --from upstream waiting for a "
                                  "request from outside: for that request (default 60)");
  cmd->add_flag("--passive", opt->passive,
                "trace real traffic instead of sending a probe; with --from upstream: the next request from outside "
                "to the published port");
  cmd->add_option("--filter", opt->filter, "--passive: BPF filter (pcap-filter syntax) for the traffic to trace");
  cmd->add_option("--duration", opt->duration_s, "--passive: seconds to capture (default 5)");
  cmd->add_option("--offline", opt->offline_dir,
                  "correlate a saved capture set: DIR/hopmap.json + DIR/<netns>__<device>.pcap files");
  cmd->add_flag("--json", opt->json, "print the result as JSON (schema in docs/tracer.md)");
  cmd->add_option("--pcap", opt->pcap, "also write the traced packets to a pcapng, one interface per device");
  cmd->add_option("--save", opt->save, "also save the per-device captures and hopmap.json (offline format)");
  cmd->add_option("--svg", opt->figures.svg, "draw the traced path on the lab diagram (SVG)");
  cmd->add_option("--png", opt->figures.png, "the same as PNG");
  cmd->add_option("--dot", opt->figures.dot, "the same as Graphviz DOT");
  cmd->add_option("--html", opt->figures.html, "a self-contained HTML report: figure, hops, conntrack, rule trace");
  cmd->callback([opt, exit_code, timeout] {
    opt->timeout_given = timeout->count() > 0;
    *exit_code = run(*opt);
  });
}

}  // namespace netlab::cli
