#pragma once
// How netlab names what it creates, in one place: the validator checks the
// user's names, the engine creates the devices, the tracer and graphs find
// them again.
//
// Names never limit the user. Lab, network and guest names follow one rule
// (is_valid_name) whatever the kernel's 15-byte interface-name limit; the
// kernel names of the devices netlab derives from them (bridges, host-side
// NICs) are chosen by DeviceNames to fit:
//   - the readable "<lab>-<network>" / "<lab>-<guest>-<n>" when it fits 15
//     bytes (the form netlab always used, so labs made before keep their names);
//   - else "nl" + 8 hex digits of a hash of lab/network or lab/guest/nic +
//     "-br" / "-<n>": the same on every run and machine.
// A derived name that would collide with another name of the lab (an explicit
// `bridge:`, an uplink, another derived name) is resolved deterministically:
// readable names are claimed first, then the hashed ones in name order, each
// re-hashed with a counter until free. The friendly identity ("web:eth0",
// "network office") travels with the device in its alias (link_alias) and in
// the hop map.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "netlab/model/topology.h"

namespace netlab::model {

/// Linux IFNAMSIZ - 1: the longest interface name the kernel accepts.
inline constexpr size_t kMaxIfName = 15;
/// The longest lab, network or guest name.
inline constexpr size_t kMaxName = 40;

/// The name rule for labs, networks and guests: 1 to kMaxName letters, digits,
/// '-' and '_', starting with a letter or digit. A lab name becomes a path
/// component of the run directory, so this rule is also what keeps "..", "."
/// and "" away from paths (every command taking a lab name checks it).
bool is_valid_name(std::string_view name);
/// The rule in words, for diagnostics and hints.
inline constexpr const char* kNameRule =
    "use letters, digits, '-' and '_' (at most 40 characters), starting with a letter or digit";

/// The lab name a topology's text most likely holds, without loading it: the
/// value of a top-level `name:` line (quotes and a trailing comment dropped),
/// "" when there is none or it breaks the name rule. A guess, to start reading
/// the lab while the file loads; only the loader's name is the lab's.
std::string guess_lab_name(std::string_view text);

/// The kernel names of the devices netlab derives for a lab (see the top of
/// this file). Computing them is linear in the lab's size; code that asks for
/// many names holds one DeviceNames rather than calling the free functions below.
class DeviceNames {
 public:
  explicit DeviceNames(const Topology& topo);
  /// The bridge of `net`: its `bridge:` key as given, or the derived name.
  const std::string& bridge(const Network& net) const;
  /// The host-side device (veth peer, tap or macvtap) of NIC `index` of `guest`.
  const std::string& host_nic(const Guest& guest, size_t index) const;

 private:
  std::map<std::string, std::string> bridges_;                        // network -> device
  std::unordered_map<std::string, std::vector<std::string>> nics_;  // guest -> device of each NIC
};

/// The readable forms, whether or not they fit 15 bytes: "<lab>-<network>", "<lab>-<guest>-<n>".
std::string readable_bridge_name(const std::string& lab, const std::string& network);
std::string readable_host_nic_name(const std::string& lab, const std::string& guest, size_t index);
/// The hashed forms for attempt `attempt` (0 first): "nl<8 hex>-br", "nl<8 hex>-<n>", at most 15 bytes.
std::string hashed_bridge_name(const std::string& lab, const std::string& network, unsigned attempt = 0);
std::string hashed_host_nic_name(const std::string& lab, const std::string& guest, size_t index,
                                 unsigned attempt = 0);

/// One-off lookups: DeviceNames(topo).bridge(net) / .host_nic(guest, index).
std::string bridge_name(const Topology& topo, const Network& net);
std::string host_nic_name(const Topology& topo, const Guest& guest, size_t index);
/// The device name inside the guest: the NIC's `name:`, or "eth<index>".
std::string guest_nic_name(const Nic& nic, size_t index);
/// The namespace of a light guest: "<lab>-<guest>" in full (namespace names have no 15-byte limit).
std::string guest_namespace(const Topology& topo, const Guest& guest);

/// What a user calls a device: "<guest>:<nic>" for a guest NIC's host side,
/// "network <network>" for a bridge.
std::string friendly_nic(const std::string& guest, const std::string& nic);

/// The integration bridge of every host of an OVN lab (ovn-controller's; the
/// guests' ports are on it).
inline constexpr const char* kOvnIntegrationBridge = "br-int";

/// A fixed UUID made from `key` (two FNV-1a hashes shaped as a version-4-looking
/// UUID, lower case): the same key gives the same UUID on every run and machine.
std::string uuid_from_name(const std::string& key);

/// The OVN logical switch port of NIC `index` of `guest` (also the iface-id of
/// the OVS interface that binds it). A light guest's is its friendly name
/// ("web:eth0"); a VM's is a fixed UUID of lab, guest and NIC, because libvirt
/// plugs the VM's tap itself from <virtualport type='openvswitch'> and accepts
/// only a UUID as its interfaceid.
std::string ovn_logical_port(const Topology& topo, const Guest& guest, size_t index);
/// The friendly NIC ("vm1:eth0") whose logical port is `port`, or `port` itself
/// when no NIC of `topo` has it (a port the lab did not make).
std::string ovn_port_label(const Topology& topo, const std::string& port);
std::string friendly_bridge(const std::string& network);
/// "<friendly> (<device>)", or just `device` when the two are the same text or
/// `friendly` is empty: how status, trace, doctor and graphs show a device.
std::string with_friendly(const std::string& device, const std::string& friendly);

/// Sandbox namespaces (README, --sandbox): full names, no length limit.
std::string sandbox_host_namespace(const std::string& lab);  // "<lab>-host", plays the KVM host
std::string sandbox_wan_namespace(const std::string& lab);   // "<lab>-wan", upstream router + internet
std::string sandbox_lan_namespace(const std::string& lab);   // "<lab>-lan", office LAN with its DHCP
std::string sandbox_dc_namespace(const std::string& lab);    // "<lab>-dc", the hosts' underlay (lab across hosts)
/// The namespace that plays hypervisor `host` of a lab across hosts: the first
/// host keeps "<lab>-host", the others are "<lab>-<host>".
std::string hypervisor_namespace(const Topology& topo, const std::string& host);

/// The tag every link of a lab carries at the start of its alias: "netlab:<lab>".
std::string link_tag(const std::string& lab);
/// A link's alias: the tag, then what the device is for, so `ip link` shows
/// the lab, guest and NIC of a hashed name: "netlab:<lab> guest=<g> nic=<n>",
/// "netlab:<lab> network=<net>", or the bare tag when `what` is empty.
std::string link_alias(const std::string& lab, const std::string& what);
std::string nic_alias_part(const std::string& guest, const std::string& nic);  // "guest=<g> nic=<n>"
std::string bridge_alias_part(const std::string& network);                     // "network=<net>"
/// The lab a link's alias tags: the text after "netlab:" up to the first
/// blank (also the bare tag labs made before aliases held more); nullopt when
/// the alias is not netlab's.
std::optional<std::string> lab_of_alias(const std::string& alias);

/// The nftables table of a lab: "netlab_<lab>" with '-' and '_' swapped (the
/// original mapping turned '-' into '_'; names with '_' map to '-', which that
/// mapping never produced, so two labs never share a table).
std::string nft_table_name(const std::string& lab);

}  // namespace netlab::model
