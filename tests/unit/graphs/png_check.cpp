#include "tests/unit/graphs/png_check.h"

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

namespace netlab::graphs::testing {
namespace {

uint32_t be32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) | (uint32_t(uint8_t(s[at + 2])) << 8) |
         uint32_t(uint8_t(s[at + 3]));
}

int paeth(int a, int b, int c) {
  int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

PngSummary summarise_png(const std::string& bytes) {
  PngSummary out;
  if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    out.error = "not a PNG";
    return out;
  }
  std::string idat;
  int depth = 0, colour = 0, interlace = 0;
  for (size_t at = 8; at + 12 <= bytes.size();) {
    uint32_t len = be32(bytes, at);
    std::string type = bytes.substr(at + 4, 4);
    if (at + 12 + len > bytes.size()) break;
    if (type == "IHDR") {
      out.width = be32(bytes, at + 8);
      out.height = be32(bytes, at + 12);
      depth = uint8_t(bytes[at + 16]);
      colour = uint8_t(bytes[at + 17]);
      interlace = uint8_t(bytes[at + 20]);
    } else if (type == "IDAT") {
      idat += bytes.substr(at + 8, len);
    }
    at += 12 + len;
  }
  int channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 6 ? 4 : colour == 4 ? 2 : 0;
  if (depth != 8 || channels == 0 || interlace != 0) {
    out.error = "unsupported PNG (depth " + std::to_string(depth) + ", colour type " + std::to_string(colour) + ")";
    return out;
  }
  const size_t stride = size_t(out.width) * channels;
  std::vector<uint8_t> raw((stride + 1) * out.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
      raw_len != raw.size()) {
    out.error = "image data does not inflate to the expected size";
    return out;
  }
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  std::set<uint32_t> colours;
  for (unsigned y = 0; y < out.height; ++y) {
    const uint8_t* line = &raw[y * (stride + 1)];
    int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= size_t(channels) ? cur[i - channels] : 0;
      int b = prev[i];
      int c = i >= size_t(channels) ? prev[i - channels] : 0;
      int x = line[i + 1];
      switch (filter) {
        case 0: break;
        case 1: x += a; break;
        case 2: x += b; break;
        case 3: x += (a + b) / 2; break;
        case 4: x += paeth(a, b, c); break;
        default: out.error = "bad filter type"; return out;
      }
      cur[i] = uint8_t(x);
    }
    for (unsigned px = 0; px < out.width; ++px) {
      const uint8_t* p = &cur[px * channels];
      uint8_t r = p[0], g = channels >= 3 ? p[1] : p[0], bl = channels >= 3 ? p[2] : p[0];
      if (r < 240 || g < 240 || bl < 240) ++out.non_white;
      if (colours.size() < 4096) colours.insert((uint32_t(r) << 16) | (uint32_t(g) << 8) | bl);
    }
    prev.swap(cur);
  }
  out.distinct_colours = colours.size();
  out.ok = true;
  return out;
}

}  // namespace netlab::graphs::testing
