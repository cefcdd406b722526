#include "tracer/capture_set.h"

#include <algorithm>
#include <filesystem>

namespace netlab::tracer {
namespace fs = std::filesystem;

std::string capture_file_name(const std::string& netns, const std::string& device) {
  return netns + "__" + device + ".pcap";
}

bool parse_capture_file_name(const std::string& file, std::string* netns, std::string* device) {
  std::string stem;
  for (const char* ext : {".pcapng", ".pcap"}) {
    std::string e(ext);
    if (file.size() > e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0) {
      stem = file.substr(0, file.size() - e.size());
      break;
    }
  }
  if (stem.empty()) return false;
  auto sep = stem.rfind("__");
  if (sep == std::string::npos || sep + 2 >= stem.size()) return false;
  *netns = stem.substr(0, sep);
  *device = stem.substr(sep + 2);
  return true;
}

void assign_roles(CaptureSet* set) {
  for (auto& dev : set->devices) {
    dev.role = model::HopRole::unknown;
    for (const auto& nic : set->hopmap.nics) {
      for (const auto& hop : nic.hops) {
        if (!hop.device.empty() && hop.device == dev.name && hop.netns == dev.netns) dev.role = hop.role;
      }
    }
  }
}

Result<CaptureSet> load_capture_set(const std::string& dir, bool keep_frames) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{"capture set " + dir + ": not a directory"};
  CaptureSet set;
  auto hopmap = model::read_hopmap_file((fs::path(dir) / model::kHopMapFile).string());
  if (!hopmap) return Error{"capture set " + dir + ": " + hopmap.error().message};
  set.hopmap = std::move(*hopmap);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string netns, device;
    if (entry.is_regular_file() && parse_capture_file_name(entry.path().filename().string(), &netns, &device))
      files.push_back(entry.path().filename().string());
  }
  if (ec) return Error{"capture set " + dir + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  if (files.empty()) return Error{"capture set " + dir + ": no <netns>__<device>.pcap files"};
  if (files.size() > 0xfffe) return Error{"capture set " + dir + ": too many capture files"};
  for (const auto& file : files) {
    Device dev;
    parse_capture_file_name(file, &dev.netns, &dev.name);
    for (const auto& other : set.devices) {
      if (other.netns == dev.netns && other.name == dev.name)
        return Error{"capture set " + dir + ": two captures of " + dev.netns + "/" + dev.name};
    }
    dev.file = (fs::path(dir) / file).string();
    auto index = static_cast<uint16_t>(set.devices.size());
    FrameStore* store = nullptr;
    if (keep_frames) store = &set.frames.emplace_back();
    auto info = read_capture(dev.file, index, &set.records, store);
    if (!info) return info.error();
    dev.linktype = info->linktype;
    set.devices.push_back(std::move(dev));
  }
  assign_roles(&set);
  return set;
}

}  // namespace netlab::tracer
