#include "netlab/model/mode_traits.h"

namespace netlab::model {
namespace {

struct Row {
  NetworkMode mode;
  ModeTraits traits;
};

//                        forwards masquerades netlab_subnet on_lan publishes_ports
constexpr Row kTraits[] = {
    {NetworkMode::nat,      {true,    true,       true,         false,  true}},
    {NetworkMode::route,    {true,    false,      true,         false,  false}},
    {NetworkMode::isolated, {false,   false,      true,         false,  false}},
    {NetworkMode::bridge,   {false,   false,      false,        true,   false}},
};

}  // namespace

const ModeTraits& traits(NetworkMode mode) {
  for (const auto& row : kTraits)
    if (row.mode == mode) return row.traits;
  return kTraits[0].traits;  // unreachable while every mode has a row (mode_traits_test checks)
}

bool uses_macvtap(const Network& net) { return traits(net.mode).on_lan && net.attach == Attach::macvtap; }

bool has_bridge(const Network& net) { return !uses_macvtap(net); }

std::optional<Ipv4> default_gateway(NetworkMode mode, const std::optional<Cidr>& subnet) {
  if (!traits(mode).netlab_subnet || !subnet || subnet->prefix > 30) return std::nullopt;
  return Ipv4{subnet->network().value + 1};
}

std::optional<Ipv4> gateway(const Network& net) {
  if (net.gateway) return net.gateway;
  return default_gateway(net.mode, net.subnet);
}

std::optional<Ipv6> gateway6(const Network& net) {
  if (!net.ipv6) return std::nullopt;
  if (net.ipv6->gateway) return net.ipv6->gateway;
  if (!traits(net.mode).netlab_subnet || !net.ipv6->subnet || net.ipv6->subnet->prefix > 126) return std::nullopt;
  return net.ipv6->subnet->network().plus(1);
}

bool masquerades6(const Network& net) { return net.ipv6 && net.ipv6->nat66 && masquerades(net.mode); }

HopRole guest_link_role(const Network& net, GuestKind kind) {
  if (uses_macvtap(net)) return HopRole::macvtap;
  return kind == GuestKind::kvm ? HopRole::tap : HopRole::veth;
}

std::vector<HopRole> nic_path_roles(const Network& net, GuestKind kind, bool upstream) {
  std::vector<HopRole> roles;
  if (kind == GuestKind::netns) roles.push_back(HopRole::guest_nic);
  roles.push_back(guest_link_role(net, kind));
  if (has_bridge(net)) roles.push_back(net.switch_kind == SwitchKind::linux_bridge ? HopRole::bridge : HopRole::ovs);
  const ModeTraits& t = traits(net.mode);
  if (t.forwards) {
    roles.push_back(t.masquerades ? HopRole::nat : HopRole::route);
    roles.push_back(HopRole::uplink);
  } else if (t.on_lan) {
    if (!uses_macvtap(net) || kind == GuestKind::kvm) roles.push_back(HopRole::uplink);
  } else {
    return roles;  // isolated: the path ends at the switch
  }
  if (upstream) roles.push_back(HopRole::upstream);
  return roles;
}

}  // namespace netlab::model
