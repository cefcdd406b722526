#pragma once
// The project's closed vocabularies as types, each with ONE name table
// (vocabulary.cpp): to_string gives the spelling used in YAML, JSON and text
// output; from_name<E> parses it back and rejects anything else. Code compares
// enum values; strings appear only where the outside world reads or writes them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netlab::model {

/// libvirt's forward modes: nat (masquerade out of the uplink), route (forward,
/// no masquerade), isolated (no forwarding), bridge (guests on the host's LAN).
/// What each mode implies lives in mode_traits.h.
enum class NetworkMode : uint8_t { nat, route, isolated, bridge };
/// Linux bridge, Open vSwitch bridge, or an OVN logical switch spanning the
/// lab's hosts ("linux", "ovs", "ovn").
enum class SwitchKind : uint8_t { linux_bridge, ovs, ovn };
/// How bridge-mode guests reach the LAN: through a bridge enslaving the uplink, or macvtap on it.
enum class Attach : uint8_t { bridge, macvtap };
/// A light guest (its own network namespace) or a KVM virtual machine.
enum class GuestKind : uint8_t { netns, kvm };
/// How a NIC gets its address ("dhcp", "static", "none").
enum class AddressKind : uint8_t { dhcp, static_cidr, none };

/// What a hop of a NIC's path is (hopmap.h), in path order: the guest's NIC, the
/// host's end of its link (veth, tap or macvtap), the switch (bridge or ovs), the
/// route/nat point (a place, no device), the host's uplink, the upstream router.
/// `unknown` names a captured device the hop map does not list. In a lab across
/// hosts, a packet leaves its host's switch by the host's underlay device in a
/// tunnel (`tunnel-out`) and enters the other host's by that host's
/// (`tunnel-in`), before that host's switch; both come after the switch.
enum class HopRole : uint8_t {
  unknown, guest_nic, veth, tap, macvtap, bridge, ovs, route, nat, uplink, upstream, tunnel_out, tunnel_in
};

/// Which way a frame crossed the device it was seen on: into it (in), out of it
/// (out), or through a bridge port without the bridge itself sending it (fwd).
/// `point` marks a route/nat point, which has no device; `unknown` when no
/// capture says. Spelled "in", "out", "fwd", "-", "?".
enum class Direction : uint8_t { unknown, in, out, fwd, point };

/// Which packet of an exchange a hop belongs to: the request or its reply.
enum class Leg : uint8_t { request, reply };

/// The transport of a published port ("tcp", "udp").
enum class L4Proto : uint8_t { tcp, udp };

const char* to_string(NetworkMode v);
const char* to_string(SwitchKind v);
const char* to_string(Attach v);
const char* to_string(GuestKind v);
const char* to_string(AddressKind v);
const char* to_string(HopRole v);
const char* to_string(Direction v);
const char* to_string(Leg v);
const char* to_string(L4Proto v);

/// The value spelled `name` in the table of E; nullopt for any other string.
template <typename E>
std::optional<E> from_name(std::string_view name);

/// The table of E as (spelling, value) pairs, in declaration order (for
/// readers that offer the choices, e.g. the YAML loader's "expected one of").
template <typename E>
std::vector<std::pair<std::string, E>> name_table();

/// The hop roles of a switch: bridge, ovs.
constexpr bool is_switch(HopRole r) { return r == HopRole::bridge || r == HopRole::ovs; }
/// The route/nat point (a place where forwarding happens, no device).
constexpr bool is_point(HopRole r) { return r == HopRole::route || r == HopRole::nat; }
/// The host's end of a guest's link: veth, tap, macvtap.
constexpr bool is_guest_link(HopRole r) { return r == HopRole::veth || r == HopRole::tap || r == HopRole::macvtap; }
/// The ends of a path: the guest's NIC and the upstream router.
constexpr bool is_path_end(HopRole r) { return r == HopRole::guest_nic || r == HopRole::upstream; }
/// A host's underlay device carrying a tunnel between hosts: tunnel-out, tunnel-in.
constexpr bool is_tunnel(HopRole r) { return r == HopRole::tunnel_out || r == HopRole::tunnel_in; }
/// guest-nic, veth/tap/macvtap, bridge/ovs, the tunnels between hosts: the guest's side of the route/nat point.
constexpr bool on_guest_side(HopRole r) {
  return r == HopRole::guest_nic || is_guest_link(r) || is_switch(r) || is_tunnel(r);
}

}  // namespace netlab::model
