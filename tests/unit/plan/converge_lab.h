#pragma once
// The lab the converge tests start from and change (converge_test: the plan of
// each change; converge_apply_test: that plan carried out), with its loader and
// the text edits that make its changed versions.
#include <gtest/gtest.h>

#include <string>

#include "netlab/model/loader.h"

namespace netlab::plan {

/// Lab `name`: network lan (nat) with g1 (DHCP, MAC ..:10), g2 (DHCP; MAC
/// `g2_mac`, or one derived from its name when "") and s1 (static); dmz
/// (route) with no guest; sw (isolated, OVS) with v1 tagged VLAN 10.
inline std::string converge_lab(const std::string& name, const std::string& g2_mac = "") {
  const std::string g2 = g2_mac.empty() ? "{network: lan}" : "{network: lan, mac: \"" + g2_mac + "\"}";
  return "name: " + name + R"(
networks:
  lan:
    subnet: 192.168.122.0/24
  dmz:
    mode: route
    subnet: 10.9.0.0/24
  sw:
    mode: isolated
    switch: ovs
    subnet: 10.7.0.0/24
guests:
  g1: {nics: [{network: lan, mac: "52:54:00:00:00:10"}]}
  g2: {nics: [)" + g2 + R"(]}
  s1: {nics: [{network: lan, address: 192.168.122.20/24}]}
  v1: {nics: [{network: sw, vlan: 10, address: 10.7.0.5/24}]}
)";
}

/// `text` loaded as a topology; a test failure when it does not load.
inline model::Topology load_lab(const std::string& text) {
  auto r = model::load_string(text, "converge.yaml");
  EXPECT_TRUE(r.ok()) << model::format_all(r.diagnostics);
  return r.topology;
}

/// `text` with every `from` replaced by `to`; a test failure when `from` is not in it.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  EXPECT_NE(text.find(from), std::string::npos) << from;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace netlab::plan
