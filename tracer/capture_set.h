#pragma once
// A capture set: the hop map plus one capture file per device, as saved by
// `netlab trace --save DIR` or written by hand with tcpdump (docs/tracer.md):
//   DIR/hopmap.json
//   DIR/<netns>__<device>.pcap   (or .pcapng; netns "" = root namespace, file "__<device>.pcap")
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/decode.h"
#include "tracer/reader.h"

namespace netlab::tracer {

/// One captured device.
struct Device {
  std::string netns;
  std::string name;
  model::HopRole role = model::HopRole::unknown;  // from the hop map; unknown when it does not list the device
  std::string file;       // path of its capture
  uint32_t linktype = 0;  // DLT_* of its capture
};

/// Every record of every device, in one flat vector (records of device d are
/// contiguous, in file order). frames[d] holds raw bytes when kept.
struct CaptureSet {
  model::HopMap hopmap;
  std::vector<Device> devices;
  std::vector<PacketRecord> records;
  std::vector<FrameStore> frames;  // empty unless loaded with keep_frames
};

/// "<netns>__<device>.pcap".
std::string capture_file_name(const std::string& netns, const std::string& device);
/// Splits a capture file name ("<netns>__<device>.pcap" or ".pcapng"); false if it is not one.
bool parse_capture_file_name(const std::string& file, std::string* netns, std::string* device);

/// Loads DIR: hopmap.json (required) and every capture file in it, sorted by
/// name. Errors: DIR missing, hopmap.json missing or invalid, no capture file,
/// an unreadable capture. keep_frames keeps raw bytes for the pcapng exporter.
Result<CaptureSet> load_capture_set(const std::string& dir, bool keep_frames);

/// Builds the device list of `set` from `hopmap` and already-read records
/// (used by the live capture and by tests): the same rules as load_capture_set.
void assign_roles(CaptureSet* set);

}  // namespace netlab::tracer
