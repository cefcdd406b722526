#include "netlab/host/accelerator.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "netlab/host/process.h"

namespace netlab::host {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(10);

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string cache_file(const std::string& cache_dir) { return cache_dir + "/accelerator"; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Boots the probe kernel under KVM (the default CPU model, as libvirt's domains
/// get); true when it says NETLAB-PROBE-OK in time. *exited: QEMU gave up by itself.
bool kvm_boots(const std::string& kernel, const std::string& initrd, const std::string& cache_dir, double* seconds,
               bool* exited) {
  const std::string log = cache_dir + "/accelerator-probe." + std::to_string(::getpid()) + ".log";
  auto pid = spawn({"qemu-system-x86_64", "-machine", "pc,accel=kvm", "-m", "128", "-kernel", kernel,
                    "-initrd", initrd, "-append", "console=ttyS0 netlab.probe", "-display", "none", "-no-reboot",
                    "-serial", "file:" + log},
                   {"", "/dev/null", "/dev/null"});
  if (!pid) return false;
  ChildProcess qemu(*pid);
  const auto start = std::chrono::steady_clock::now();
  bool ok = false;
  while (std::chrono::steady_clock::now() - start < kProbeTimeout) {
    if (read_text(log).find("NETLAB-PROBE-OK") != std::string::npos) {
      ok = true;
      break;
    }
    if (!qemu.running()) {
      *exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  qemu.stop();
  std::error_code ec;
  std::filesystem::remove(log, ec);
  return ok;
}

}  // namespace

std::optional<AcceleratorChoice> cached_accelerator(const std::string& cache_dir) {
  std::istringstream in(read_text(cache_file(cache_dir)));
  std::string id, type, reason;
  if (!(in >> id >> type) || id != boot_id()) return std::nullopt;
  std::getline(in >> std::ws, reason);
  return AcceleratorChoice{type, reason};
}

AcceleratorChoice choose_accelerator(const std::string& kernel, const std::string& initrd, const std::string& cache_dir) {
  if (auto cached = cached_accelerator(cache_dir)) return *cached;
  AcceleratorChoice choice;
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  std::error_code ec;
  if (fd < 0) {
    choice = {"qemu", "TCG: /dev/kvm cannot be opened"};
  } else {
    ::close(fd);
    if (kernel.empty() || !std::filesystem::exists(kernel, ec) || !std::filesystem::exists(initrd, ec))
      return {"qemu", "TCG: no probe kernel to test /dev/kvm with (scripts/make-guest-image.sh builds one)"};
    double seconds = 0;
    bool exited = false;
    std::filesystem::create_directories(cache_dir, ec);
    char buf[64];
    if (kvm_boots(kernel, initrd, cache_dir, &seconds, &exited)) {
      std::snprintf(buf, sizeof buf, "%.1f", seconds);
      choice = {"kvm", std::string("KVM: a probe VM booted under /dev/kvm in ") + buf + " s"};
    } else {
      std::snprintf(buf, sizeof buf, "%.0f", seconds);
      choice = {"qemu", exited ? std::string("TCG: QEMU under /dev/kvm failed before the probe VM booted")
                               : std::string("TCG: a probe VM did not boot under /dev/kvm within ") + buf + " s"};
    }
  }
  std::filesystem::create_directories(cache_dir, ec);
  std::ofstream out(cache_file(cache_dir), std::ios::trunc);
  out << boot_id() << " " << choice.type << " " << choice.reason << "\n";
  return choice;
}

}  // namespace netlab::host
