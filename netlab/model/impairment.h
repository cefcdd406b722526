#pragma once
// A link impairment: what Linux's netem qdisc does to the packets a device
// sends (delay with jitter, loss, a rate limit, corruption, duplication,
// reordering). Held in the kernel's own units, so that what the file asks for
// and what the kernel reports compare exactly: times in nanoseconds, the rate
// in bytes per second, probabilities as netem's 32-bit fractions of 2^32-1.
// Written and read in the units `tc` prints: 40ms, 1.5s, 250us; 1%, 0.1%;
// 10mbit, 512kbit, 1gbit (also tc's byte units 100kbps, 1mbps).
#include <cstdint>
#include <optional>
#include <string>

#include "netlab/model/result.h"

namespace netlab::model {

struct Impairment {
  uint64_t delay_ns = 0;
  uint64_t jitter_ns = 0;
  uint64_t rate_bytes = 0;  // bytes per second; 0 = no rate limit
  uint32_t loss = 0;        // probability, 0 .. 0xffffffff (= 100%)
  uint32_t corrupt = 0;
  uint32_t duplicate = 0;
  uint32_t reorder = 0;

  /// True when it changes nothing (no netem qdisc is needed).
  bool none() const { return *this == Impairment{}; }
  bool operator==(const Impairment&) const = default;
};

/// Bounds the loader and the `impair` command enforce (tc and netem accept more,
/// none of it useful in a lab).
inline constexpr uint64_t kMaxImpairDelayNs = 60ull * 1000000000ull;  // 60s
inline constexpr uint64_t kMaxImpairRateBytes = 0xffffffffull;        // 34.3gbit: netem's 32-bit rate

/// "40ms", "1.5s", "250us", "800ns" (also tc's sec/msec/usec spellings); the
/// value in nanoseconds. Errors (bad_input) say what is accepted.
Result<uint64_t> parse_impair_time(const std::string& text);
/// "1%", "0.25%", "100%": netem's 32-bit probability.
Result<uint32_t> parse_impair_percent(const std::string& text);
/// "10mbit", "512kbit", "1gbit", "800bit" (bits per second, SI; kibit, mibit,
/// gibit for powers of 1024) or tc's byte units "kbps", "mbps" (bytes per
/// second); bytes per second.
Result<uint64_t> parse_impair_rate(const std::string& text);

/// As tc prints them: "40ms", "1.5s", "250us"; "1%", "0.1%"; "10mbit", "1.5mbit".
std::string format_impair_time(uint64_t ns);
std::string format_impair_percent(uint32_t probability);
std::string format_impair_rate(uint64_t bytes_per_second);

/// "delay 40ms jitter 5ms loss 1% rate 10mbit" (tc's order and words); "none".
std::string describe(const Impairment& imp);

/// Sets the parameter `key` (delay, jitter, loss, rate, corrupt, duplicate,
/// reorder) of *imp from `text`; an Error (bad_input) for an unknown key or a
/// malformed or out-of-range value.
Status set_impair_parameter(Impairment* imp, const std::string& key, const std::string& text);

/// What is wrong with the combination, or "" (jitter and reorder need a delay).
std::string impairment_problem(const Impairment& imp);

/// The parameter names, in tc's order.
inline constexpr const char* kImpairKeys[] = {"delay", "jitter", "loss", "rate", "corrupt", "duplicate", "reorder"};

}  // namespace netlab::model
