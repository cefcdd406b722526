#pragma once
// What `trace` and `doctor` hand the tracer for a VM: its domain's state and a
// way to run a command inside it (plan::vm_exec, the guest agent's exec that
// `netlab exec` uses), so the probe leaves from inside the VM.
#include <optional>
#include <string>

#include "tracer/vm_probe.h"

namespace netlab::cli {

/// The access to `guest` of `lab` when it is a kvm guest; nullopt for a light guest.
std::optional<tracer::VmAccess> vm_access(const std::string& lab, const std::string& guest);

}  // namespace netlab::cli
