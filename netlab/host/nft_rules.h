#pragma once
// The nftables text of a lab, rendered from plain values: one `inet` table per
// lab (model::nft_table_name) holding a forward filter chain and a postrouting
// NAT chain with libvirt's semantics per network mode. Pure functions, so the
// text is unit-tested; host::Nft applies it.
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/topology.h"

namespace netlab::host {

/// A published guest port (model::PortForward with the guest's address resolved).
struct ForwardRule {
  model::L4Proto proto = model::L4Proto::tcp;
  int port = 0;       ///< on the host's own address, arriving by the uplink
  model::Ipv4 to;     ///< the guest's fixed address
  int to_port = 0;
};

/// One network's part of the lab's ruleset.
struct NetworkRules {
  std::string name;                 ///< network name, used in rule comments
  model::Cidr subnet;               ///< the guests' subnet (host bits ignored)
  std::string bridge;               ///< bridge device the guests sit on
  model::NetworkMode mode = model::NetworkMode::nat;  ///< bridge mode renders no rule
  std::string uplink;               ///< device towards the outside; empty = any device but the bridge
  std::vector<ForwardRule> forwards;  ///< published ports (nat)
  std::optional<model::Cidr6> subnet6;  ///< dual-stack: the guests' IPv6 subnet
  /// IPv6 from subnet6 is masqueraded (nat66); otherwise a forwarding network
  /// routes it both ways, as libvirt routes a nat network's IPv6.
  bool masquerade6 = false;
};

/// Everything render_lab_ruleset needs to know about a lab.
struct LabRules {
  std::string lab;
  std::vector<NetworkRules> networks;
};

/// The comment every rule of `network` in `lab` carries: "netlab:<lab>:<network>".
std::string rule_comment(const std::string& lab, const std::string& network);

/// Renders `table inet netlab_<lab> { ... }`:
///  - chain forward (filter, hook forward, priority filter, policy accept, so the
///    host's other traffic is untouched): per network, traffic within its bridge is
///    accepted; replies (ct established,related) to the subnet are accepted; new
///    traffic from the subnet out of the uplink is accepted for nat and route; new
///    traffic from the uplink to the subnet is accepted for route only; anything
///    else forwarded from or to the bridge is rejected (isolated: all of it).
///    All accepts come before all rejects, so networks do not shadow each other.
///    A dual-stack network gets the same accepts for `ip6` and its subnet6,
///    the inbound one unless masquerade6; the rejects cover both families.
///  - chain postrouting (nat, hook postrouting, priority srcnat): for nat networks,
///    224.0.0.0/24 and 255.255.255.255 are left alone, TCP/UDP from the subnet to
///    outside it leaving by the uplink are masqueraded to ports 1024-65535, other
///    protocols masqueraded as they are (libvirt's rules); with masquerade6 the
///    same for subnet6 (ff00::/8 left alone).
///  - chain prerouting (nat, hook prerouting, priority dstnat), only when a
///    network publishes ports: per forward, a packet arriving by the uplink for
///    one of the host's own addresses (`fib daddr type local`) on the port is
///    DNATed to the guest's address and port; the forward chain accepts it
///    (`ct status dnat`) before the rejects.
/// Every rule carries `counter` and comment rule_comment(lab, network).
std::string render_lab_ruleset(const LabRules& rules);

/// The ruleset prefixed so that applying it replaces the lab's table atomically
/// in one transaction ("add table; delete table; table {...}"), whether or not
/// it existed before.
std::string render_lab_replace(const LabRules& rules);

/// Renders commands adding chain `trace_pre` (type filter hook prerouting
/// priority raw - 1, policy accept) to the lab's table with one rule
/// `<match> meta nftrace set 1`, so that nft trace events follow matching
/// packets. `match` is an nft match expression built by the caller from parsed
/// values (e.g. "ip saddr 192.168.100.10 icmp type echo-request"); it must not
/// contain ';', '{', '}', '#', quotes or newlines: if it does, the result is empty.
std::string render_trace_chain(const std::string& lab, const std::string& match);

/// The command removing the trace chain again ("delete chain inet <table> trace_pre").
std::string render_trace_chain_removal(const std::string& lab);

}  // namespace netlab::host
