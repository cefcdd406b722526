#pragma once
// The conntrack table of a namespace over netlink (libnl-nf-3), reduced to the
// entries of one probe: the NAT explanation of a trace (original and reply
// tuples; a reply tuple whose destination differs from the original source
// shows the masquerade).
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::tracer {

/// One direction of a connection.
struct CtTuple {
  model::Ipv4 src, dst;
  uint16_t sport = 0, dport = 0;  // TCP/UDP ports; ICMP: sport = echo id
};

/// One conntrack entry.
struct CtEntry {
  uint8_t proto = 0;   // IPPROTO_*
  CtTuple original;
  CtTuple reply;
  uint32_t status = 0; // IPS_* bits
  std::string state;   // TCP state ("ESTABLISHED", ...), "" for other protocols
  uint32_t timeout = 0;

  bool src_nat() const { return (status & (1u << 4)) != 0; }
  bool dst_nat() const { return (status & (1u << 5)) != 0; }
  bool seen_reply() const { return (status & (1u << 1)) != 0; }
};

/// Which entries to keep: by protocol and addresses; port 0 = any.
struct CtFilter {
  uint8_t proto = 0;
  model::Ipv4 src, dst;
  uint16_t dport = 0;
};

/// Dumps the conntrack table of namespace `netns` ("" = the caller's) and
/// returns the IPv4 entries whose original tuple matches `filter`.
Result<std::vector<CtEntry>> conntrack_entries(const std::string& netns, const CtFilter& filter);

/// "icmp 192.168.122.10 → 198.51.100.1 id 7" style text of a tuple.
std::string format_tuple(uint8_t proto, const CtTuple& t);
/// One line: "tcp original 192.168.122.10:40000 → 198.51.100.1:80, reply 198.51.100.1:80 → 203.0.113.2:40000
/// [SNAT, ESTABLISHED]".
std::string format_entry(const CtEntry& e);
/// "SNAT", "SNAT seen-reply" ... : the status flags that matter to a reader.
std::string format_status(const CtEntry& e);

}  // namespace netlab::tracer
