#pragma once
// IPv4 and IPv6 addresses, CIDR blocks and MAC addresses: value types with strict parsing.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netlab::model {

/// An IPv4 address held in host byte order.
struct Ipv4 {
  uint32_t value = 0;

  /// Parses dotted-quad text ("192.168.122.1"); nullopt for anything else.
  static std::optional<Ipv4> parse(std::string_view text);
  std::string str() const;
  auto operator<=>(const Ipv4&) const = default;
};

/// An address with a prefix length ("192.168.122.1/24"). `address` keeps the
/// host bits as written; network() clears them.
struct Cidr {
  Ipv4 address;
  int prefix = 32;

  /// Parses "a.b.c.d/n" with 0 <= n <= 32; nullopt otherwise.
  static std::optional<Cidr> parse(std::string_view text);
  std::string str() const;
  uint32_t mask() const;
  Ipv4 network() const;
  Ipv4 broadcast() const;
  /// True when `ip` lies inside this block (network and broadcast included).
  bool contains(Ipv4 ip) const;
  /// True when the two blocks share at least one address.
  bool overlaps(const Cidr& other) const;
  /// The block with host bits cleared, e.g. 192.168.122.0/24.
  Cidr block() const { return {network(), prefix}; }
  auto operator<=>(const Cidr&) const = default;
};

/// An IPv6 address, 16 bytes in network order.
struct Ipv6 {
  std::array<uint8_t, 16> bytes{};

  /// Parses RFC 4291 text ("fd00:10::1", "::"); no zone, no brackets, no
  /// embedded IPv4 dotted form; nullopt for anything else.
  static std::optional<Ipv6> parse(std::string_view text);
  /// The RFC 5952 form (lower case, the longest run of zeros as "::").
  std::string str() const;
  /// This address plus `n` (carrying across bytes), e.g. the subnet's ::1.
  Ipv6 plus(uint64_t n) const;
  auto operator<=>(const Ipv6&) const = default;
};

/// An IPv6 address with a prefix length ("fd00:10::1/64"), as Cidr for IPv4.
struct Cidr6 {
  Ipv6 address;
  int prefix = 128;

  /// Parses "addr/n" with 0 <= n <= 128; nullopt otherwise.
  static std::optional<Cidr6> parse(std::string_view text);
  std::string str() const;
  Ipv6 network() const;
  bool contains(const Ipv6& ip) const;
  bool overlaps(const Cidr6& other) const;
  Cidr6 block() const { return {network(), prefix}; }
  auto operator<=>(const Cidr6&) const = default;
};

/// A 48-bit Ethernet address.
struct Mac {
  std::array<uint8_t, 6> bytes{};

  /// Parses "52:54:00:ab:cd:ef" (hex pairs, ':' or '-' separated); nullopt otherwise.
  static std::optional<Mac> parse(std::string_view text);
  /// Lower-case colon-separated form.
  std::string str() const;
  bool is_multicast() const { return bytes[0] & 1; }
  auto operator<=>(const Mac&) const = default;
};

}  // namespace netlab::model
