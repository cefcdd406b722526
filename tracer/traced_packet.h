#pragma once
// The result of a trace, ready for output: for every packet seen, its hops in
// path order with what changed at each. Produced by label() from a
// Correlation (offline) and, later, by the live tracer; consumed by the text,
// JSON, pcapng and graph outputs.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/vocabulary.h"

namespace netlab::tracer {

using model::Direction;
using model::HopRole;
using model::Leg;

/// What differs between a packet's sightings on two consecutive devices.
enum ChangeBit : uint16_t {
  kChangeSrcIp = 1 << 0,
  kChangeDstIp = 1 << 1,
  kChangeSport = 1 << 2,
  kChangeDport = 1 << 3,
  kChangeIcmpId = 1 << 4,
  kChangeTtl = 1 << 5,
  kChangeSrcMac = 1 << 6,
  kChangeDstMac = 1 << 7,
  kChangeVlan = 1 << 8,
};
constexpr uint16_t kChangeRewrite = kChangeSrcIp | kChangeDstIp | kChangeSport | kChangeDport | kChangeIcmpId;

/// One nftables rule (or chain policy) a packet met at a route/nat point,
/// from the live trace's nft trace events (empty offline).
struct RuleHit {
  std::string family;   // "ip", "inet", ...
  std::string table;
  std::string chain;
  uint64_t handle = 0;  // 0 for a chain policy
  std::string rule;     // the rule's text, e.g. "iifname \"nat-default\" ... accept"; "policy" for a policy
  std::string comment;  // its comment ("" when none)
  std::string verdict;  // "accept", "drop", "continue", ...
};

/// One place where the packet was seen (a device) or decided on (a route/nat point).
struct Hop {
  int index = 0;          // 1-based position in the path
  uint64_t t_ns = 0;      // capture time; for a point, the time it was seen on the next device
  std::string netns;      // "" = the root namespace
  std::string device;     // "" for a route/nat point
  std::string friendly;   // what the user calls the device ("web:eth0"), from the hop map; "" when none
  HopRole role = HopRole::unknown;
  Direction direction = Direction::unknown;  // in, out, fwd (bridged through), point
  std::string change;     // what differs from the previous device, e.g. "src 192.168.100.11 → 203.0.113.2"; "" if nothing
  uint16_t changes = 0;   // the same as ChangeBit mask, for code that decides on it
  int vlan = -1;          // outer 802.1Q tag the packet carried on this device; -1 untagged or a point
  int64_t record = -1;    // index into CaptureSet::records; -1 for a point
  std::vector<RuleHit> rules;          // live: nft rules met here (route/nat points)
  std::vector<std::string> conntrack;  // live: conntrack entries explaining a nat point
};

/// One packet followed across the devices.
struct TracedPacket {
  Leg leg = Leg::request;
  std::string summary;     // as seen on its first hop, e.g. "icmp echo-request 192.168.100.11 → 203.0.113.1 id 10342 seq 0"
  std::vector<Hop> hops;
  bool dropped = false;    // it did not reach the device where it should have arrived
  std::string drop_after;  // "<netns>/<device>" of the last device where it was seen
  std::string drop_cause;  // filled by the live explainer (nft verdict, forwarding off, ...); "" offline
};

}  // namespace netlab::tracer
