#pragma once
// Correlation: groups the records of one packet across devices by an identity
// that survives NAT, orders each group along the hop map, inserts the
// route/nat point where TTL, MACs or addresses changed, and finds drops.
// The result is compact (indices and bit masks, no strings); label() turns it
// into TracedPackets for output.
#include <cstdint>
#include <vector>

#include "tracer/capture_set.h"
#include "tracer/decode.h"
#include "tracer/hop_graph.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// The change bits between two sightings of one packet (b after a).
uint16_t diff_records(const PacketRecord& a, const PacketRecord& b);

/// The identity of a packet that NAT and routing keep: ICMP echo type/seq +
/// payload hash; TCP seq/ack/flags + payload hash; UDP payload hash + length;
/// ARP op/sender/target; plus the IPv4 ID when use_ip_id. 64-bit hash.
uint64_t packet_identity(const PacketRecord& rec, bool use_ip_id);

struct CorrelateOptions {
  bool use_ip_id = true;               // Linux NAT keeps the IP ID; turn off for NATs that rewrite it
  uint64_t max_spread_ns = 1000000000; // sightings further apart than this are different packets
};

/// One hop of a packet path; a point hop has node = a route/nat point.
struct PathHop {
  uint32_t record = 0;              // the sighting (for a point: the one after the point)
  uint32_t prev_record = UINT32_MAX;// the sighting before (UINT32_MAX for the first hop)
  uint16_t node = 0;                // HopGraph node
  HopRole role = HopRole::unknown;
  Direction dir = Direction::unknown;
  bool bridged_through = false;     // a bridge/ovs hop the frame crossed at layer 2 ("fwd")
  uint16_t changes = 0;             // ChangeBit mask vs prev_record
};

/// One packet: hops[first_hop .. first_hop+hop_count) of Correlation::hops.
struct PacketPath {
  uint32_t first_hop = 0;
  uint32_t hop_count = 0;
  Leg leg = Leg::request;
  bool dropped = false;
  uint32_t drop_after_record = 0;  // the last sighting when dropped
};

struct Correlation {
  std::vector<PacketPath> paths;  // ordered by the time of their first hop
  std::vector<PathHop> hops;
};

/// Correlates all records of `set` along `graph` (built from the same set).
Correlation correlate(const CaptureSet& set, const HopGraph& graph, const CorrelateOptions& options = {});

}  // namespace netlab::tracer
