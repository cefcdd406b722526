#pragma once
// The lab as a KVM host sees it, as a Diagram: the host box with its physical
// NIC, per network a bridge (or OVS bridge) with its ports, the NAT/route
// boundary, dnsmasq with its range, each guest with its NICs, MACs and
// addresses, and outside the host the upstream network (or, in a sandbox, the
// simulated <lab>-wan / <lab>-lan). Modes are told apart by colour and style,
// explained by a legend.
//
// Node ids (stable, so figures can be diffed):
//   n_guest_<guest>            a guest; its NICs are ports nic0, nic1, ... of its table
//   n_group_<network>_<k>      the k-th group (0, 1, ...) of same-shape guests on a
//                              network, drawn as one (see DiagramOptions); port nic0
//   n_gport_<network>_<k>      the host-side devices of that group's NICs
//   n_port_<guest>_<index>     the host-side device of a guest NIC (tap, veth or macvtap)
//   n_disk_<guest>             a KVM guest's disk (image, thin/thick, vCPUs and memory)
//   n_bridge_<network>         the network's Linux bridge or OVS bridge
//   n_dnsmasq_<network>        dnsmasq serving DHCP/DNS on the network
//   n_nat_<network>            the masquerade point (nat mode)
//   n_route_<network>          the forwarding point (route mode)
//   n_nic_<device>             a physical NIC of the host (the uplink)
//   n_wan, n_lan               the upstream network / the bridged LAN outside the host
//   n_legend                   the legend
// A lab on OVN (README "Labs across hosts") adds, per host h, n_brint_<h> (its
// integration bridge, key "dev:<netns>/br-int") and, with two hosts or more,
// n_tunnel_<h> (its underlay device, key "dev:<netns>/dc0"), n_underlay (the
// data-centre network) and a dashed "Geneve tunnel" edge between every two
// hosts; an OVN network's n_bridge_<network> is its logical switch and its
// n_nat_/n_route_<network> the logical router, in a cluster outside the hosts
// (it spans them), and its guests' ports sit in their host's box on br-int.
// Match keys (Node::match), used to place traced hops: "dev:<device>" on every
// device node, "guest:<guest>:<nic>" and "guest-nic:<netns>:<nic>" (port nicN)
// on guests, "nat:<bridge>"/"nat:<network>" (or route:), "uplink:<device>", "macvtap:<guest>:<nic>",
// "upstream:wan", "upstream:lan", "dnsmasq:<network>".
// Clusters: cluster_host, cluster_net_<network> (inside the host; an OVN network's
// at the top level), cluster_host_<host> (each host after the first), cluster_legend.
// (<...> parts pass through id_part(), which is one-to-one onto [A-Za-z0-9_]: see diagram.h.)
#include <map>
#include <string>

#include "graphs/diagram.h"
#include "netlab/model/topology.h"

namespace netlab::graphs {

/// What is known about a running lab beyond its file.
struct LiveData {
  /// Leases by NIC MAC (lower-case "52:54:00:.."), the leased IPv4 address ("192.168.122.57").
  std::map<std::string, std::string> leases;
  /// The lab runs in a sandbox: the host is "<lab>-host" and the outside is the
  /// simulated <lab>-wan / <lab>-lan.
  bool sandbox = false;
};

/// How much of a large lab is drawn one by one.
struct DiagramOptions {
  /// Guests of one shape (one NIC, on the same network, same kind, address
  /// kind and VLAN) are drawn as one node ("g1 … g1000: 1000 light guests,
  /// DHCP") when there are more than this many of them; SIZE_MAX draws every
  /// guest. A group node carries every member's match keys, so a traced path
  /// through any member lands on it.
  size_t group_above = 10;
};

/// Builds the diagram of `topology` (expected to be valid; references to unknown
/// networks are drawn as far as they resolve). Deterministic: the same input
/// gives an identical Diagram, nodes and edges in file order (a group where its
/// first member would be).
Diagram build_lab_diagram(const model::Topology& topology, const LiveData& live = {},
                          const DiagramOptions& options = {});

/// The colour that stands for a network mode in every figure (and its light fill).
const char* mode_color(model::NetworkMode mode);
const char* mode_fill(model::NetworkMode mode);

/// The host's uplink device as drawn: host.uplink, else "eth0" (the sandbox's
/// name for it, and the usual name of the default-route NIC).
std::string host_uplink(const model::Topology& topology, const LiveData& live);

/// The text shown for a NIC's address: its static CIDR, the live lease
/// ("192.168.122.57 (lease)"), the DHCP reservation of its MAC in `network`
/// ("dhcp (reserved 192.168.122.10)"), "dhcp" when none is known, or "no address".
std::string nic_address_text(const model::Nic& nic, const model::Network* network, const LiveData& live);

}  // namespace netlab::graphs
