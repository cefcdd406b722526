#pragma once
// The steps that bring a host to a lab: each a small value that says what to
// create or fix and where (namespace "" = the real host's root namespace).
// plan::make keeps the steps whose effect is not already there; apply() carries
// them out in order.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/ovn.h"
#include "netlab/host/ovn_nb.h"
#include "netlab/host/vm_image.h"
#include "netlab/model/address.h"
#include "netlab/model/impairment.h"
#include "netlab/state/journal.h"

namespace netlab::plan {

struct CreateNetns {
  std::string name;
  /// IPv6 off for every device made in it (net.ipv6.conf.default): the sandbox's
  /// own namespaces. Guest namespaces keep the default and their NICs are made
  /// quiet one by one (see CreateVeth), which stays cheap with thousands of guests.
  bool ipv6_off = true;
};
struct SetSysctl {
  std::string netns, key, value;
  /// A setting of one device (net/ipv6/conf/<dev>/...): it goes with the
  /// device, so it is not journalled for restoring.
  bool per_device = false;
};
struct CreateBridge {
  std::string netns, name;
  int mtu = 1500;
  std::string alias;
  std::optional<model::Mac> mac;  // fixed, so that a recreated bridge keeps it (model::generate_bridge_mac)
  /// Or: the MAC of this link, read when the bridge is made. A bridge-mode
  /// bridge takes its uplink's, so the host keeps its identity on the LAN
  /// (DHCP reservations, switch port security) once the uplink is a port.
  std::string mac_of;
};
/// A veth pair: `name` in `netns`, its peer `peer_name` created directly in `peer_netns`.
struct CreateVeth {
  std::string netns, name, peer_netns, peer_name;
  int mtu = 1500;
  std::optional<model::Mac> peer_mac;
  std::string alias;
  /// The peer keeps IPv6 (a NIC on a dual-stack network); otherwise it is made
  /// quiet on IPv6 (see CreateNetns::ipv6_off).
  bool peer_ipv6 = false;
};
struct CreateTap {
  std::string netns, name;
  int mtu = 1500;
  std::string alias;
};
/// A macvlan on `lower` (in `netns`) created directly in `target_netns` as `name`:
/// the light-guest form of libvirt's `attach: macvtap`.
struct CreateMacvlan {
  std::string netns, lower, target_netns, name;
  int mtu = 1500;
  std::optional<model::Mac> mac;
  std::string alias;
};
/// A macvtap (bridge mode) `name` on `lower`, both in `netns`, carrying the
/// NIC's MAC: a KVM guest's NIC on an `attach: macvtap` network, libvirt's
/// `<interface type='direct'>`. The VM opens the device's /dev/tapN.
struct CreateMacvtap {
  std::string netns, name, lower;
  int mtu = 1500;
  std::optional<model::Mac> mac;
  std::string alias;
};
/// Enslaves `name` to bridge `master`. For a host NIC joining a bridge-mode
/// network (`uplink`), its addresses and routes move to the bridge with it, as
/// one step recorded in the journal first (host/uplink_move.h).
struct SetMaster {
  std::string netns, name, master;
  bool uplink = false;
};
struct SetUp {
  std::string netns, name;
};
struct AddAddress {
  std::string netns, device;
  model::Cidr address;
};
/// An IPv6 address, added without duplicate address detection (netlab picked
/// it; a tentative address could not be bound or routed from for a second).
struct AddAddress6 {
  std::string netns, device;
  model::Cidr6 address;
};
/// An IPv6 route to `destination` (nullopt = default) via `gateway` out of `device`.
struct AddRoute6 {
  std::string netns;
  std::optional<model::Cidr6> destination;
  model::Ipv6 gateway;
  std::string device;
};
/// Waits until `device` of a light guest holds a global IPv6 address in
/// `subnet`, which the kernel makes from dnsmasq's router advertisement (SLAAC).
struct AwaitAddress6 {
  std::string netns, device, guest;
  model::Cidr6 subnet;
  /// The network forwards: also wait for the default route the advertisement makes.
  bool await_router = false;
};
/// A route to `destination` (nullopt = default) via `gateway` out of `device`.
struct AddRoute {
  std::string netns;
  std::optional<model::Cidr> destination;
  model::Ipv4 gateway;
  std::string device;
};
/// Replaces the lab's nftables table atomically with `ruleset` (host::render_lab_replace).
struct ApplyNft {
  std::string netns, table, ruleset;
  size_t rule_count = 0;  // how many rules the table holds once applied (drift check)
  /// The ruleset last applied is kept in this file, so a changed ruleset (a
  /// moved subnet, nat -> route) is told from the one in place.
  std::string record;
  std::optional<size_t> replaces;  // the table is there with this many rules: a change
};
struct StartDnsmasq {
  std::string netns;
  host::DnsmasqConfig config;
  /// Set when this network's dnsmasq runs with another conf: it is stopped, its
  /// leases outside the new range dropped from the lease file, and started
  /// again. Holds the old conf's dhcp-range (or listen address) for the plan
  /// line; "" when only leases are released (the conf is the same).
  std::optional<std::string> restart_from;
  /// Leases to release (with restart_from set): a removed guest's, or a guest's
  /// whose address left this network. Dropped from the lease file while the
  /// daemon is stopped, so the address is free again (dnsmasq reads that file
  /// only when it starts).
  std::vector<model::Ipv4> release;
};
/// A private ovsdb-server + ovs-vswitchd (userspace datapath) for the lab, files under run_dir/ovs.
struct StartOvs {
  std::string netns, run_dir;
};
/// An OVS bridge (netdev datapath); its internal port appears in `netns` as a device named `name`.
/// `secure`: fail_mode=secure, in-band off (OVN's br-int).
struct CreateOvsBridge {
  std::string netns, run_dir, name;
  bool secure = false;
};
/// `port` on OVS bridge `bridge`, an access port of VLAN `tag` when set; with
/// `iface_id`, the OVN logical port the interface binds.
struct AddOvsPort {
  std::string netns, run_dir, bridge, port;
  std::optional<int> tag;
  std::string iface_id;  ///< OVN's logical port bound to it ("" for none)
  /// The port is there with this tag (nullopt inside: untagged): a change in place.
  std::optional<std::optional<int>> retag_from;
};
/// OVN's NB and SB databases and ovn-northd of a lab across hosts (files in `dir`),
/// SB listening on the underlay address `listen`.
struct StartOvnCentral {
  std::string netns, dir;
  model::Ipv4 listen;
};
/// A host's ovn-controller beside its OVS (files under host_dir/ovn).
struct StartOvnController {
  std::string netns, host_dir;
  host::ChassisConfig chassis;
};
/// One lab network written to NB in one transaction (host/ovn_nb.h), through
/// the NB database under `central_dir`.
struct ConfigureOvnNetwork {
  std::string central_dir;
  host::OvnNetworkSpec spec;
};
/// TX checksum offload off on a device that sends into a userspace OVS datapath.
struct DisableTxChecksum {
  std::string netns, device;
};
/// Runs a DHCP client on `device` in `netns` until it holds a lease.
struct ObtainLease {
  std::string netns, device, guest;
  std::string run_dir;  // where the DHCP client's script lives
  std::optional<model::Cidr> subnet;  // the network's block: a lease outside it is renewed
  std::vector<model::Cidr> stale;     // addresses outside `subnet`, removed before the renewal
};
/// Runs a DHCPv6 client (dhclient -6, host/dhcp6_client.h) on `device` of a
/// light guest until it holds a lease in the network's DHCPv6 range, and
/// leaves it running to renew it. Planned while the client is gone or the NIC
/// holds no address of the range (a client still running is stopped first).
struct ObtainLease6 {
  std::string netns, device, guest;
  std::string run_dir;  // the lab's: the client's files are under it
  model::Ipv6 range_start, range_end;
  int prefix = 64;      // the network's, for the leased address
  /// The network forwards: the step also waits for the IPv6 default route,
  /// which comes from dnsmasq's router advertisement, not from the lease, and
  /// may come after it (the guest's first solicitation can precede dnsmasq).
  bool await_router = false;
};
/// Replaces the addresses `from` on `device` with `to`: a static address or a
/// gateway whose subnet moved. Removing an address drops the routes through it.
struct ChangeAddress {
  std::string netns, device;
  std::vector<model::Cidr> from;
  model::Cidr to;
};
/// Removes an object the lab owns that the file no longer has (a guest's
/// namespace, a NIC's veth, a network's bridge or dnsmasq, the nft table, a
/// sysctl restored). The journal forgets it once it is gone.
struct RemoveObject {
  state::OwnedObject object;
  std::string label;  // "guest g2 (namespace nat-g2)"; "" = the object's own description
  /// A removed network's dnsmasq: its lease file, emptied once the daemon is
  /// gone (a network of that name added again starts with no stale leases).
  std::string lease_file;
};

/// The lab's private libvirtd (sandbox), files under run_dir/libvirt.
struct StartLibvirtd {
  std::string netns, run_dir;
  /// The host's private OVS run directory in an OVN lab ("" otherwise): the
  /// daemon's ovs-vsctl plugs the VMs' taps into that OVS (PrivateLibvirtd::start).
  std::string ovs_run_dir;
};
/// A KVM guest's own disk at `path`: a thin qcow2 overlay on `base`, or a thick raw copy of it.
struct CreateVmDisk {
  std::string guest, path;
  host::BaseImage base;
  bool thick = false;
};
/// A device whose root qdisc carries a guest NIC's impairment.
struct NetemDevice {
  std::string netns, device;
  bool operator==(const NetemDevice&) const = default;
};
/// The netem of one guest NIC (`impair:`) on each of its devices: its host
/// side (veth peer or tap: traffic toward the guest) first, then its guest
/// side (traffic from the guest). An impairment that is none() removes a root
/// netem (a live `netlab impair` the file does not say).
struct SetNetem {
  std::string guest, nic;
  std::vector<NetemDevice> devices;
  model::Impairment impairment;
};

/// Defines domain `name` from `xml` on `uri` and starts it; a running domain
/// defined from other XML is stopped and redefined first. `xml_copy` records
/// what was defined, so a changed topology shows as drift.
struct RunDomain {
  std::string uri, name, guest, xml, xml_copy;
  std::string type;  // "kvm" or "qemu", for messages
  int vcpus = 1, memory_mib = 256;
  /// The impairments of its taps: libvirt resets a tap's root qdisc when the
  /// domain starts, so they are put back right after every start.
  std::vector<std::pair<NetemDevice, model::Impairment>> netem;
  /// Set by the planner when the domain is defined from other XML (its memory,
  /// vcpus or NICs changed): what runs now ("1 vcpu, 256 MiB"), for the plan line.
  std::optional<std::string> redefine_from;
};
/// Waits until the VM's NIC `mac` holds a lease in `lease_file` (netlab's dnsmasq),
/// or, with `lease_file` empty (OVN's DHCP keeps no lease file), until the NIC
/// holds an IPv4 address inside the VM, read through the guest agent of
/// domain `domain` on `uri`.
struct AwaitVmLease {
  std::string guest, nic, lease_file;
  model::Mac mac;
  int prefix = 24;  // the network's, for the lease's address
  std::string uri, domain;
};

using Action = std::variant<CreateNetns, SetSysctl, CreateBridge, CreateVeth, CreateTap, CreateMacvlan, CreateMacvtap, SetMaster,
                            SetUp, AddAddress, AddRoute, AddAddress6, AddRoute6, AwaitAddress6, ApplyNft, StartDnsmasq,
                            StartOvs, CreateOvsBridge, AddOvsPort, DisableTxChecksum, ObtainLease, ObtainLease6, ChangeAddress,
                            RemoveObject, StartLibvirtd, CreateVmDisk, RunDomain, AwaitVmLease, SetNetem,
                            StartOvnCentral, StartOvnController, ConfigureOvnNetwork>;

/// One line for humans: "create bridge nat-default in nat-host (mtu 1500)".
std::string describe(const Action& action);

/// The same step as drift `status` reports: a removal reads "guest g2 is
/// running but not in the file"; anything else as describe() says it.
std::string describe_drift(const Action& action);

/// What the lab owns once `action` is done (the journal record apply() writes
/// ahead of it); nullopt for a step that creates nothing to remove later.
/// A sysctl's record gets its previous value from apply(), not from here.
std::optional<state::OwnedObject> owned_object(const Action& action);

}  // namespace netlab::plan
