#pragma once
// The lab as the user wrote it: networks, guests and their NICs. Plain structs,
// filled by load() (loader.h) and checked by validate() (validator.h). Every node
// keeps where it was written so that messages can point at it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/impairment.h"
#include "netlab/model/vocabulary.h"

namespace netlab::model {

/// Where a node was written: file name, 1-based line and column (0 when unknown).
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Positions of a mapping's keys' values, by key ("subnet" -> 12:13). at() falls
/// back to the mapping's own position when the key was not written.
struct FieldPositions {
  Position node;
  std::map<std::string, Position> fields;
  const Position& at(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? node : it->second;
  }
};

/// A static DHCP reservation (dnsmasq dhcp-host).
struct DhcpHost {
  std::string name;
  std::optional<Mac> mac;
  Ipv4 ip;
  FieldPositions pos;
};

/// A guest port published on the host's uplink address (`forward:` of a nat
/// network): packets to `port` there are DNATed to the guest's address and `to_port`.
struct PortForward {
  int port = 0;               // on the host's uplink address
  std::string guest;          // the guest it goes to (its NIC on this network)
  int to_port = 0;
  L4Proto proto = L4Proto::tcp;
  FieldPositions pos;
};

/// dnsmasq's DHCP service on a network: an address range and static hosts.
struct Dhcp {
  Ipv4 range_start;
  Ipv4 range_end;
  std::string lease_time = "1h";
  std::vector<DhcpHost> hosts;
  /// True when the file had no `dhcp:` and netlab chose the range (the subnet's upper half).
  bool implicit = false;
  FieldPositions pos;
};

/// dnsmasq's stateful DHCPv6 on a network: an address range (libvirt's
/// <ip family='ipv6'><dhcp><range/></dhcp></ip>).
struct Dhcp6 {
  Ipv6 range_start;
  Ipv6 range_end;
  std::string lease_time = "1h";
  FieldPositions pos;
};

/// A network's IPv6 side (`ipv6:` beside its IPv4 subnet): the bridge holds
/// `gateway`, dnsmasq sends router advertisements for `subnet` and serves
/// DHCPv6 from `dhcp`, or advertises the prefix for SLAAC only (`slaac`).
struct Ipv6Net {
  std::optional<Cidr6> subnet;
  std::optional<Ipv6> gateway;    // as written, or the subnet's ::1 (mode_traits.h: model::gateway6)
  std::optional<Dhcp6> dhcp;
  bool slaac = false;
  bool nat66 = false;             // nat mode: masquerade IPv6 too (libvirt's <nat ipv6='yes'/>); else routed
  FieldPositions pos;
};

struct Network {
  std::string name;
  NetworkMode mode = NetworkMode::nat;
  SwitchKind switch_kind = SwitchKind::linux_bridge;
  std::string bridge;             // bridge device name; empty = netlab picks one (names.h)
  std::optional<Cidr> subnet;     // required except for bridge mode
  std::optional<Ipv4> gateway;    // as written, or the default (mode_traits.h: model::gateway)
  std::optional<Dhcp> dhcp;       // absent = no DHCP (`dhcp: false`, bridge mode, or a subnet too small)
  bool dns = true;                // dnsmasq answers DNS on the gateway address
  int mtu = 1500;
  std::string uplink;             // bridge mode: the host NIC to enslave (or macvtap on)
  Attach attach = Attach::bridge; // bridge mode only
  std::vector<PortForward> forwards;  // published ports (modes that publish_ports)
  std::optional<Ipv6Net> ipv6;    // absent = an IPv4-only network
  FieldPositions pos;
};

struct Nic {
  std::string network;
  std::string name;               // device name inside the guest; default eth<index>
  std::optional<Mac> mac;         // after load(), always set (generated when absent)
  bool mac_generated = false;
  AddressKind address_kind = AddressKind::dhcp;
  std::optional<Cidr> address;    // set when address_kind == static_cidr
  std::string model = "virtio";   // kvm NIC model (virtio, e1000, rtl8139)
  std::optional<int> vlan;        // access VLAN tag on an OVS port
  /// netem on the NIC's link, both ways (`impair:`); nullopt = none written.
  std::optional<Impairment> impair;
  FieldPositions impair_pos;      // of the `impair:` mapping's keys
  /// On a network with `ipv6:`: a static IPv6 address, or none at all
  /// (`address6: none`); neither = the network's own way (DHCPv6 or SLAAC).
  std::optional<Cidr6> address6;
  bool address6_none = false;
  FieldPositions pos;
};

enum class Provisioning { thin, thick };

/// True for a libvirt URI of the QEMU driver: "qemu[+transport]://[host]/system|session[?params]".
bool is_qemu_libvirt_uri(const std::string& uri);

/// The image of a kvm guest whose file gives no `disk:` (scripts/make-guest-image.sh builds it).
inline constexpr const char* kDefaultVmImage = "netlab-test";

struct Disk {
  std::string image;
  std::string format = "qcow2";
  Provisioning provisioning = Provisioning::thin;
  FieldPositions pos;
};

struct Guest {
  std::string name;
  GuestKind kind = GuestKind::netns;
  std::string host;               // the hypervisor it runs on (`hosts:`); "" = the first
  std::vector<Nic> nics;
  int vcpus = 1;                  // kvm only
  int memory_mib = 256;           // kvm only
  std::optional<Disk> disk;       // kvm only; the loader gives every kvm guest one (default: kDefaultVmImage, thin)
  /// A digest of its name and settings as the file writes them (positions
  /// aside); "" when not loaded from a file. Equal digests, in a file whose
  /// other parts are equal too (Topology::source_digest), mean the same guest.
  std::string source_digest;
  FieldPositions pos;
};

/// The host side: which NIC plays the physical uplink (routes out for nat/route).
struct Host {
  std::string uplink;             // empty = the NIC of the route to `upstream` (or the default route); eth0 in --sandbox
  std::optional<Ipv4> upstream;   // an outside address: the uplink is the NIC the host reaches it by
  std::string libvirt;            // the libvirt URI of the real host's VMs; empty = qemu:///system (the sandbox runs its own)
  FieldPositions pos;
};

/// A hypervisor of a lab across hosts (`hosts:`), in the order written. The
/// first holds OVN's databases; the one with an `uplink` is the gateway of OVN's
/// nat and route networks.
struct HostSpec {
  std::string name;
  std::string uplink;             // the NIC to the outside (gateway chassis); "" = none
  std::string libvirt;            // its libvirt URI (qemu+ssh://h2/system); "" = the lab's own
  std::optional<Ipv4> address;    // its underlay (tunnel) address; the sandbox picks one when absent
  FieldPositions pos;
};

struct Topology {
  std::string name;
  Host host;
  std::vector<HostSpec> hosts;    // empty = one host, as before `hosts:` existed
  std::vector<Network> networks;
  std::vector<Guest> guests;
  /// A digest of the file but the guests' settings (positions aside); "" when
  /// not loaded from a file.
  std::string source_digest;
  FieldPositions pos;

  const Network* find_network(const std::string& name) const;
  /// True when a network carries `ipv6:` (the lab's namespaces keep IPv6 on).
  bool dual_stack() const;
  const Guest* find_guest(const std::string& name) const;
};

/// The address `guest`'s NIC on `net` always has: its static address, else the
/// network's DHCP reservation for that NIC's MAC or the guest's name; nullopt
/// when it has none (a dynamic lease) or no NIC on `net`. Port forwards go there.
std::optional<Ipv4> fixed_address(const Network& net, const Guest& guest);

}  // namespace netlab::model
