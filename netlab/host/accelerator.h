#pragma once
// Which accelerator KVM guests get: "kvm" only when a probe VM really boots
// under /dev/kvm within a few seconds (a stock guest kernel can hang under
// nested or half-working KVM), else "qemu" (TCG, emulation). Probed once per
// boot of the host; the answer is cached with the boot id.
#include <optional>
#include <string>

namespace netlab::host {

struct AcceleratorChoice {
  std::string type;    // libvirt's domain type: "kvm" or "qemu"
  std::string reason;  // for status: "probe VM booted under /dev/kvm in 1.2 s", "no /dev/kvm", ...
};

/// The accelerator, probing with `kernel` + `initrd` (an initrd that prints
/// NETLAB-PROBE-OK when booted with `netlab.probe`, as netlab-test's does) when
/// the cache in `cache_dir` has no answer for this boot. Without a probe kernel
/// the answer is "qemu" and nothing is cached.
AcceleratorChoice choose_accelerator(const std::string& kernel, const std::string& initrd, const std::string& cache_dir);

/// The cached answer for this boot, if any.
std::optional<AcceleratorChoice> cached_accelerator(const std::string& cache_dir);

}  // namespace netlab::host
