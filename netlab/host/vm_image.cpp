#include "netlab/host/vm_image.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "netlab/host/process.h"

namespace netlab::host {
namespace {

Status qemu_img(const std::vector<std::string>& argv, const std::string& what) {
  auto r = run(argv, {}, std::chrono::minutes(5));
  if (!r) return Error{what + ": " + r.error().message};
  if (r->exit_code != 0) return Error{what + ": " + r->err};
  return {};
}

}  // namespace

std::string image_cache_dir() {
  const char* env = std::getenv("NETLAB_CACHE");
  return std::string(env && *env ? env : "/var/cache/netlab") + "/images";
}

BaseImage resolve_image(const std::string& image, const std::string& format, const std::string& cache_dir) {
  if (image == kTestImageName) {
    // The symlink names the current build; a disk must stay on the build it was made from.
    std::error_code ec;
    std::string dir = cache_dir + "/" + kTestImageName;
    auto real = std::filesystem::canonical(dir, ec);
    if (!ec) dir = real.string();
    return {dir + "/disk.raw", "raw", dir + "/vmlinuz", dir + "/initrd.img"};
  }
  return {image, format, "", ""};
}

std::optional<std::string> detect_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  char magic[4] = {};
  in.read(magic, 4);
  if (in.gcount() == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' && magic[3] == '\xfb') return "qcow2";
  return "raw";
}

Status create_thin_disk(const BaseImage& base, const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return qemu_img({"qemu-img", "create", "-q", "-f", "qcow2", "-F", base.format, "-b", base.disk, path},
                  "cannot create the thin disk " + path);
}

Status create_thick_disk(const BaseImage& base, const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return qemu_img({"qemu-img", "convert", "-q", "-f", base.format, "-O", "raw", "-o", "preallocation=full", base.disk,
                   path},
                  "cannot create the thick disk " + path);
}

Result<DiskInfo> disk_info(const std::string& path) {
  auto r = run({"qemu-img", "info", "-U", "--output=json", path}, {}, std::chrono::seconds(20));
  if (!r) return r.error();
  if (r->exit_code != 0) return Error{"qemu-img info " + path + ": " + r->err};
  auto j = nlohmann::json::parse(r->out, nullptr, false);
  if (j.is_discarded()) return Error{"qemu-img info " + path + ": unreadable output"};
  DiskInfo info;
  info.path = path;
  info.format = j.value("format", "");
  info.backing = j.value("backing-filename", "");
  info.virtual_size = j.value("virtual-size", uint64_t{0});
  info.allocated_size = j.value("actual-size", uint64_t{0});
  return info;
}

}  // namespace netlab::host
