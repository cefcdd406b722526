#include "netlab/cli/vm_access.h"

#include "netlab/plan/vm_ops.h"

namespace netlab::cli {

std::optional<tracer::VmAccess> vm_access(const std::string& lab, const std::string& guest) {
  if (!plan::is_vm(lab, guest)) return std::nullopt;
  const plan::VmStatus status = plan::vm_status(lab, guest);
  tracer::VmAccess access;
  access.domain = status.domain;
  access.state = status.state;
  access.exec = [lab, guest](const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    return plan::vm_exec(lab, guest, argv, timeout);
  };
  return access;
}

}  // namespace netlab::cli
