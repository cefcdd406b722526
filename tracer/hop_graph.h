#pragma once
// The hop map as a graph: every device and route/nat point of every guest NIC's
// path is a node, consecutive hops are joined. The correlator orders a packet's
// sightings by their distance from where it entered, and finds the route/nat
// point a packet crossed between two devices.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "tracer/capture_set.h"

namespace netlab::tracer {

struct GraphNode {
  std::string netns;
  std::string device;   // "" for a point
  std::string friendly; // the hop map's friendly name of the device ("web:eth0"), "" when none
  model::HopRole role = model::HopRole::unknown;
  bool point = false;   // a route/nat point (no device)
  bool captured = false;
  int depth = 0;        // smallest position in any NIC path (guest-nic = 0)
};

class HopGraph {
 public:
  static constexpr uint16_t kFar = 0xffff;

  /// Nodes 0..devices.size()-1 are the capture set's devices (node == device
  /// index), then hop-map devices without a capture, then points. Points of
  /// several NIC paths with the same role and namespace are one node.
  static HopGraph build(const model::HopMap& map, const std::vector<Device>& devices);

  size_t size() const { return nodes_.size(); }
  const GraphNode& node(size_t i) const { return nodes_[i]; }
  /// Hops between two nodes along the paths; kFar when not connected.
  uint16_t dist(size_t a, size_t b) const { return dist_[a * nodes_.size() + b]; }
  /// A point on a shortest way from a to b, or -1.
  int point_between(size_t a, size_t b) const { return between_[a * nodes_.size() + b]; }
  /// The guest-nic node whose NIC has address `ip` (host order), or -1.
  int guest_nic_of(uint32_t ip) const;
  /// True when `ip` is inside the subnet of any guest NIC's address.
  bool in_guest_subnet(uint32_t ip) const;
  /// As guest_nic_of and in_guest_subnet for an IPv6 address (16 bytes, network
  /// order), from the NICs' `address6`.
  int guest_nic_of6(const uint8_t* ip) const;
  bool in_guest_subnet6(const uint8_t* ip) const;
  /// The outermost captured node of the first NIC path through `n`, or -1.
  int outer_end(size_t n) const { return outer_[n]; }

 private:
  std::vector<GraphNode> nodes_;
  std::vector<uint16_t> dist_;
  std::vector<int> between_;
  std::vector<int> outer_;
  std::vector<std::pair<model::Cidr, int>> guests_;  // NIC address -> its guest-nic node (-1 if none)
  std::vector<std::pair<model::Cidr6, int>> guests6_;  // NIC IPv6 address -> its guest-nic node
};

}  // namespace netlab::tracer
