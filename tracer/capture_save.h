#pragma once
// Writing a CaptureSet back in the capture-set format that
// load_capture_set / `netlab trace --offline` read (docs/tracer.md):
// DIR/hopmap.json and one DIR/<netns>__<device>.pcap (nanosecond pcap) per device.
#include <string>

#include "netlab/model/result.h"
#include "tracer/capture_set.h"

namespace netlab::tracer {

/// Creates DIR (and parents) if needed and writes the set. `set` must hold
/// frames (captured with keep_frames). An Error names the file that failed.
Status save_capture_set(const CaptureSet& set, const std::string& dir);

}  // namespace netlab::tracer
