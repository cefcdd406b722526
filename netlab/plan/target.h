#pragma once
// Where a lab is built: on the real host, or inside the sandbox namespaces.
#include <string>
#include <utility>
#include <vector>

#include "netlab/model/address.h"

namespace netlab::plan {

/// The sandbox's fixed addressing (README "The sandbox"): the host's uplink sits on
/// 203.0.113.0/24 facing the simulated upstream router, which also owns a
/// "remote server" address on 198.51.100.0/24 (a dual-stack lab: 2001:db8:0:ff::/64
/// and 2001:db8:100::1, with routes back to the lab's routed IPv6 subnets); bridge-mode uplinks face a
/// simulated office LAN on 192.0.2.0/24 whose own dnsmasq hands out leases.
namespace sandbox_net {
inline const model::Cidr kWanRouter{*model::Ipv4::parse("203.0.113.1"), 24};
inline const model::Cidr kHostUplink{*model::Ipv4::parse("203.0.113.2"), 24};
inline const model::Cidr kRemoteServer{*model::Ipv4::parse("198.51.100.1"), 24};
inline const model::Cidr kLanRouter{*model::Ipv4::parse("192.0.2.1"), 24};
inline const model::Ipv4 kLanRangeStart = *model::Ipv4::parse("192.0.2.100");
inline const model::Ipv4 kLanRangeEnd = *model::Ipv4::parse("192.0.2.199");
/// IPv6 of a dual-stack lab's sandbox: the WAN link and the remote server.
inline const model::Cidr6 kWanRouter6{*model::Ipv6::parse("2001:db8:0:ff::1"), 64};
inline const model::Cidr6 kHostUplink6{*model::Ipv6::parse("2001:db8:0:ff::2"), 64};
inline const model::Cidr6 kRemoteServer6{*model::Ipv6::parse("2001:db8:100::1"), 128};
inline constexpr const char* kWanDevice = "wan0";
inline constexpr const char* kRemoteDevice = "lo";
inline constexpr const char* kLanDevice = "lan0";
/// The name the simulated LAN's dnsmasq files carry in the run directory.
inline constexpr const char* kLanNetwork = "office-lan";
inline constexpr const char* kDefaultUplink = "eth0";
/// A lab across hosts: the simulated data-centre underlay joining the hosts'
/// namespaces (host i holds .(i+1) on its br-phy), and the addresses OVN's
/// gateway routers take on the WAN (network i: .(10+i)).
inline const model::Cidr kUnderlay{*model::Ipv4::parse("100.64.0.0"), 24};
inline constexpr uint32_t kOvnWanFirst = 10;
/// What the sandbox keeps for itself: a lab subnet overlapping these could not be
/// routed (model::ValidateOptions::taken for `up --sandbox` and `plan --sandbox`).
inline std::vector<std::pair<model::Cidr, std::string>> taken_blocks() {
  return {{kHostUplink.block(), "the sandbox's simulated WAN"},
          {kRemoteServer.block(), "the sandbox's simulated internet"},
          {kUnderlay, "the sandbox's simulated data-centre underlay"}};
}
}  // namespace sandbox_net

struct Target {
  bool sandbox = false;
  /// The namespace that plays the KVM host: "<lab>-host" in the sandbox, "" (root) otherwise.
  std::string host_netns;
  /// The lab's run directory (dnsmasq, dhcp files).
  std::string run_dir;
  /// The host's uplink as found on the real host (plan::choose_uplink): where
  /// nat networks masquerade and the hop map's uplink hop. "" = none; the
  /// sandbox and host.uplink need no finding (plan::host_uplink).
  std::string uplink;
  /// KVM guests: where named images live (host::image_cache_dir()), and libvirt's
  /// domain type ("kvm" or "qemu" = TCG; host/accelerator.h).
  std::string image_dir;
  std::string accelerator = "qemu";
};

}  // namespace netlab::plan
