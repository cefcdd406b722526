#pragma once
// The hop map: for each guest NIC, every device a packet from it crosses on the
// way out, with the namespace each lives in. The engine writes it into the lab's
// state (/run/netlab/<lab>/hopmap.json); the tracer needs nothing else from the
// engine, and `netlab trace --offline DIR` reads the same file written by hand.
//
// hopmap.json (stable, documented in README "Hop map"):
// {
//   "lab": "nat",
//   "nics": [ {
//     "guest": "g1", "nic": "eth0", "network": "default", "mode": "nat",
//     "mac": "52:54:00:..", "address": "192.168.122.57/24",   // "" when unknown
//     "hops": [ {"role": "guest-nic", "netns": "nat-g1",   "device": "eth0"},
//               {"role": "veth",      "netns": "nat-host", "device": "nat-g1-0", "friendly": "g1:eth0"},
//               {"role": "bridge",    "netns": "nat-host", "device": "nat-default", "friendly": "network default"},
//               {"role": "nat",       "netns": "nat-host", "device": ""},
//               {"role": "uplink",    "netns": "nat-host", "device": "uplink"},
//               {"role": "upstream",  "netns": "nat-wan",  "device": "wan0"} ] } ]
// }
// Roles, in path order: guest-nic, veth | tap | macvtap, bridge | ovs, route | nat
// (a point, no device: where forwarding or masquerade happens), uplink, upstream.
// "address6" (optional): the NIC's global IPv6 address with its prefix length
// ("fd00:10::10/64": static, or the SLAAC/DHCPv6 address it held when `up` wrote
// the map), absent on IPv4-only NICs.
// "vlan" (optional): the NIC's access VLAN on an OVS switch, absent when untagged.
// "friendly" (optional, absent in hop maps written before it): what the user
// calls a device whose kernel name netlab derived (model/names.h) — "g1:eth0"
// for a guest NIC's host side, "network default" for a bridge.
// In memory roles and modes are enums (vocabulary.h); their spellings are those
// of vocabulary.cpp's name tables, and reading rejects any other.
#include <string>
#include <vector>

#include "netlab/model/result.h"
#include "netlab/model/vocabulary.h"

namespace netlab::model {

/// The hop map's file name, in a lab's run directory and in a capture set.
inline constexpr const char* kHopMapFile = "hopmap.json";

struct Hop {
  HopRole role = HopRole::unknown;
  std::string netns;   // "" = the root namespace
  std::string device;  // "" for route/nat points
  std::string friendly;  // "" when the device name is the user's own (model/names.h)
  bool operator==(const Hop&) const = default;
};

struct NicPath {
  std::string guest;
  std::string nic;
  std::string network;
  NetworkMode mode = NetworkMode::nat;
  std::string mac;
  std::string address;
  std::string address6;  // "" when the NIC holds no global IPv6 address
  int vlan = -1;  // the NIC's access VLAN on an OVS switch; -1 untagged ("vlan" absent in the JSON)
  std::string ovn_port;     // an OVN NIC's logical switch port (names.h ovn_logical_port); "" otherwise (absent in the JSON)
  std::string ovn_gateway;  // an OVN nat/route NIC's gateway chassis (the host with the uplink); "" otherwise (the same)
  std::vector<Hop> hops;
  bool operator==(const NicPath&) const = default;
};

struct HopMap {
  std::string lab;
  std::vector<NicPath> nics;
  bool operator==(const HopMap&) const = default;
};

/// The first hop of `nic` with role `role`, or nullptr.
const Hop* find_hop(const NicPath& nic, HopRole role);
/// The NIC's switch: its "bridge" or "ovs" hop; nullptr on a macvtap network.
const Hop* switch_hop(const NicPath& nic);

/// "<friendly> (<device>)" or the device alone: how a hop is shown to a user.
std::string hop_label(const Hop& hop);

/// Serialises to the JSON above (two-space indented).
std::string hopmap_to_json(const HopMap& map);
/// Parses the JSON above; on failure returns false and sets *err to a sentence.
bool hopmap_from_json(const std::string& text, HopMap* map, std::string* err);
/// Reads and parses the hop map file at `path`: the one reader of hopmap.json
/// (a lab's, a capture set's). An Error with bad_input set when the file cannot
/// be read (there is no such lab or set), without it when it does not parse.
Result<HopMap> read_hopmap_file(const std::string& path);

}  // namespace netlab::model
