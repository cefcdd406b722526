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
};
struct StartDnsmasq {
  std::string netns;
  host::DnsmasqConfig config;
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
  std::string iface_id;
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
};

/// The lab's private libvirtd (sandbox), files under run_dir/libvirt.
struct StartLibvirtd {
  std::string netns, run_dir;
};
/// A KVM guest's own disk at `path`: a thin qcow2 overlay on `base`, or a thick raw copy of it.
struct CreateVmDisk {
  std::string guest, path;
  host::BaseImage base;
  bool thick = false;
};
/// Defines domain `name` from `xml` on `uri` and starts it; a running domain
/// defined from other XML is stopped and redefined first. `xml_copy` records
/// what was defined, so a changed topology shows as drift.
struct RunDomain {
  std::string uri, name, guest, xml, xml_copy;
  std::string type;  // "kvm" or "qemu", for messages
  int vcpus = 1, memory_mib = 256;
};
/// Waits until the VM's NIC `mac` holds a lease in `lease_file` (netlab's dnsmasq).
struct AwaitVmLease {
  std::string guest, nic, lease_file;
  model::Mac mac;
  int prefix = 24;  // the network's, for the lease's address
};

using Action = std::variant<CreateNetns, SetSysctl, CreateBridge, CreateVeth, CreateTap, CreateMacvlan, CreateMacvtap, SetMaster,
                            SetUp, AddAddress, AddRoute, ApplyNft, StartDnsmasq, StartOvs, CreateOvsBridge, AddOvsPort,
                            DisableTxChecksum, ObtainLease, StartLibvirtd, CreateVmDisk, RunDomain, AwaitVmLease,
                            StartOvnCentral, StartOvnController, ConfigureOvnNetwork>;

/// One line for humans: "create bridge nat-default in nat-host (mtu 1500)".
std::string describe(const Action& action);

}  // namespace netlab::plan
