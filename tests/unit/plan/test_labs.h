#pragma once
// Small topologies and step helpers shared by the plan tests.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

using model::Cidr;
using model::Ipv4;

inline model::Network make_network(const std::string& name, model::NetworkMode mode, const std::string& subnet) {
  model::Network n;
  n.name = name;
  n.mode = mode;
  if (!subnet.empty()) n.subnet = Cidr::parse(subnet);
  return n;
}

inline model::Guest make_guest(const std::string& name, const std::string& network, const std::string& address) {
  model::Guest g;
  g.name = name;
  model::Nic nic;
  nic.network = network;
  nic.mac = model::Mac::parse("52:54:00:00:00:0" + std::to_string(name.size()));
  if (address == "dhcp") {
    nic.address_kind = model::AddressKind::dhcp;
  } else {
    nic.address_kind = model::AddressKind::static_cidr;
    nic.address = Cidr::parse(address);
  }
  g.nics.push_back(nic);
  return g;
}

inline model::Topology nat_lab() {
  model::Topology t;
  t.name = "nat";
  auto net = make_network("default", model::NetworkMode::nat, "192.168.122.0/24");
  net.dhcp = model::Dhcp{*Ipv4::parse("192.168.122.100"), *Ipv4::parse("192.168.122.199")};
  t.networks.push_back(net);
  t.guests.push_back(make_guest("g1", "default", "dhcp"));
  t.guests.push_back(make_guest("g22", "default", "192.168.122.10/24"));
  return t;
}

/// Lab brg: a bridge-mode network office on the host's NIC `uplink`, guest pc on it by DHCP.
inline model::Topology bridged_lab(const std::string& uplink) {
  model::Topology t;
  t.name = "brg";
  auto net = make_network("office", model::NetworkMode::bridge, "");
  net.uplink = uplink;
  t.networks.push_back(net);
  t.guests.push_back(make_guest("pc", "office", "dhcp"));
  return t;
}

/// Lab ovs: a nat network core on an OVS switch, guest red (10.20.0.11) in VLAN 10.
inline model::Topology ovs_lab() {
  model::Topology t;
  t.name = "ovs";
  auto net = make_network("core", model::NetworkMode::nat, "10.20.0.0/24");
  net.switch_kind = model::SwitchKind::ovs;
  t.networks.push_back(net);
  auto guest = make_guest("red", "core", "10.20.0.11/24");
  guest.nics[0].vlan = 10;
  t.guests.push_back(guest);
  return t;
}

inline Target sandbox_target(const std::string& lab) { return Target{true, lab + "-host", "/run/netlab/" + lab}; }

template <typename A>
std::vector<A> all_of(const std::vector<Action>& steps) {
  std::vector<A> found;
  for (const auto& s : steps)
    if (auto* a = std::get_if<A>(&s)) found.push_back(*a);
  return found;
}

inline std::vector<std::string> describe_all(const std::vector<Action>& steps) {
  std::vector<std::string> lines;
  for (const auto& s : steps) lines.push_back(describe(s));
  return lines;
}

/// A private run directory (NETLAB_RUN_DIR) for the lifetime of the object, so
/// journals written by tests land in a scratch folder, removed afterwards.
class ScratchRunDir {
 public:
  ScratchRunDir() {
    char path[] = "/tmp/netlab-plan-test-XXXXXX";
    if (::mkdtemp(path)) path_ = path;
    ::setenv("NETLAB_RUN_DIR", path_.c_str(), 1);
  }
  ~ScratchRunDir() {
    ::unsetenv("NETLAB_RUN_DIR");
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchRunDir(const ScratchRunDir&) = delete;
  ScratchRunDir& operator=(const ScratchRunDir&) = delete;
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

}  // namespace netlab::plan
