// Probes from inside a VM (see vm_probe.h).
#include "tracer/vm_probe.h"

#include <algorithm>
#include <regex>

namespace netlab::tracer {
namespace {

/// Whole seconds for busybox's -W/-w, at least 1.
std::string seconds(int ms) { return std::to_string(std::max(1, (ms + 999) / 1000)); }

/// The first non-empty line of `text`, without a "ping: "/"nc: " prefix; "" when none.
std::string error_line(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty()) {
      for (const char* prefix : {"ping: ", "nc: "})
        if (line.rfind(prefix, 0) == 0) line = line.substr(std::string(prefix).size());
      return line;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

Result<std::vector<std::string>> vm_probe_argv(const ProbeSpec& spec, const std::string& dst, int wait_ms) {
  switch (spec.proto) {
    case ProbeProto::kIcmp: return std::vector<std::string>{"ping", "-c", "1", "-W", seconds(wait_ms), dst};
    case ProbeProto::kTcp:
      return std::vector<std::string>{"nc", "-w", seconds(wait_ms), dst, std::to_string(spec.port)};
    case ProbeProto::kUdp: break;
  }
  return Error{"a UDP probe cannot be sent from inside a VM: the guest's busybox has no UDP client; use --proto icmp "
               "or tcp:PORT, or watch the VM's own UDP traffic with --passive",
               true};
}

ProbeOutcome vm_probe_outcome(const ProbeSpec& spec, const host::RunResult& result) {
  ProbeOutcome out;
  if (spec.proto == ProbeProto::kIcmp) {
    static const std::regex stats(R"((\d+) packets transmitted, (\d+) packets received)");
    std::smatch m;
    if (std::regex_search(result.out, m, stats)) {
      out.sent = std::stoi(m[1]);
      out.answered = std::stoi(m[2]);
    }
    if (out.answered == 0) {
      out.error = error_line(result.err);
      if (out.error.empty()) out.error = "no answer";
    }
    return out;
  }
  // nc: it connects or says why not; an answer is a completed handshake.
  const std::string why = error_line(result.err);
  if (result.exit_code == 0) {
    out.sent = 1;
    out.answered = 1;
    return out;
  }
  out.error = why.empty() ? "exit status " + std::to_string(result.exit_code) : why;
  const bool never_sent = why.find("unreachable") != std::string::npos && why.find("Network") != std::string::npos;
  out.sent = never_sent ? 0 : 1;
  if (why.find("refused") != std::string::npos) {
    ++out.refused;
    out.error = "Connection refused";
  } else if (why.find("timed out") != std::string::npos) {
    out.error = "connection timed out";
  }
  return out;
}

Result<ProbeOutcome> vm_send_probe(const VmAccess& vm, const std::string& guest, const ProbeSpec& spec,
                                   const std::string& dst, int wait_ms) {
  if (vm.state != "running")
    return Error{"VM " + guest + " is " + (vm.state.empty() ? "unknown" : vm.state) +
                 ": the probe is sent from inside it (netlab up starts it again)"};
  if (!vm.exec) return Error{"no way to run a command in VM " + guest};
  auto argv = vm_probe_argv(spec, dst, wait_ms);
  if (!argv) return argv.error();
  ProbeOutcome total;
  for (int i = 0; i < spec.count; ++i) {
    // The agent's own round trips come on top of the probe's wait.
    auto ran = vm.exec(*argv, std::chrono::milliseconds(wait_ms) + std::chrono::seconds(30));
    if (!ran) return ran.error();
    ProbeOutcome one = vm_probe_outcome(spec, *ran);
    total.sent += one.sent;
    total.answered += one.answered;
    total.refused += one.refused;
    if (!one.error.empty()) total.error = one.error;
  }
  return total;
}

}  // namespace netlab::tracer
