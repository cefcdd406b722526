#pragma once
// What a network mode implies, written once: every layer (validator, planner,
// status, graphs, libvirt export/import, tracer) asks here instead of comparing
// modes itself. Adding a mode means one row in kTraits (mode_traits.cpp) and its
// name in vocabulary.cpp.
#include <optional>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/topology.h"
#include "netlab/model/vocabulary.h"

namespace netlab::model {

struct ModeTraits {
  /// The host forwards between the network and its uplink (nat, route).
  bool forwards;
  /// Forwarded packets leave with the uplink's address (nat).
  bool masquerades;
  /// netlab owns the subnet: its gateway address sits on netlab's bridge and
  /// defaults to the subnet's first host; netlab's dnsmasq may serve DHCP and
  /// DNS there (nat, route, isolated). Otherwise (bridge) the subnet, gateway
  /// and DHCP server are the LAN's: a gateway only when the user wrote one.
  bool netlab_subnet;
  /// Guests sit on the host's LAN through the network's own `uplink` (bridge).
  bool on_lan;
  /// Guest ports can be published on the uplink address with `forward:` (nat:
  /// the guests are hidden behind it; a routed guest is reached directly).
  bool publishes_ports;
};

const ModeTraits& traits(NetworkMode mode);

inline bool forwards(NetworkMode mode) { return traits(mode).forwards; }
inline bool masquerades(NetworkMode mode) { return traits(mode).masquerades; }
/// netlab's dnsmasq may serve DHCP/DNS on such a network (see netlab_subnet).
inline bool serves_dhcp(NetworkMode mode) { return traits(mode).netlab_subnet; }

/// Bridge mode with `attach: macvtap`: guests get macvtap devices on the uplink, no switch.
bool uses_macvtap(const Network& net);
/// netlab makes a switch device (Linux bridge or OVS) for the network: all but uses_macvtap.
bool has_bridge(const Network& net);

/// The gateway netlab assumes when none was written: the subnet's first host on
/// a network netlab owns (when the subnet has room: prefix <= 30); none on a
/// bridged LAN, whose router netlab does not know.
std::optional<Ipv4> default_gateway(NetworkMode mode, const std::optional<Cidr>& subnet);
/// The network's gateway: `gateway:` as written, else default_gateway.
std::optional<Ipv4> gateway(const Network& net);

/// The IPv6 gateway: `ipv6: gateway:` as written, else the subnet's first
/// address after the subnet-router anycast (::1) on a network netlab owns.
std::optional<Ipv6> gateway6(const Network& net);
/// IPv6 from the network is masqueraded: nat mode with `nat66: true`. Without
/// it a nat network routes its IPv6 subnet, as libvirt does.
bool masquerades6(const Network& net);

/// The host's end of a guest's link on `net`: macvtap, tap (kvm) or veth (netns).
HopRole guest_link_role(const Network& net, GuestKind kind);

/// The hop roles of a NIC's path out of the lab (hopmap.h), in order: guest-nic
/// (light guests; a VM's NIC is inside the VM), the host's end (veth, tap or
/// macvtap), the switch (bridge or ovs; none with macvtap), then for a
/// forwarding mode the point (nat or route) and the uplink, for bridge mode the
/// uplink (none for a light guest's macvlan, which sits on the uplink itself);
/// `upstream` last when the lab has one (the sandbox's routers).
std::vector<HopRole> nic_path_roles(const Network& net, GuestKind kind, bool upstream);

}  // namespace netlab::model
