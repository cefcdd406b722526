#pragma once
// The lab as the user wrote it: networks, guests and their NICs. Plain structs,
// filled by load() (loader.h) and checked by validate() (validator.h). Every node
// keeps where it was written so that messages can point at it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
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

/// dnsmasq's DHCP service on a network: an address range and static hosts.
struct Dhcp {
  Ipv4 range_start;
  Ipv4 range_end;
  std::string lease_time = "1h";
  std::vector<DhcpHost> hosts;
  FieldPositions pos;
};

struct Network {
  std::string name;
  NetworkMode mode = NetworkMode::nat;
  SwitchKind switch_kind = SwitchKind::linux_bridge;
  std::string bridge;             // bridge device name; empty = netlab picks one (names.h)
  std::optional<Cidr> subnet;     // required except for bridge mode
  std::optional<Ipv4> gateway;    // as written, or the default (mode_traits.h: model::gateway)
  std::optional<Dhcp> dhcp;       // absent = no DHCP from netlab
  bool dns = true;                // dnsmasq answers DNS on the gateway address
  int mtu = 1500;
  std::string uplink;             // bridge mode: the host NIC to enslave (or macvtap on)
  Attach attach = Attach::bridge; // bridge mode only
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
  std::vector<Nic> nics;
  int vcpus = 1;                  // kvm only
  int memory_mib = 256;           // kvm only
  std::optional<Disk> disk;       // kvm only; the loader gives every kvm guest one (default: kDefaultVmImage, thin)
  FieldPositions pos;
};

/// The host side: which NIC plays the physical uplink (routes out for nat/route).
struct Host {
  std::string uplink;             // empty = the NIC of the route to `upstream` (or the default route); eth0 in --sandbox
  std::optional<Ipv4> upstream;   // an outside address: the uplink is the NIC the host reaches it by
  std::string libvirt;            // the libvirt URI of the real host's VMs; empty = qemu:///system (the sandbox runs its own)
  FieldPositions pos;
};

struct Topology {
  std::string name;
  Host host;
  std::vector<Network> networks;
  std::vector<Guest> guests;
  FieldPositions pos;

  const Network* find_network(const std::string& name) const;
  const Guest* find_guest(const std::string& name) const;
};

}  // namespace netlab::model
