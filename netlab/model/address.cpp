#include "netlab/model/address.h"

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
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2], bytes[3],
                bytes[4], bytes[5]);
  return buf;
}

}  // namespace netlab::model
