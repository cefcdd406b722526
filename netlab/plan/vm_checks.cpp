#include "netlab/plan/vm_checks.h"

#include <filesystem>
#include <fstream>

#include "netlab/host/vm_image.h"

namespace netlab::plan {

int64_t machine_memory_mib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (in >> key >> kib) {
    if (key == "MemTotal:") return kib / 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

std::vector<model::Diagnostic> check_vms(const model::Topology& topology, const std::string& image_dir,
                                         int64_t memory_mib) {
  std::vector<model::Diagnostic> out;
  for (const auto& g : topology.guests) {
    if (g.kind != model::GuestKind::kvm) continue;
    const std::string who = "guest '" + g.name + "'";
    if (memory_mib > 0 && g.memory_mib > memory_mib)
      out.push_back({g.pos.at("memory"),
                     "memory " + std::to_string(g.memory_mib) + " MiB of " + who + " is more than this machine has (" +
                         std::to_string(memory_mib) + " MiB)",
                     "give the VM less memory, e.g. 256M"});
    if (!g.disk) continue;
    const auto& disk = *g.disk;
    const auto base = host::resolve_image(disk.image, disk.format, image_dir);
    std::error_code ec;
    if (disk.image == host::kTestImageName) {
      if (!std::filesystem::exists(base.disk, ec) || !std::filesystem::exists(base.kernel, ec))
        out.push_back({disk.pos.at("image"), "image 'netlab-test' of " + who + " is not built on this machine" +
                                                 (disk.pos.fields.count("image") ? "" : " (a kvm guest without 'disk:' boots it)"),
                       "run scripts/make-guest-image.sh (it caches the image under " + image_dir + ")"});
      else if (disk.pos.fields.count("format") && disk.format != "raw")
        out.push_back({disk.pos.at("format"), "image 'netlab-test' is raw, not " + disk.format,
                       "remove 'format' or write 'format: raw'"});
      continue;
    }
    if (!std::filesystem::is_regular_file(base.disk, ec)) {
      out.push_back({disk.pos.at("image"), "image '" + disk.image + "' of " + who + " does not exist",
                     "give the path of a raw or qcow2 disk image, or 'netlab-test'"});
      continue;
    }
    auto actual = host::detect_format(base.disk);
    if (!actual) {
      out.push_back({disk.pos.at("image"), "image '" + disk.image + "' of " + who + " cannot be read"});
      continue;
    }
    if (*actual != disk.format)
      out.push_back({disk.pos.at("format"),
                     "image '" + disk.image + "' is " + *actual + ", not " + disk.format +
                         (disk.pos.fields.count("format") ? "" : " (the default format)"),
                     "write 'format: " + *actual + "'"});
  }
  return out;
}

std::vector<model::Diagnostic> check_vms_here(const model::Topology& topology) {
  // /proc/meminfo costs the kernel a few milliseconds to make: read only for VMs.
  bool vms = false;
  for (const auto& g : topology.guests) vms = vms || g.kind == model::GuestKind::kvm;
  if (!vms) return {};
  return check_vms(topology, host::image_cache_dir(), machine_memory_mib());
}

}  // namespace netlab::plan
