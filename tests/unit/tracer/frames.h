#pragma once
// Builders for hand-made frames used by the tracer unit tests.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace netlab::tracer::testing {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes* b, uint16_t v) { b->push_back(static_cast<uint8_t>(v >> 8)); b->push_back(static_cast<uint8_t>(v)); }
inline void put32(Bytes* b, uint32_t v) { put16(b, static_cast<uint16_t>(v >> 16)); put16(b, static_cast<uint16_t>(v)); }
inline void append(Bytes* b, const Bytes& more) { b->insert(b->end(), more.begin(), more.end()); }

inline Bytes mac(uint8_t last) { return {0x02, 0, 0, 0, 0, last}; }

/// Ethernet header; `tags` VLAN ids are inserted as 802.1Q tags.
inline Bytes ether(uint8_t dst, uint8_t src, uint16_t type, std::initializer_list<uint16_t> tags = {}) {
  Bytes b = mac(dst);
  append(&b, mac(src));
  for (uint16_t vid : tags) { put16(&b, 0x8100); put16(&b, vid); }
  put16(&b, type);
  return b;
}

/// IPv4 header (no options, checksum 0) around `payload`.
inline Bytes ipv4(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& payload, uint8_t ttl = 64, uint16_t id = 0x1234,
                  uint16_t frag = 0) {
  Bytes b{0x45, 0};
  put16(&b, static_cast<uint16_t>(20 + payload.size()));
  put16(&b, id);
  put16(&b, frag);
  b.push_back(ttl);
  b.push_back(proto);
  put16(&b, 0);
  put32(&b, src);
  put32(&b, dst);
  append(&b, payload);
  return b;
}

inline Bytes icmp_echo(uint8_t type, uint16_t id, uint16_t seq, const Bytes& data) {
  Bytes b{type, 0, 0, 0};
  put16(&b, id);
  put16(&b, seq);
  append(&b, data);
  return b;
}

inline Bytes tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const Bytes& data) {
  Bytes b;
  put16(&b, sport);
  put16(&b, dport);
  put32(&b, seq);
  put32(&b, ack);
  b.push_back(5 << 4);
  b.push_back(flags);
  put16(&b, 65535);
  put32(&b, 0);
  append(&b, data);
  return b;
}

inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& data) {
  Bytes b;
  put16(&b, sport);
  put16(&b, dport);
  put16(&b, static_cast<uint16_t>(8 + data.size()));
  put16(&b, 0);
  append(&b, data);
  return b;
}

/// IPv6 header around `payload` (which starts with the header `next` names).
inline Bytes ipv6(const Bytes& src, const Bytes& dst, uint8_t next, const Bytes& payload, uint8_t hop_limit = 64,
                  uint32_t flow = 0x12345) {
  Bytes b;
  put32(&b, (6u << 28) | (flow & 0xfffff));
  put16(&b, static_cast<uint16_t>(payload.size()));
  b.push_back(next);
  b.push_back(hop_limit);
  append(&b, src);
  append(&b, dst);
  append(&b, payload);
  return b;
}

/// 16 bytes of an IPv6 address: `prefix` (up to 8 bytes) then zeros and `last` as the last byte.
inline Bytes ip6(std::initializer_list<uint8_t> prefix, uint8_t last) {
  Bytes b(prefix);
  b.resize(15, 0);
  b.push_back(last);
  return b;
}

inline Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

inline constexpr uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}

}  // namespace netlab::tracer::testing
