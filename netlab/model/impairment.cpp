#include "netlab/model/impairment.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace netlab::model {
namespace {

constexpr double kFull = 4294967295.0;  // netem's 100%

/// A non-negative decimal number at the start of `text` ("40", "0.25"); the rest in *unit.
std::optional<double> leading_number(const std::string& text, std::string* unit) {
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc() || p != text.data() + end || !std::isfinite(value) || value < 0) return std::nullopt;
  unit->clear();
  for (size_t i = end; i < text.size(); ++i) unit->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
  return value;
}

/// "%.6g" without a locale's decimal comma.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Error bad(std::string message) { return Error{std::move(message), true}; }

}  // namespace

Result<uint64_t> parse_impair_time(const std::string& text) {
  std::string unit;
  auto value = leading_number(text, &unit);
  double scale = 0;
  if (unit == "s" || unit == "sec" || unit == "secs") scale = 1e9;
  if (unit == "ms" || unit == "msec" || unit == "msecs") scale = 1e6;
  if (unit == "us" || unit == "usec" || unit == "usecs") scale = 1e3;
  if (unit == "ns" || unit == "nsec" || unit == "nsecs") scale = 1;
  if (!value || scale == 0)
    return bad("malformed time '" + text + "': write a number with a unit, e.g. 40ms, 1.5s or 250us");
  const double ns = *value * scale;
  if (ns > static_cast<double>(kMaxImpairDelayNs)) return bad("time '" + text + "' is out of range (at most 60s)");
  return static_cast<uint64_t>(std::llround(ns));
}

Result<uint32_t> parse_impair_percent(const std::string& text) {
  std::string unit;
  auto value = leading_number(text, &unit);
  if (!value || unit != "%") return bad("malformed percentage '" + text + "': write e.g. 1% or 0.1%");
  if (*value > 100) return bad("percentage '" + text + "' is out of range (0% to 100%)");
  return static_cast<uint32_t>(std::llround(*value / 100.0 * kFull));
}

Result<uint64_t> parse_impair_rate(const std::string& text) {
  std::string unit;
  auto value = leading_number(text, &unit);
  // tc's units: bits per second (SI and IEC prefixes), and "bps" forms meaning bytes per second.
  static const std::pair<const char*, double> kUnits[] = {
      {"bit", 1},       {"kbit", 1e3},         {"mbit", 1e6},         {"gbit", 1e9},
      {"tbit", 1e12},   {"kibit", 1024.0},     {"mibit", 1048576.0},  {"gibit", 1073741824.0},
      {"bps", 8},       {"kbps", 8e3},         {"mbps", 8e6},         {"gbps", 8e9},
      {"kibps", 8192.0}, {"mibps", 8388608.0}, {"gibps", 8589934592.0}};
  double bits = -1;
  if (value)
    for (const auto& [name, scale] : kUnits)
      if (unit == name) bits = *value * scale;
  if (bits < 0) return bad("malformed rate '" + text + "': write e.g. 10mbit, 512kbit or 1gbit");
  const double bytes = std::floor(bits / 8.0);
  if (bytes < 1) return bad("rate '" + text + "' is too low (at least 8bit)");
  if (bytes > static_cast<double>(kMaxImpairRateBytes)) return bad("rate '" + text + "' is out of range (at most 34gbit)");
  return static_cast<uint64_t>(bytes);
}

std::string format_impair_time(uint64_t ns) {
  if (ns >= 1000000000ull) return number(static_cast<double>(ns) / 1e9) + "s";
  if (ns >= 1000000ull) return number(static_cast<double>(ns) / 1e6) + "ms";
  if (ns >= 1000ull) return number(static_cast<double>(ns) / 1e3) + "us";
  return std::to_string(ns) + "ns";
}

std::string format_impair_percent(uint32_t probability) {
  return number(static_cast<double>(probability) / kFull * 100.0) + "%";
}

std::string format_impair_rate(uint64_t bytes_per_second) {
  const double bits = static_cast<double>(bytes_per_second) * 8.0;
  if (bits >= 1e9) return number(bits / 1e9) + "gbit";
  if (bits >= 1e6) return number(bits / 1e6) + "mbit";
  if (bits >= 1e3) return number(bits / 1e3) + "kbit";
  return number(bits) + "bit";
}

std::string describe(const Impairment& imp) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) { out += (out.empty() ? "" : " ") + std::string(key) + " " + value; };
  if (imp.delay_ns) add("delay", format_impair_time(imp.delay_ns));
  if (imp.jitter_ns) add("jitter", format_impair_time(imp.jitter_ns));
  if (imp.loss) add("loss", format_impair_percent(imp.loss));
  if (imp.rate_bytes) add("rate", format_impair_rate(imp.rate_bytes));
  if (imp.corrupt) add("corrupt", format_impair_percent(imp.corrupt));
  if (imp.duplicate) add("duplicate", format_impair_percent(imp.duplicate));
  if (imp.reorder) add("reorder", format_impair_percent(imp.reorder));
  return out.empty() ? "none" : out;
}

Status set_impair_parameter(Impairment* imp, const std::string& key, const std::string& text) {
  auto time = [&](uint64_t* out) -> Status {
    auto v = parse_impair_time(text);
    if (!v) return v.error();
    *out = *v;
    return {};
  };
  auto percent = [&](uint32_t* out) -> Status {
    auto v = parse_impair_percent(text);
    if (!v) return v.error();
    *out = *v;
    return {};
  };
  if (key == "delay") return time(&imp->delay_ns);
  if (key == "jitter") return time(&imp->jitter_ns);
  if (key == "loss") return percent(&imp->loss);
  if (key == "corrupt") return percent(&imp->corrupt);
  if (key == "duplicate") return percent(&imp->duplicate);
  if (key == "reorder") return percent(&imp->reorder);
  if (key == "rate") {
    auto v = parse_impair_rate(text);
    if (!v) return v.error();
    imp->rate_bytes = *v;
    return {};
  }
  return bad("unknown impairment '" + key + "'");
}

std::string impairment_problem(const Impairment& imp) {
  if (imp.jitter_ns && !imp.delay_ns) return "jitter needs a delay (e.g. delay: 40ms, jitter: 5ms)";
  if (imp.reorder && !imp.delay_ns) return "reorder needs a delay: netem sends the reordered packets at once and delays the rest";
  return "";
}

}  // namespace netlab::model
