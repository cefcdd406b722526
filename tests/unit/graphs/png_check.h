#pragma once
// A small PNG reader for tests (zlib only): decodes 8-bit greyscale, RGB and
// RGBA non-interlaced images and summarises their pixels, to tell a real
// screenshot or figure from a blank one.
#include <string>

namespace netlab::graphs::testing {

struct PngSummary {
  bool ok = false;
  std::string error;            // why decoding failed
  unsigned width = 0;
  unsigned height = 0;
  size_t non_white = 0;         // pixels that are not (near) white
  size_t distinct_colours = 0;  // distinct RGB values (counted up to 4096)
};

/// Decodes the PNG in `bytes` and counts its non-white pixels and colours.
PngSummary summarise_png(const std::string& bytes);

}  // namespace netlab::graphs::testing
