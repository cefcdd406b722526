#pragma once
// Helpers of the tracer integration tests: the NAT and VLAN topologies under a
// given lab name, `netlab trace --json` parsed, and hop lists projected to stable strings.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lab_fixture.h"
#include "netlab/model/hopmap.h"

namespace netlab::testing {

/// topologies/nat.yaml's lab (g1 with the reservation .10, g2 dynamic) named `lab`.
inline std::string nat_topology(const std::string& lab) {
  return "name: " + lab + R"(
networks:
  default:
    mode: nat
    subnet: 192.168.122.0/24
    gateway: 192.168.122.1
    dhcp:
      range: 192.168.122.100-192.168.122.199
      hosts:
        - {name: g1, mac: "52:54:00:00:00:10", ip: 192.168.122.10}
guests:
  g1:
    nics:
      - {network: default, mac: "52:54:00:00:00:10"}
  g2:
    nics:
      - {network: default}
)";
}

/// Lab `lab` with one OVS switch, network core (`mode`, 10.20.0.0/24): red1
/// (.11) in VLAN 10, with `red2` a second guest red2 (.12) in VLAN 10, and
/// blue1 (.21) in VLAN 20.
inline std::string vlan_topology(const std::string& lab, const std::string& mode, bool red2) {
  return "name: " + lab + R"(
networks:
  core:
    mode: )" + mode + R"(
    switch: ovs
    subnet: 10.20.0.0/24
guests:
  red1:
    nics:
      - {network: core, vlan: 10, address: 10.20.0.11/24}
)" + (red2 ? R"(  red2:
    nics:
      - {network: core, vlan: 10, address: 10.20.0.12/24}
)" : "") + R"(  blue1:
    nics:
      - {network: core, vlan: 20, address: 10.20.0.21/24}
)";
}

/// `netlab trace LAB --from G --to A [extra...] --json`, parsed; a failure when it did not exit 0.
inline nlohmann::json trace_json(const std::string& lab, const std::string& from, const std::string& to,
                                 std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"trace", lab, "--from", from, "--to", to, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Outcome o = netlab(args, 60);
  EXPECT_EQ(o.exit_code, 0) << o.err;
  auto doc = nlohmann::json::parse(o.out, nullptr, false);
  EXPECT_TRUE(doc.is_object()) << o.out;
  return doc.is_object() ? doc : nlohmann::json::object();
}

/// "role netns/device dir" per hop of packet `p`.
inline std::vector<std::string> hops_of(const nlohmann::json& packet) {
  std::vector<std::string> out;
  for (const auto& h : packet["hops"]) {
    std::string dev = h["device"].get<std::string>();
    out.push_back(h["role"].get<std::string>() + " " + h["netns"].get<std::string>() + "/" +
                  (dev.empty() ? "-" : dev) + " " + h["direction"].get<std::string>());
  }
  return out;
}

/// The packets of a trace of one kind ("request"/"reply") whose summary starts with `prefix`.
inline std::vector<nlohmann::json> packets_of(const nlohmann::json& doc, const std::string& kind,
                                              const std::string& prefix = "") {
  std::vector<nlohmann::json> out;
  for (const auto& p : doc["packets"]) {
    if (p["kind"] == kind && p["summary"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(p);
  }
  return out;
}

/// The first hop of `packet` with role `role`, or null.
inline nlohmann::json hop_with_role(const nlohmann::json& packet, const std::string& role) {
  for (const auto& h : packet["hops"]) {
    if (h["role"] == role) return h;
  }
  return nullptr;
}

/// The drop cause of the first dropped packet ("" when none dropped).
inline std::string first_drop_cause(const nlohmann::json& doc) {
  for (const auto& p : doc["packets"]) {
    if (p["dropped"].get<bool>()) return p["drop_cause"].get<std::string>();
  }
  return "";
}

/// `netlab doctor LAB [GUEST]`.
inline Outcome doctor(const std::string& lab, const std::string& guest = "") {
  std::vector<std::string> args{"doctor", lab};
  if (!guest.empty()) args.push_back(guest);
  return netlab(args, 60);
}

/// The address a guest NIC holds, from the lab's hop map (as `netlab up` recorded it).
inline std::string hopmap_address(const std::string& lab, const std::string& guest) {
  auto map = model::read_hopmap_file("/run/netlab/" + lab + "/" + model::kHopMapFile);
  if (!map) return "";
  for (const auto& nic : map->nics)
    if (nic.guest == guest) return nic.address.substr(0, nic.address.find('/'));
  return "";
}

}  // namespace netlab::testing
