#include "netlab/model/vocabulary.h"

#include <array>

namespace netlab::model {
namespace {

template <typename E>
struct Name {
  E value;
  const char* name;
};

// The one name table of each vocabulary.
constexpr std::array<Name<NetworkMode>, 4> kNetworkModes{{
    {NetworkMode::nat, "nat"}, {NetworkMode::route, "route"}, {NetworkMode::isolated, "isolated"},
    {NetworkMode::bridge, "bridge"}}};
constexpr std::array<Name<SwitchKind>, 3> kSwitchKinds{
    {{SwitchKind::linux_bridge, "linux"}, {SwitchKind::ovs, "ovs"}, {SwitchKind::ovn, "ovn"}}};
constexpr std::array<Name<Attach>, 2> kAttaches{{{Attach::bridge, "bridge"}, {Attach::macvtap, "macvtap"}}};
constexpr std::array<Name<GuestKind>, 2> kGuestKinds{{{GuestKind::netns, "netns"}, {GuestKind::kvm, "kvm"}}};
constexpr std::array<Name<AddressKind>, 3> kAddressKinds{
    {{AddressKind::dhcp, "dhcp"}, {AddressKind::static_cidr, "static"}, {AddressKind::none, "none"}}};
constexpr std::array<Name<HopRole>, 13> kHopRoles{{
    {HopRole::unknown, "unknown"}, {HopRole::guest_nic, "guest-nic"}, {HopRole::veth, "veth"},
    {HopRole::tap, "tap"}, {HopRole::macvtap, "macvtap"}, {HopRole::bridge, "bridge"}, {HopRole::ovs, "ovs"},
    {HopRole::route, "route"}, {HopRole::nat, "nat"}, {HopRole::uplink, "uplink"}, {HopRole::upstream, "upstream"},
    {HopRole::tunnel_out, "tunnel-out"}, {HopRole::tunnel_in, "tunnel-in"}}};
constexpr std::array<Name<Direction>, 5> kDirections{{
    {Direction::unknown, "?"}, {Direction::in, "in"}, {Direction::out, "out"}, {Direction::fwd, "fwd"},
    {Direction::point, "-"}}};
constexpr std::array<Name<Leg>, 2> kLegs{{{Leg::request, "request"}, {Leg::reply, "reply"}}};
constexpr std::array<Name<L4Proto>, 2> kL4Protos{{{L4Proto::tcp, "tcp"}, {L4Proto::udp, "udp"}}};

// table(E{}) picks the table of E by overload.
constexpr const auto& table(NetworkMode) { return kNetworkModes; }
constexpr const auto& table(SwitchKind) { return kSwitchKinds; }
constexpr const auto& table(Attach) { return kAttaches; }
constexpr const auto& table(GuestKind) { return kGuestKinds; }
constexpr const auto& table(AddressKind) { return kAddressKinds; }
constexpr const auto& table(HopRole) { return kHopRoles; }
constexpr const auto& table(Direction) { return kDirections; }
constexpr const auto& table(Leg) { return kLegs; }
constexpr const auto& table(L4Proto) { return kL4Protos; }

template <typename E>
const char* name_of(E v) {
  for (const auto& n : table(E{}))
    if (n.value == v) return n.name;
  return "";  // unreachable while every enumerator has a row (vocabulary_test checks)
}

}  // namespace

template <typename E>
std::optional<E> from_name(std::string_view name) {
  for (const auto& n : table(E{}))
    if (name == n.name) return n.value;
  return std::nullopt;
}

template <typename E>
std::vector<std::pair<std::string, E>> name_table() {
  std::vector<std::pair<std::string, E>> out;
  for (const auto& n : table(E{})) out.emplace_back(n.name, n.value);
  return out;
}

#define NETLAB_VOCABULARY(E)                                        \
  const char* to_string(E v) { return name_of(v); }                 \
  template std::optional<E> from_name<E>(std::string_view name);    \
  template std::vector<std::pair<std::string, E>> name_table<E>();

NETLAB_VOCABULARY(NetworkMode)
NETLAB_VOCABULARY(SwitchKind)
NETLAB_VOCABULARY(Attach)
NETLAB_VOCABULARY(GuestKind)
NETLAB_VOCABULARY(AddressKind)
NETLAB_VOCABULARY(HopRole)
NETLAB_VOCABULARY(Direction)
NETLAB_VOCABULARY(Leg)
NETLAB_VOCABULARY(L4Proto)

#undef NETLAB_VOCABULARY

}  // namespace netlab::model
