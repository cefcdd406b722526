#include "tracer/output_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "netlab/model/names.h"

namespace netlab::tracer {
namespace {

/// Display width of UTF-8 text (counts code points; our text has no wide characters).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }

}  // namespace

std::string format_text(const std::vector<TracedPacket>& packets) {
  std::string out;
  if (packets.empty()) return "no packets in the capture set\n";
  for (size_t p = 0; p < packets.size(); ++p) {
    const TracedPacket& tp = packets[p];
    out += fmt::format("packet {}: {}  {}\n", p + 1, model::to_string(tp.leg), tp.summary);
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"#", "t(\u00b5s)", "device", "netns", "dir", "role", "change"});
    uint64_t t0 = tp.hops.empty() ? 0 : tp.hops.front().t_ns;
    for (const auto& h : tp.hops) {
      std::string t = h.record >= 0 ? fmt::format("{:.3f}", static_cast<double>(h.t_ns - t0) / 1000.0) : "";
      rows.push_back({std::to_string(h.index), t, h.device.empty() ? "-" : model::with_friendly(h.device, h.friendly),
                      h.netns.empty() ? "(root)" : h.netns, model::to_string(h.direction), model::to_string(h.role), h.change});
    }
    if (tp.hops.empty()) rows.clear();
    std::vector<size_t> w(7, 0);
    for (const auto& r : rows)
      for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
    for (const auto& r : rows) {
      std::string line = "  ";
      for (size_t c = 0; c < r.size(); ++c) line += (c + 1 < r.size() ? pad(r[c], w[c] + 2) : r[c]);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    for (const auto& h : tp.hops) {
      for (const auto& c : h.conntrack) out += fmt::format("  hop {} {}: conntrack {}\n", h.index, model::to_string(h.role), c);
      for (const auto& r : h.rules) {
        out += fmt::format("  hop {} {}: nft {} {} {} {}{} \u2192 {}\n", h.index, model::to_string(h.role), r.family, r.table, r.chain,
                           r.handle == 0 ? r.rule : "`" + r.rule + "`",
                           r.comment.empty() ? "" : " (" + r.comment + ")", r.verdict);
      }
    }
    if (tp.dropped) {
      out += "  dropped after " + tp.drop_after;
      out += tp.drop_cause.empty() ? "\n" : ": " + tp.drop_cause + "\n";
    }
    out += "\n";
  }
  return out;
}

std::string format_hop_list(const std::vector<TracedPacket>& packets) {
  std::string out;
  for (size_t p = 0; p < packets.size(); ++p) {
    const TracedPacket& tp = packets[p];
    out += fmt::format("packet {} {} {}\n", p + 1, model::to_string(tp.leg), tp.summary);
    for (const auto& h : tp.hops) {
      out += fmt::format("  {} {} {}/{} {}", h.index, model::to_string(h.role), h.netns,
                         h.device.empty() ? "-" : model::with_friendly(h.device, h.friendly), model::to_string(h.direction));
      if (!h.change.empty()) out += "  " + h.change;
      out += "\n";
    }
    if (tp.dropped) out += "  dropped after " + tp.drop_after + "\n";
  }
  return out;
}

}  // namespace netlab::tracer
