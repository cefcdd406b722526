#pragma once
// Probes sent from inside a VM (kind: kvm). The tracer cannot open a socket in
// a VM: the caller hands it a way to run a command there (the guest agent's
// exec that `netlab exec` uses, through plan::vm_exec) and the VM's state, and
// the probe is a command of the guest's own busybox: `ping` for ICMP, `nc` for
// a TCP connect. netlab-test's busybox has no UDP client, so a UDP probe from
// a VM is refused with a sentence saying so.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "netlab/host/process.h"
#include "netlab/model/address.h"
#include "netlab/model/result.h"
#include "tracer/probe.h"

namespace netlab::tracer {

/// What the tracer may do with a VM; given by the caller (the CLI asks plan).
struct VmAccess {
  std::string domain;  // its libvirt domain, for messages
  std::string state;   // the domain's state as host::to_string(DomainState) says it: "running", "shut off", ...
  /// Runs argv inside the VM and returns its exit status and output.
  std::function<Result<host::RunResult>(const std::vector<std::string>& argv, std::chrono::milliseconds timeout)> exec;
};

/// The command that sends one probe of `spec` to `dst` (an IPv4 or IPv6
/// address as text: busybox's ping and nc take either) from inside the VM,
/// waiting up to `wait_ms` for its answer; an Error (bad input) for UDP.
Result<std::vector<std::string>> vm_probe_argv(const ProbeSpec& spec, const std::string& dst, int wait_ms);

/// What one probe command's result says: sent, answered, refused, error.
/// ping: "N packets transmitted, M packets received" and its error lines;
/// nc: exit 0 = connected, "Connection refused" = refused (an RST came back).
ProbeOutcome vm_probe_outcome(const ProbeSpec& spec, const host::RunResult& result);

/// Sends spec.count probes from inside the VM, one command each, and adds up
/// their outcomes. An Error when the VM is not running or its agent fails.
Result<ProbeOutcome> vm_send_probe(const VmAccess& vm, const std::string& guest, const ProbeSpec& spec,
                                   const std::string& dst, int wait_ms);

}  // namespace netlab::tracer
