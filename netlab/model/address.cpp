#include "netlab/model/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>

namespace netlab::model {
namespace {

// Parses a decimal number in [0, max] that fills `text` exactly.
std::optional<uint32_t> parse_decimal(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v > max) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // no octal-looking octets
  return v;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return std::nullopt;
    auto octet = parse_decimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    value = (value << 8) | *octet;
    text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  }
  return Ipv4{value};
}

std::string Ipv4::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", value >> 24, (value >> 16) & 255, (value >> 8) & 255,
                value & 255);
  return buf;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = Ipv4::parse(text.substr(0, slash));
  auto prefix = parse_decimal(text.substr(slash + 1), 32);
  if (!ip || !prefix) return std::nullopt;
  return Cidr{*ip, static_cast<int>(*prefix)};
}

std::string Cidr::str() const { return address.str() + "/" + std::to_string(prefix); }

uint32_t Cidr::mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

Ipv4 Cidr::network() const { return Ipv4{address.value & mask()}; }

Ipv4 Cidr::broadcast() const { return Ipv4{network().value | ~mask()}; }

bool Cidr::contains(Ipv4 ip) const { return (ip.value & mask()) == network().value; }

bool Cidr::overlaps(const Cidr& other) const {
  const Cidr& wider = prefix <= other.prefix ? *this : other;
  const Cidr& narrower = prefix <= other.prefix ? other : *this;
  return wider.contains(narrower.network());
}

std::optional<Ipv6> Ipv6::parse(std::string_view text) {
  // inet_pton also takes "::ffff:1.2.3.4"; netlab's files write IPv6 in hex only.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN || text.find('.') != std::string_view::npos) return std::nullopt;
  std::string copy(text);
  Ipv6 ip;
  if (inet_pton(AF_INET6, copy.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

std::string Ipv6::str() const {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf)) return "::";
  return buf;
}

Ipv6 Ipv6::plus(uint64_t n) const {
  Ipv6 out = *this;
  unsigned carry = 0;
  for (int i = 15; i >= 0; --i) {
    unsigned sum = out.bytes[i] + static_cast<unsigned>(n & 0xff) + carry;
    out.bytes[i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
    n >>= 8;
  }
  return out;
}

std::optional<Cidr6> Cidr6::parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = Ipv6::parse(text.substr(0, slash));
  auto prefix = parse_decimal(text.substr(slash + 1), 128);
  if (!ip || !prefix) return std::nullopt;
  return Cidr6{*ip, static_cast<int>(*prefix)};
}

std::string Cidr6::str() const { return address.str() + "/" + std::to_string(prefix); }

Ipv6 Cidr6::network() const {
  Ipv6 out = address;
  for (int i = 0; i < 16; ++i) {
    int bits = prefix - i * 8;
    if (bits >= 8) continue;
    out.bytes[i] &= bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
  }
  return out;
}

bool Cidr6::contains(const Ipv6& ip) const { return Cidr6{ip, prefix}.network() == network(); }

bool Cidr6::overlaps(const Cidr6& other) const {
  const Cidr6& wider = prefix <= other.prefix ? *this : other;
  const Cidr6& narrower = prefix <= other.prefix ? other : *this;
  return wider.contains(narrower.network());
}

std::optional<Mac> Mac::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  Mac mac;
  for (int i = 0; i < 6; ++i) {
    int hi = hex_digit(text[i * 3]), lo = hex_digit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-') return std::nullopt;
    mac.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return mac;
}

std::string Mac::str() const {
  // By hand, not snprintf: a 1000-guest `up` spells some 3000 MACs.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(17, ':');
  for (size_t i = 0; i < 6; ++i) {
    out[3 * i] = kHex[bytes[i] >> 4];
    out[3 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace netlab::model
