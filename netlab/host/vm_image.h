#pragma once
// Disk images for KVM guests: the named image `netlab-test` (built by
// scripts/make-guest-image.sh into the image cache), a disk file's format read
// from its header, the lab's own disks (a thin qcow2 overlay backed by the base
// image, or a thick preallocated raw copy; the base image is only ever read),
// and what `qemu-img info` says about a disk.
#include <cstdint>
#include <optional>
#include <string>

#include "netlab/model/result.h"
#include "netlab/model/topology.h"

namespace netlab::host {

/// The name a topology uses for the test guest image.
inline constexpr const char* kTestImageName = model::kDefaultVmImage;

/// The image cache: $NETLAB_CACHE/images (NETLAB_CACHE defaults to /var/cache/netlab).
std::string image_cache_dir();

/// A guest's base image as the domain boots it.
struct BaseImage {
  std::string disk;    // the disk file (never written)
  std::string format;  // "raw" or "qcow2" as the topology states it
  std::string kernel;  // direct kernel boot when set (netlab-test), else the disk's own boot loader
  std::string initrd;
};

/// `image` as a topology gives it: kTestImageName (found under `cache_dir`), or a path.
BaseImage resolve_image(const std::string& image, const std::string& format, const std::string& cache_dir);

/// "qcow2" when the file starts with qcow2's magic, "raw" otherwise; nullopt when unreadable.
std::optional<std::string> detect_format(const std::string& path);

/// A thin disk: a qcow2 overlay at `path` whose backing file is `base`.
Status create_thin_disk(const BaseImage& base, const std::string& path);
/// A thick disk: a full raw copy of `base` at `path`, every block allocated.
Status create_thick_disk(const BaseImage& base, const std::string& path);

struct DiskInfo {
  std::string path, format, backing;
  uint64_t virtual_size = 0;    // bytes the guest sees
  uint64_t allocated_size = 0;  // bytes taken on the host
};
/// `qemu-img info` of `path` (shared lock: works while a VM uses it).
Result<DiskInfo> disk_info(const std::string& path);

}  // namespace netlab::host
