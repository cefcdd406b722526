#pragma once
// A lab's OVN network as rows of the northbound database, written in ONE
// OVSDB transaction that first deletes whatever the lab wrote for that network
// before (rows tagged external_ids netlab-lab / netlab-network) and then
// inserts it afresh: so applying is idempotent, repairs drift (a logical port
// deleted by hand) and never leaves half a network. Also the southbound facts
// `status` shows. The transaction is built by a pure function (unit-tested).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netlab/host/ovsdb.h"
#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// A guest NIC's logical switch port. Its name is also the iface-id of the OVS port that binds it.
struct OvnPortSpec {
  std::string name;
  model::Mac mac;
  std::optional<model::Ipv4> ip;  // static (address or DHCP reservation); nullopt = OVN's IPAM picks one
  bool dhcp = false;              // served by the network's DHCP_Options
  std::optional<int> vlan;        // ports of one VLAN get a logical switch of their own
  /// options:requested-chassis: only this chassis binds the port, though another
  /// host's br-int holds an interface with the same iface-id (a VM's tap made
  /// on the destination before a live migration). "" = any chassis.
  std::string chassis;
};

/// What one lab network becomes in NB: a logical switch (per VLAN one more),
/// and for nat/route a router with a distributed gateway port on `gateway_chassis`
/// facing the physical network `physnet` (SNAT when `snat`).
struct OvnNetworkSpec {
  std::string lab, network;
  model::Cidr subnet;
  std::optional<model::Ipv4> gateway;
  model::Mac router_mac;
  int mtu = 1400;
  bool dhcp = false;
  std::optional<model::Ipv4> range_start, range_end;  // DHCP pool (IPAM keeps to it)
  std::string lease_seconds = "3600";
  bool router = false, snat = false;
  std::string gateway_chassis, physnet = "physnet";
  model::Cidr external;            // the router's address on the outside network
  model::Ipv4 external_gateway;    // the outside's router (default route)
  model::Mac external_mac;
  std::vector<OvnPortSpec> ports;
};

/// Names of the NB rows a network makes (ovn-trace takes the switch's).
std::string ovn_switch_name(const std::string& network, std::optional<int> vlan = {});
std::string ovn_router_name(const std::string& network);

/// The transaction's operations (without the database name), pure.
nlohmann::json ovn_network_operations(const OvnNetworkSpec& spec);
/// A digest of the spec, kept in the switch's external_ids:netlab-digest.
std::string ovn_network_digest(const OvnNetworkSpec& spec);
/// Writes the network (one transaction).
Status ovn_apply_network(OvsdbClient& nb, const OvnNetworkSpec& spec);
/// Moves logical port `port` of the network to `chassis` (options:requested-chassis)
/// in one transaction that also stamps the switch with the digest of `spec`, the
/// network as it is with the port moved. The row is updated, not recreated, so
/// OVN's IPAM keeps its dynamic address (the VM keeps its lease).
Status ovn_move_port(OvsdbClient& nb, const OvnNetworkSpec& spec, const std::string& port, const std::string& chassis);
/// True when NB holds the network as `spec` says: its switches carry the
/// spec's digest and every port of the spec is on them (and the router exists).
Result<bool> ovn_network_matches(OvsdbClient& nb, const OvnNetworkSpec& spec);

/// Southbound facts for `status`.
struct OvnChassisInfo {
  std::string name, encap_type, encap_ip;
};
struct OvnBindingInfo {
  std::string logical_port, chassis;  // chassis "" = unbound
  bool up = false;
};
struct OvnPortAddresses {
  std::string port, addresses, dynamic_addresses;
};
Result<std::vector<OvnChassisInfo>> ovn_chassis(OvsdbClient& sb);
Result<std::vector<OvnBindingInfo>> ovn_bindings(OvsdbClient& sb);
Result<std::vector<OvnPortAddresses>> ovn_port_addresses(OvsdbClient& nb);

/// A host's tunnel ports (OVS interfaces of type geneve or vxlan): name and remote_ip.
struct OvsTunnel {
  std::string name, type, remote_ip;
};
Result<std::vector<OvsTunnel>> ovs_tunnels(OvsdbClient& ovs);

}  // namespace netlab::host
