#pragma once
// Topologies built in code for the graphs tests: the three seed modes and a
// mixed lab, the same shapes as topologies/{nat,bridged,isolated}.yaml.
#include <string>

#include "netlab/model/topology.h"

namespace netlab::graphs::testing {

inline model::Mac mac(const char* text) { return *model::Mac::parse(text); }
inline model::Cidr cidr(const char* text) { return *model::Cidr::parse(text); }
inline model::Ipv4 ip(const char* text) { return *model::Ipv4::parse(text); }

inline model::Nic dhcp_nic(const std::string& network, const char* mac_text) {
  model::Nic n;
  n.network = network;
  n.mac = mac(mac_text);
  n.address_kind = model::AddressKind::dhcp;
  return n;
}

inline model::Nic static_nic(const std::string& network, const char* mac_text, const char* address) {
  model::Nic n = dhcp_nic(network, mac_text);
  n.address_kind = model::AddressKind::static_cidr;
  n.address = cidr(address);
  return n;
}

inline model::Network nat_network(const std::string& name, const char* subnet, const char* start, const char* end) {
  model::Network net;
  net.name = name;
  net.mode = model::NetworkMode::nat;
  net.subnet = cidr(subnet);
  model::Dhcp dhcp;
  dhcp.range_start = ip(start);
  dhcp.range_end = ip(end);
  net.dhcp = dhcp;
  return net;
}

/// lab "nat": network default 192.168.122.0/24 (nat, DHCP .100-.200), g1 static .10, g2 dhcp.
inline model::Topology nat_lab() {
  model::Topology t;
  t.name = "nat";
  t.networks.push_back(nat_network("default", "192.168.122.0/24", "192.168.122.100", "192.168.122.200"));
  model::Guest g1;
  g1.name = "g1";
  g1.nics.push_back(static_nic("default", "52:54:00:00:00:01", "192.168.122.10/24"));
  model::Guest g2;
  g2.name = "g2";
  g2.kind = model::GuestKind::kvm;
  g2.nics.push_back(dhcp_nic("default", "52:54:00:00:00:02"));
  t.guests = {g1, g2};
  return t;
}

/// lab "bridged": network lan in bridge mode enslaving eth1, two dhcp guests.
inline model::Topology bridged_lab() {
  model::Topology t;
  t.name = "bridged";
  model::Network net;
  net.name = "lan";
  net.mode = model::NetworkMode::bridge;
  net.bridge = "br0";
  net.uplink = "eth1";
  t.networks.push_back(net);
  for (int i = 1; i <= 2; ++i) {
    model::Guest g;
    g.name = "pc" + std::to_string(i);
    g.nics.push_back(dhcp_nic("lan", i == 1 ? "52:54:00:00:01:01" : "52:54:00:00:01:02"));
    t.guests.push_back(g);
  }
  return t;
}

/// lab "isolated": network priv 10.10.0.0/24 (isolated, DHCP), two guests.
inline model::Topology isolated_lab() {
  model::Topology t;
  t.name = "iso";
  model::Network net = nat_network("priv", "10.10.0.0/24", "10.10.0.50", "10.10.0.99");
  net.mode = model::NetworkMode::isolated;
  t.networks.push_back(net);
  model::Guest a;
  a.name = "a";
  a.nics.push_back(static_nic("priv", "52:54:00:00:02:01", "10.10.0.5/24"));
  model::Guest b;
  b.name = "b";
  b.nics.push_back(dhcp_nic("priv", "52:54:00:00:02:02"));
  t.guests = {a, b};
  return t;
}

/// lab "mixed": nat + route + isolated (OVS) networks, a router guest with three NICs.
inline model::Topology mixed_lab() {
  model::Topology t;
  t.name = "mix";
  t.host.uplink = "enp1s0";
  t.networks.push_back(nat_network("outside", "192.168.50.0/24", "192.168.50.100", "192.168.50.150"));
  model::Network routed = nat_network("dmz", "10.1.0.0/24", "10.1.0.10", "10.1.0.20");
  routed.mode = model::NetworkMode::route;
  t.networks.push_back(routed);
  model::Network inner;
  inner.name = "inner";
  inner.mode = model::NetworkMode::isolated;
  inner.switch_kind = model::SwitchKind::ovs;
  inner.subnet = cidr("10.2.0.0/24");
  t.networks.push_back(inner);
  model::Guest r;
  r.name = "router";
  r.kind = model::GuestKind::kvm;
  r.nics.push_back(dhcp_nic("outside", "52:54:00:00:03:01"));
  r.nics.push_back(static_nic("dmz", "52:54:00:00:03:02", "10.1.0.2/24"));
  r.nics.push_back(static_nic("inner", "52:54:00:00:03:03", "10.2.0.1/24"));
  model::Guest w;
  w.name = "web";
  w.nics.push_back(static_nic("dmz", "52:54:00:00:03:04", "10.1.0.80/24"));
  model::Guest db;
  db.name = "db";
  db.nics.push_back(static_nic("inner", "52:54:00:00:03:05", "10.2.0.5/24"));
  db.nics.back().vlan = 10;
  t.guests = {r, w, db};
  return t;
}

}  // namespace netlab::graphs::testing
