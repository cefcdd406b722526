#include "netlab/model/loader.h"

#include "netlab/model/file_io.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>
#include <fstream>
#include <sstream>
#include <tuple>

#include "netlab/model/lab_hosts.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/yaml_reader.h"

namespace netlab::model {
namespace {

const auto kModes = name_table<NetworkMode>();
const auto kSwitches = name_table<SwitchKind>();
const auto kAttach = name_table<Attach>();
const auto kKinds = name_table<GuestKind>();
const auto kL4Protos = name_table<L4Proto>();
const std::vector<std::pair<std::string, std::string>> kNicModels{
    {"virtio", "virtio"}, {"e1000", "e1000"}, {"rtl8139", "rtl8139"}};
const std::vector<std::pair<std::string, std::string>> kDiskFormats{{"qcow2", "qcow2"}, {"raw", "raw"}};
const std::vector<std::pair<std::string, Provisioning>> kProvisioning{{"thin", Provisioning::thin},
                                                                      {"thick", Provisioning::thick}};

class Loader;

/// One key of a YAML mapping and how its value is read into `Out` (`where`
/// names the enclosing network or guest in messages). A mapping's table of
/// fields is the one place its keys are declared: the same table drives the
/// unknown-key check (in its order, which the did-you-mean hint follows) and
/// the parsing.
template <typename Out>
struct Field {
  const char* key;
  void (*read)(Loader& loader, const Entry& entry, Out& out, const std::string& where);
};
/// The fields of one kind of mapping, with their keys as YamlReader::mapping
/// takes them (made once, not per mapping read).
template <typename Out>
struct Fields {
  Fields(std::initializer_list<Field<Out>> list) : fields(list) {
    for (const auto& f : fields) keys.emplace_back(f.key);
  }
  auto begin() const { return fields.begin(); }
  auto end() const { return fields.end(); }
  std::vector<Field<Out>> fields;
  std::vector<std::string> keys;
};

/// The top level while it is read: networks and guests are read after 'name'
/// (a guest's generated MACs depend on the lab's name).
struct TopLevel {
  Topology* topo = nullptr;
  std::optional<Entry> networks, guests;
};

// Reads one lab file's YAML tree into a Topology, reporting through a YamlReader.
class Loader {
 public:
  explicit Loader(YamlReader* reader) : r_(*reader) {}

  Topology topology(const YamlNode& root);

 private:
  static const Fields<TopLevel> kTopFields;
  static const Fields<Host> kHostFields;
  static const Fields<HostSpec> kHostSpecFields;
  static const Fields<Network> kNetworkFields;
  static const Fields<Ipv6Net> kIpv6Fields;
  static const Fields<Dhcp6> kDhcp6Fields;
  static const Fields<Dhcp> kDhcpFields;
  static const Fields<DhcpHost> kDhcpHostFields;
  static const Fields<PortForward> kForwardFields;
  static const Fields<Guest> kGuestFields;
  static const Fields<Nic> kNicFields;
  static const Fields<Disk> kDiskFields;
  static const Fields<Nic> kImpairFields;

  /// Reads mapping `node` (`what` names it in messages) into `out` through
  /// `fields`, in the file's order; keys not in `fields` are reported.
  template <typename Out>
  void read_fields(const YamlNode& node, const std::string& what, const Fields<Out>& fields, FieldPositions* pos,
                   Out& out, const std::string& where = {});

  void host(const Entry& entry, Host* out);
  HostSpec host_spec(const Entry& entry);
  Network network(const Entry& entry);
  Dhcp dhcp(const Entry& entry, const std::string& where);
  Ipv6Net ipv6(const Entry& entry, const std::string& where);
  Dhcp6 dhcp6(const Entry& entry, const std::string& where);
  std::optional<DhcpHost> dhcp_host(const YamlNode& item, size_t index, const std::string& where);
  std::optional<PortForward> forward(const YamlNode& item, size_t index, const std::string& where);
  std::optional<int> port(const Entry& entry);
  void forward_target(const Entry& entry, PortForward* out);
  Guest guest(const Entry& entry, const std::string& lab);
  std::optional<Nic> nic(const YamlNode& item, size_t index, const std::string& where);
  Disk disk(const Entry& entry, const std::string& where);
  void impair(const Entry& entry, Nic* out, const std::string& where);
  void impair_parameter(const Entry& entry, Nic* out);

  std::optional<Cidr> cidr(const Entry& entry);
  std::optional<Ipv4> ip(const Entry& entry);
  std::optional<Cidr6> cidr6(const Entry& entry);
  std::optional<Ipv6> ip6(const Entry& entry);
  std::optional<Mac> mac(const Entry& entry);
  std::optional<int> memory(const Entry& entry);
  void range(const Entry& entry, Dhcp* out);
  void range6(const Entry& entry, Dhcp6* out);
  void lease_time(const Entry& entry, std::string* out);
  void address(const Entry& entry, Nic* out);
  void address6(const Entry& entry, Nic* out);
  // Reports `key` missing from a mapping that was read into `pos`.
  void require(const FieldPositions& pos, const std::string& key, const std::string& where,
               const std::string& hint = {});

  YamlReader& r_;
};

template <typename Out>
void Loader::read_fields(const YamlNode& node, const std::string& what, const Fields<Out>& fields,
                         FieldPositions* pos, Out& out, const std::string& where) {
  for (const auto& e : r_.mapping(node, what, fields.keys, pos))
    for (const auto& f : fields)
      if (e.key == f.key) f.read(*this, e, out, where);
}

const Fields<TopLevel> Loader::kTopFields{
    {"name", [](Loader& l, const Entry& e, TopLevel& t, const std::string&) {
       if (auto v = l.r_.string(e)) t.topo->name = *v;
     }},
    {"host", [](Loader& l, const Entry& e, TopLevel& t, const std::string&) {
       if (l.r_.expect_mapping(e)) l.host(e, &t.topo->host);
     }},
    {"hosts", [](Loader& l, const Entry& e, TopLevel& t, const std::string&) {
       if (!l.r_.expect_mapping(e, "host names to their settings")) return;
       FieldPositions unused;
       for (const auto& h : l.r_.mapping(e.value, "'hosts'", {}, &unused)) t.topo->hosts.push_back(l.host_spec(h));
     }},
    {"networks", [](Loader& l, const Entry& e, TopLevel& t, const std::string&) {
       if (l.r_.expect_mapping(e, "network names to their settings")) t.networks = e;
     }},
    {"guests", [](Loader& l, const Entry& e, TopLevel& t, const std::string&) {
       if (l.r_.expect_mapping(e, "guest names to their settings")) t.guests = e;
     }},
};

Topology Loader::topology(const YamlNode& root) {
  Topology topo;
  topo.pos.node = r_.position(root);
  if (topo.pos.node.line == 0) topo.pos.node = {r_.file(), 1, 1};
  if (root.IsNull()) {
    r_.error(topo.pos.node, "the file is empty", "a lab needs at least 'name:'; see topologies/nat.yaml");
    return topo;
  }
  if (!root.IsMap()) {
    r_.error(topo.pos.node, "the top level must be a mapping, not " + YamlReader::describe(root),
             "start with 'name: <lab>', then 'networks:' and 'guests:'");
    return topo;
  }
  Digest rest;  // everything but the guests' settings, which each guest's own digest covers
  for (const auto& [key, value] : root.pairs()) {
    key.add_to(rest);
    if (!(key.IsScalar() && key.Scalar() == "guests")) value.add_to(rest);
  }
  topo.source_digest = rest.hex();
  TopLevel top{&topo, std::nullopt, std::nullopt};
  read_fields(root, "the top level", kTopFields, &topo.pos, top);
  require(topo.pos, "name", "the top level", "name the lab, e.g. 'name: nat'");
  if (top.networks) {
    FieldPositions unused;
    for (const auto& n : r_.mapping(top.networks->value, "'networks'", {}, &unused))
      topo.networks.push_back(network(n));
  }
  if (top.guests) {
    FieldPositions unused;
    const auto guests = r_.mapping(top.guests->value, "'guests'", {}, &unused);
    topo.guests.reserve(guests.size());  // a thousand guests are not moved again and again
    for (const auto& g : guests) topo.guests.push_back(guest(g, topo.name));
  }
  return topo;
}

const Fields<Host> Loader::kHostFields{
    {"uplink", [](Loader& l, const Entry& e, Host& h, const std::string&) {
       if (auto v = l.r_.string(e)) h.uplink = *v;
     }},
    {"upstream", [](Loader& l, const Entry& e, Host& h, const std::string&) { h.upstream = l.ip(e); }},
    {"libvirt", [](Loader& l, const Entry& e, Host& h, const std::string&) {
       auto v = l.r_.string(e);
       if (!v) return;
       if (!is_qemu_libvirt_uri(*v)) {
         l.r_.error(l.r_.value_position(e), "host libvirt '" + excerpt(*v) + "' is not a libvirt URI of the QEMU driver",
                    "e.g. qemu:///system (the default), qemu+ssh://root@kvm1/system or qemu:///session");
         return;
       }
       h.libvirt = *v;
     }},
};

void Loader::host(const Entry& entry, Host* out) {
  out->pos.node = r_.position(entry.key_node);
  read_fields(entry.value, "'host'", kHostFields, &out->pos, *out);
}

std::optional<Dhcp> default_dhcp(const Network& net) {
  // libvirt's default network serves DHCP; netlab does too, on the subnet's upper
  // half (gateway and static guests keep the lower half). A subnet smaller than
  // /29 has no room for a useful range; bridge-mode LANs have their own server.
  if (!serves_dhcp(net.mode) || !net.subnet || net.subnet->prefix > 29) return std::nullopt;
  const uint32_t size = uint32_t{1} << (32 - net.subnet->prefix);
  Dhcp d;
  d.range_start = Ipv4{net.subnet->network().value + size / 2};
  d.range_end = Ipv4{net.subnet->broadcast().value - 1};
  d.implicit = true;
  d.pos.node = net.pos.node;
  return d;
}

const Fields<HostSpec> Loader::kHostSpecFields{
    {"uplink", [](Loader& l, const Entry& e, HostSpec& h, const std::string&) {
       if (auto v = l.r_.string(e)) h.uplink = *v;
     }},
    {"libvirt", [](Loader& l, const Entry& e, HostSpec& h, const std::string&) {
       if (auto v = l.r_.string(e)) h.libvirt = *v;
     }},
    {"address", [](Loader& l, const Entry& e, HostSpec& h, const std::string&) { h.address = l.ip(e); }},
};

HostSpec Loader::host_spec(const Entry& entry) {
  HostSpec h;
  h.name = entry.key;
  h.pos.node = r_.position(entry.key_node);
  // `h1: {}` and a bare `h1:` both name a host with nothing set.
  if (entry.value.IsNull()) return h;
  if (!r_.expect_mapping(entry)) return h;
  read_fields(entry.value, "host '" + excerpt(h.name) + "'", kHostSpecFields, &h.pos, h);
  return h;
}

const Fields<Network> Loader::kNetworkFields{
    {"mode", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.choice(e, kModes)) n.mode = *v;
     }},
    {"switch", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.choice(e, kSwitches)) n.switch_kind = *v;
     }},
    {"bridge", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.string(e)) n.bridge = *v;
     }},
    {"subnet", [](Loader& l, const Entry& e, Network& n, const std::string&) { n.subnet = l.cidr(e); }},
    {"gateway", [](Loader& l, const Entry& e, Network& n, const std::string&) { n.gateway = l.ip(e); }},
    {"dhcp", [](Loader& l, const Entry& e, Network& n, const std::string& where) {
       if (e.value.IsScalar()) {
         // false: no DHCP at all; true: the default range, filled in once mode and subnet are known.
         if (l.r_.boolean(e).value_or(false)) n.dhcp = Dhcp{.implicit = true};
       } else if (l.r_.expect_mapping(e, "'range', 'lease-time' and 'hosts' (or true/false)")) {
         n.dhcp = l.dhcp(e, where);
       }
     }},
    {"dns", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.boolean(e)) n.dns = *v;
     }},
    {"mtu", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.integer(e)) n.mtu = *v;
     }},
    {"uplink", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.string(e)) n.uplink = *v;
     }},
    {"attach", [](Loader& l, const Entry& e, Network& n, const std::string&) {
       if (auto v = l.r_.choice(e, kAttach)) n.attach = *v;
     }},
    {"forward", [](Loader& l, const Entry& e, Network& n, const std::string& where) {
       if (!l.r_.expect_list(e)) return;
       for (size_t i = 0; i < e.value.size(); ++i)
         if (auto f = l.forward(e.value[i], i, where)) n.forwards.push_back(std::move(*f));
     }},
    {"ipv6", [](Loader& l, const Entry& e, Network& n, const std::string& where) {
       if (l.r_.expect_mapping(e)) n.ipv6 = l.ipv6(e, where);
     }},
};

const Fields<Ipv6Net> Loader::kIpv6Fields{
    {"subnet", [](Loader& l, const Entry& e, Ipv6Net& n, const std::string&) { n.subnet = l.cidr6(e); }},
    {"gateway", [](Loader& l, const Entry& e, Ipv6Net& n, const std::string&) { n.gateway = l.ip6(e); }},
    {"dhcp", [](Loader& l, const Entry& e, Ipv6Net& n, const std::string& where) {
       if (l.r_.expect_mapping(e)) n.dhcp = l.dhcp6(e, where);
     }},
    {"slaac", [](Loader& l, const Entry& e, Ipv6Net& n, const std::string&) {
       if (auto v = l.r_.boolean(e)) n.slaac = *v;
     }},
    {"nat66", [](Loader& l, const Entry& e, Ipv6Net& n, const std::string&) {
       if (auto v = l.r_.boolean(e)) n.nat66 = *v;
     }},
};

Ipv6Net Loader::ipv6(const Entry& entry, const std::string& where) {
  Ipv6Net out;
  out.pos.node = r_.position(entry.key_node);
  const std::string what = "'ipv6' of " + where;
  read_fields(entry.value, what, kIpv6Fields, &out.pos, out, where);
  require(out.pos, "subnet", what, "e.g. 'subnet: fd00:10::/64'");
  return out;
}

const Fields<Dhcp6> Loader::kDhcp6Fields{
    {"range", [](Loader& l, const Entry& e, Dhcp6& d, const std::string&) { l.range6(e, &d); }},
    {"lease-time", [](Loader& l, const Entry& e, Dhcp6& d, const std::string&) { l.lease_time(e, &d.lease_time); }},
};

Dhcp6 Loader::dhcp6(const Entry& entry, const std::string& where) {
  Dhcp6 out;
  out.pos.node = r_.position(entry.key_node);
  const std::string what = "'ipv6: dhcp' of " + where;
  read_fields(entry.value, what, kDhcp6Fields, &out.pos, out, where);
  require(out.pos, "range", what, "e.g. 'range: fd00:10::100-fd00:10::1ff'");
  return out;
}

const Fields<PortForward> Loader::kForwardFields{
    {"port", [](Loader& l, const Entry& e, PortForward& f, const std::string&) {
       if (auto v = l.port(e)) f.port = *v;
     }},
    {"to", [](Loader& l, const Entry& e, PortForward& f, const std::string&) { l.forward_target(e, &f); }},
    {"proto", [](Loader& l, const Entry& e, PortForward& f, const std::string&) {
       if (auto v = l.r_.choice(e, kL4Protos)) f.proto = *v;
     }},
};

std::optional<PortForward> Loader::forward(const YamlNode& item, size_t index, const std::string& where) {
  PortForward out;
  out.pos.node = r_.position(item);
  const std::string what = "forward " + std::to_string(index) + " of " + where;
  if (!item.IsMap()) {
    r_.error(out.pos.node, what + " must be a mapping, not " + YamlReader::describe(item),
             "e.g. {port: 8080, to: web:80, proto: tcp}");
    return std::nullopt;
  }
  read_fields(item, what, kForwardFields, &out.pos, out);
  require(out.pos, "port", what, "the port published on the host's uplink address, e.g. 'port: 8080'");
  require(out.pos, "to", what, "the guest and its port, e.g. 'to: web:80'");
  return out;
}

std::optional<int> Loader::port(const Entry& entry) {
  auto v = r_.integer(entry);
  if (!v) return std::nullopt;
  if (*v < 1 || *v > 65535) {
    r_.error(r_.position(entry.value), "port " + std::to_string(*v) + " is out of range 1..65535");
    return std::nullopt;
  }
  return v;
}

void Loader::forward_target(const Entry& entry, PortForward* out) {
  auto text = r_.string(entry);
  if (!text) return;
  const Position pos = r_.position(entry.value);
  size_t colon = text->rfind(':');
  int value = 0;
  const char* digits = colon == std::string::npos ? nullptr : text->data() + colon + 1;
  auto [end, ec] = digits ? std::from_chars(digits, text->data() + text->size(), value)
                          : std::from_chars_result{nullptr, std::errc::invalid_argument};
  if (colon == std::string::npos || colon == 0 || ec != std::errc() || end != text->data() + text->size()) {
    r_.error(pos, "'to: " + excerpt(*text) + "' must be GUEST:PORT", "e.g. 'to: web:80'");
    return;
  }
  if (value < 1 || value > 65535) {
    r_.error(pos, "port " + std::to_string(value) + " of 'to: " + excerpt(*text) + "' is out of range 1..65535");
    return;
  }
  out->guest = text->substr(0, colon);
  out->to_port = value;
}

Network Loader::network(const Entry& entry) {
  Network net;
  net.name = entry.key;
  net.pos.node = r_.position(entry.key_node);
  if (!r_.expect_mapping(entry)) return net;
  const std::string where = "network '" + excerpt(net.name) + "'";
  read_fields(entry.value, where, kNetworkFields, &net.pos, net, where);
  // An unwritten gateway takes the mode's default (mode_traits.h).
  if (!net.gateway && !net.pos.fields.count("gateway")) net.gateway = default_gateway(net.mode, net.subnet);
  // No `dhcp:` key (or `dhcp: true`): DHCP on the default range.
  if (!net.pos.fields.count("dhcp") || (net.dhcp && net.dhcp->implicit)) net.dhcp = default_dhcp(net);
  // OVN carries the network in Geneve over the hosts' underlay: less room than Ethernet's.
  if (is_ovn(net) && !net.pos.fields.count("mtu")) net.mtu = kOvnDefaultMtu;
  return net;
}

const Fields<Dhcp> Loader::kDhcpFields{
    {"range", [](Loader& l, const Entry& e, Dhcp& d, const std::string&) { l.range(e, &d); }},
    {"lease-time", [](Loader& l, const Entry& e, Dhcp& d, const std::string&) { l.lease_time(e, &d.lease_time); }},
    {"hosts", [](Loader& l, const Entry& e, Dhcp& d, const std::string& where) {
       if (!l.r_.expect_list(e)) return;
       for (size_t i = 0; i < e.value.size(); ++i)
         if (auto h = l.dhcp_host(e.value[i], i, where)) d.hosts.push_back(std::move(*h));
     }},
};

Dhcp Loader::dhcp(const Entry& entry, const std::string& where) {
  Dhcp out;
  out.pos.node = r_.position(entry.key_node);
  const std::string what = "'dhcp' of " + where;
  read_fields(entry.value, what, kDhcpFields, &out.pos, out, where);
  require(out.pos, "range", what, "e.g. 'range: 192.168.122.100-192.168.122.199'");
  return out;
}

const Fields<DhcpHost> Loader::kDhcpHostFields{
    {"name", [](Loader& l, const Entry& e, DhcpHost& h, const std::string&) {
       if (auto v = l.r_.string(e)) h.name = *v;
     }},
    {"mac", [](Loader& l, const Entry& e, DhcpHost& h, const std::string&) { h.mac = l.mac(e); }},
    {"ip", [](Loader& l, const Entry& e, DhcpHost& h, const std::string&) {
       if (auto v = l.ip(e)) h.ip = *v;
     }},
};

std::optional<DhcpHost> Loader::dhcp_host(const YamlNode& item, size_t index, const std::string& where) {
  DhcpHost host;
  host.pos.node = r_.position(item);
  const std::string what = "dhcp host " + std::to_string(index) + " of " + where;
  if (!item.IsMap()) {
    r_.error(host.pos.node, what + " must be a mapping, not " + YamlReader::describe(item),
             "e.g. {name: web, mac: \"52:54:00:00:00:10\", ip: 192.168.122.10}");
    return std::nullopt;
  }
  read_fields(item, what, kDhcpHostFields, &host.pos, host);
  require(host.pos, "ip", what);
  if (!host.pos.fields.count("mac") && !host.pos.fields.count("name"))
    r_.error(host.pos.node, what + " needs a 'mac' or a 'name' to match the client");
  return host;
}

const Fields<Guest> Loader::kGuestFields{
    {"kind", [](Loader& l, const Entry& e, Guest& g, const std::string&) {
       if (auto v = l.r_.choice(e, kKinds)) g.kind = *v;
     }},
    {"host", [](Loader& l, const Entry& e, Guest& g, const std::string&) {
       if (auto v = l.r_.string(e)) g.host = *v;
     }},
    {"nics", [](Loader& l, const Entry& e, Guest& g, const std::string& where) {
       if (!l.r_.expect_list(e)) return;
       for (size_t i = 0; i < e.value.size(); ++i)
         if (auto n = l.nic(e.value[i], i, where)) g.nics.push_back(std::move(*n));
     }},
    {"vcpus", [](Loader& l, const Entry& e, Guest& g, const std::string&) {
       if (auto v = l.r_.integer(e)) g.vcpus = *v;
     }},
    {"memory", [](Loader& l, const Entry& e, Guest& g, const std::string&) {
       if (auto v = l.memory(e)) g.memory_mib = *v;
     }},
    {"disk", [](Loader& l, const Entry& e, Guest& g, const std::string& where) {
       if (l.r_.expect_mapping(e)) g.disk = l.disk(e, where);
     }},
};

Guest Loader::guest(const Entry& entry, const std::string& lab) {
  Guest g;
  g.name = entry.key;
  g.pos.node = r_.position(entry.key_node);
  Digest source;
  entry.key_node.add_to(source);
  entry.value.add_to(source);
  g.source_digest = source.hex();
  if (!r_.expect_mapping(entry)) return g;
  const std::string where = "guest '" + excerpt(g.name) + "'";
  read_fields(entry.value, where, kGuestFields, &g.pos, g, where);
  if (g.kind == GuestKind::kvm && !g.disk) {
    // Every kvm guest is a real VM: without a disk it boots the test image.
    Disk d;
    d.image = kDefaultVmImage;
    d.format = "raw";
    d.pos.node = g.pos.node;
    g.disk = d;
  }
  for (size_t i = 0; i < g.nics.size(); ++i) {
    if (g.nics[i].mac) continue;
    g.nics[i].mac = generate_mac(lab, g.name, i);
    g.nics[i].mac_generated = true;
  }
  return g;
}

const Fields<Nic> Loader::kNicFields{
    {"network", [](Loader& l, const Entry& e, Nic& n, const std::string&) {
       if (auto v = l.r_.string(e)) n.network = *v;
     }},
    {"address", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.address(e, &n); }},
    {"address6", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.address6(e, &n); }},
    {"mac", [](Loader& l, const Entry& e, Nic& n, const std::string&) { n.mac = l.mac(e); }},
    {"name", [](Loader& l, const Entry& e, Nic& n, const std::string&) {
       if (auto v = l.r_.string(e)) n.name = *v;
     }},
    {"vlan", [](Loader& l, const Entry& e, Nic& n, const std::string&) { n.vlan = l.r_.integer(e); }},
    {"model", [](Loader& l, const Entry& e, Nic& n, const std::string&) {
       if (auto v = l.r_.choice(e, kNicModels)) n.model = *v;
     }},
    {"impair", [](Loader& l, const Entry& e, Nic& n, const std::string& where) {
       if (l.r_.expect_mapping(e)) l.impair(e, &n, where);
     }},
};

// One table row per netem parameter, in tc's order (model::kImpairKeys).
const Fields<Nic> Loader::kImpairFields{
    {"delay", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"jitter", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"loss", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"rate", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"corrupt", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"duplicate", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
    {"reorder", [](Loader& l, const Entry& e, Nic& n, const std::string&) { l.impair_parameter(e, &n); }},
};

void Loader::impair(const Entry& entry, Nic* out, const std::string& where) {
  out->impair = Impairment{};
  out->impair_pos.node = r_.position(entry.key_node);
  read_fields(entry.value, "'impair' of " + where, kImpairFields, &out->impair_pos, *out);
  if (auto problem = impairment_problem(*out->impair); !problem.empty())
    r_.error(out->impair_pos.node, problem);
}

void Loader::impair_parameter(const Entry& entry, Nic* out) {
  // A number without a unit would be ambiguous (tc reads it as microseconds or bits).
  auto text = r_.string(entry);
  if (!text) return;
  if (auto st = set_impair_parameter(&*out->impair, entry.key, *text); !st)
    r_.error(r_.value_position(entry), "impair " + entry.key + ": " + st.error().message);
}

std::optional<Nic> Loader::nic(const YamlNode& item, size_t index, const std::string& where) {
  Nic out;
  out.pos.node = r_.position(item);
  const std::string what = "nic " + std::to_string(index) + " of " + where;
  if (!item.IsMap()) {
    r_.error(out.pos.node, what + " must be a mapping, not " + YamlReader::describe(item),
             "e.g. {network: default, address: dhcp}");
    return std::nullopt;
  }
  read_fields(item, what, kNicFields, &out.pos, out, what);
  require(out.pos, "network", what);
  return out;
}

const Fields<Disk> Loader::kDiskFields{
    {"image", [](Loader& l, const Entry& e, Disk& d, const std::string&) {
       if (auto v = l.r_.string(e)) d.image = *v;
     }},
    {"format", [](Loader& l, const Entry& e, Disk& d, const std::string&) {
       if (auto v = l.r_.choice(e, kDiskFormats)) d.format = *v;
     }},
    {"provisioning", [](Loader& l, const Entry& e, Disk& d, const std::string&) {
       if (auto v = l.r_.choice(e, kProvisioning)) d.provisioning = *v;
     }},
};

Disk Loader::disk(const Entry& entry, const std::string& where) {
  Disk out;
  out.pos.node = r_.position(entry.key_node);
  const std::string what = "'disk' of " + where;
  read_fields(entry.value, what, kDiskFields, &out.pos, out);
  require(out.pos, "image", what, "the path of the guest's disk image, e.g. /var/lib/netlab/vm1.qcow2");
  return out;
}

std::optional<Cidr> Loader::cidr(const Entry& entry) {
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  if (auto c = Cidr::parse(*text)) return c;
  std::string hint = "write an address with a prefix length, e.g. 192.168.122.0/24";
  if (Ipv4::parse(*text)) hint = "add the prefix length, e.g. " + *text + "/24";
  r_.error(r_.value_position(entry), "malformed " + entry.key + " '" + excerpt(*text) + "'", hint);
  return std::nullopt;
}

std::optional<Ipv4> Loader::ip(const Entry& entry) {
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  if (auto a = Ipv4::parse(*text)) return a;
  std::string hint = "write a dotted-quad IPv4 address, e.g. 192.168.122.1";
  if (auto c = Cidr::parse(*text)) hint = "drop the prefix length: " + c->address.str();
  r_.error(r_.value_position(entry), "malformed " + entry.key + " address '" + excerpt(*text) + "'", hint);
  return std::nullopt;
}

std::optional<Cidr6> Loader::cidr6(const Entry& entry) {
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  if (auto c = Cidr6::parse(*text)) return c;
  std::string hint = "write an IPv6 prefix with its length, e.g. fd00:10::/64";
  if (Ipv6::parse(*text)) hint = "add the prefix length, e.g. " + *text + "/64";
  r_.error(r_.value_position(entry), "malformed IPv6 " + entry.key + " '" + excerpt(*text) + "'", hint);
  return std::nullopt;
}

std::optional<Ipv6> Loader::ip6(const Entry& entry) {
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  if (auto a = Ipv6::parse(*text)) return a;
  std::string hint = "write an IPv6 address, e.g. fd00:10::1";
  if (auto c = Cidr6::parse(*text)) hint = "drop the prefix length: " + c->address.str();
  r_.error(r_.value_position(entry), "malformed IPv6 " + entry.key + " address '" + excerpt(*text) + "'", hint);
  return std::nullopt;
}

std::optional<Mac> Loader::mac(const Entry& entry) {
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  if (auto m = Mac::parse(*text)) return m;
  r_.error(r_.value_position(entry), "malformed mac '" + excerpt(*text) + "'",
           "write six hex pairs in quotes, e.g. \"52:54:00:12:34:56\"");
  return std::nullopt;
}

std::optional<int> Loader::memory(const Entry& entry) {
  if (entry.value.IsScalar() && entry.value.Tag() != "!") {
    // A plain number is MiB, as libvirt's <memory unit='MiB'>.
    const std::string& text = entry.value.Scalar();
    if (!text.empty() && text.front() >= '0' && text.front() <= '9' &&
        text.find_first_not_of("0123456789") == std::string::npos)
      return r_.integer(entry);
  }
  auto text = r_.string(entry);
  if (!text) return std::nullopt;
  long long number = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
  std::string unit(p, static_cast<const char*>(text->data() + text->size()));
  long long factor = 0;
  if (unit == "M" || unit == "MiB") factor = 1;
  if (unit == "G" || unit == "GiB") factor = 1024;
  if (ec != std::errc() || p == text->data() || factor == 0 || number < 0) {
    r_.error(r_.value_position(entry), "malformed memory size '" + excerpt(*text) + "'",
             "write MiB as a number, or a size such as 512M or 1G");
    return std::nullopt;
  }
  if (number > (1LL << 30) / factor) {
    r_.error(r_.value_position(entry), "memory size '" + excerpt(*text) + "' is out of range");
    return std::nullopt;
  }
  return static_cast<int>(number * factor);
}

void Loader::range(const Entry& entry, Dhcp* out) {
  auto text = r_.string(entry);
  if (!text) return;
  size_t dash = text->find('-');
  std::optional<Ipv4> first, last;
  if (dash != std::string::npos) {
    auto trim = [](std::string s) {
      size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
      return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
    };
    first = Ipv4::parse(trim(text->substr(0, dash)));
    last = Ipv4::parse(trim(text->substr(dash + 1)));
  }
  if (!first || !last) {
    r_.error(r_.value_position(entry), "malformed dhcp range '" + excerpt(*text) + "'",
             "write 'first-last', e.g. 192.168.122.100-192.168.122.199");
    return;
  }
  out->range_start = *first;
  out->range_end = *last;
}

void Loader::range6(const Entry& entry, Dhcp6* out) {
  auto text = r_.string(entry);
  if (!text) return;
  size_t dash = text->find('-');
  std::optional<Ipv6> first, last;
  if (dash != std::string::npos) {
    auto trim = [](std::string s) {
      size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
      return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
    };
    first = Ipv6::parse(trim(text->substr(0, dash)));
    last = Ipv6::parse(trim(text->substr(dash + 1)));
  }
  if (!first || !last) {
    r_.error(r_.value_position(entry), "malformed IPv6 dhcp range '" + excerpt(*text) + "'",
             "write 'first-last', e.g. fd00:10::100-fd00:10::1ff");
    return;
  }
  out->range_start = *first;
  out->range_end = *last;
}

void Loader::lease_time(const Entry& entry, std::string* out) {
  auto text = r_.string(entry);
  if (!text) return;
  // dnsmasq's forms: seconds, a number with s/m/h/d/w, or "infinite".
  const std::string& t = *text;
  auto all_digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  bool with_unit = t.size() >= 2 && std::string_view("smhdw").find(t.back()) != std::string_view::npos &&
                   all_digits(std::string_view(t).substr(0, t.size() - 1));
  bool ok = t == "infinite" || all_digits(t) || with_unit;
  if (!ok) {
    r_.error(r_.value_position(entry), "malformed lease-time '" + excerpt(t) + "'",
             "write seconds or a number with s, m, h, d or w (e.g. 1h), or 'infinite'");
    return;
  }
  *out = t;
}

void Loader::address(const Entry& entry, Nic* out) {
  auto text = r_.string(entry);
  if (!text) return;
  if (*text == "dhcp") {
    out->address_kind = AddressKind::dhcp;
    return;
  }
  if (*text == "none") {
    out->address_kind = AddressKind::none;
    return;
  }
  if (auto c = Cidr::parse(*text)) {
    out->address_kind = AddressKind::static_cidr;
    out->address = c;
    return;
  }
  std::string hint = "expected dhcp, none or an address with a prefix length, e.g. 192.168.122.10/24";
  if (Ipv4::parse(*text)) hint = "add the subnet's prefix length, e.g. " + *text + "/24";
  r_.error(r_.value_position(entry), "malformed address '" + excerpt(*text) + "'", hint);
}

void Loader::address6(const Entry& entry, Nic* out) {
  auto text = r_.string(entry);
  if (!text) return;
  if (*text == "none") {
    out->address6_none = true;
    return;
  }
  if (auto c = Cidr6::parse(*text)) {
    out->address6 = c;
    return;
  }
  std::string hint = "expected none or an IPv6 address with its prefix length, e.g. fd00:10::10/64";
  if (Ipv6::parse(*text)) hint = "add the subnet's prefix length, e.g. " + *text + "/64";
  r_.error(r_.value_position(entry), "malformed address6 '" + excerpt(*text) + "'", hint);
}

void Loader::require(const FieldPositions& pos, const std::string& key, const std::string& where,
                     const std::string& hint) {
  if (!pos.fields.count(key)) r_.error(pos.node, "missing required key '" + key + "' in " + where, hint);
}

}  // namespace

LoadResult load_string(const std::string& text, const std::string& file_name) {
  LoadResult result;
  YamlReader reader(file_name, &result.diagnostics);
  try {
    const YamlDocument doc = YamlDocument::parse(text);
    result.topology = Loader(&reader).topology(doc.root());
  } catch (const YAML::DeepRecursion& e) {
    reader.error({file_name, e.mark.line + 1, e.mark.column + 1},
                 "invalid yaml: nested too deeply (" + std::to_string(e.depth()) + " levels)");
  } catch (const YAML::Exception& e) {
    Position pos{file_name, 0, 0};
    if (!e.mark.is_null()) pos = {file_name, e.mark.line + 1, e.mark.column + 1};
    reader.error(pos, "invalid yaml: " + excerpt(e.msg, kMaxParserMessage));
  } catch (const std::exception& e) {
    reader.error({file_name, 0, 0}, "cannot read the topology: " + excerpt(e.what(), kMaxParserMessage));
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  return result;
}

LoadResult load_file(const std::string& path) {
  auto text = read_file_bounded(path);
  if (!text) {
    LoadResult result;
    result.diagnostics.push_back({{path, 0, 0}, text.error().message, ""});
    return result;
  }
  return load_string(*text, path);
}

namespace {

/// 52:54:00 plus 24 bits of FNV-1a (32 bit) of `key`: stable across runs, machines and compilers.
Mac hashed_mac(const std::string& key) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 16777619u;
  }
  return Mac{{0x52, 0x54, 0x00, static_cast<uint8_t>(hash >> 16), static_cast<uint8_t>(hash >> 8),
              static_cast<uint8_t>(hash)}};
}

}  // namespace

Mac generate_mac(const std::string& lab, const std::string& guest, size_t nic_index) {
  return hashed_mac(lab + "/" + guest + "/" + std::to_string(nic_index));
}

Mac generate_bridge_mac(const Topology& topo, const std::string& network) {
  auto taken = [&](const Mac& mac) {
    for (const auto& guest : topo.guests)
      for (const auto& nic : guest.nics)
        if (nic.mac == mac) return true;
    return false;
  };
  // "lab/network/bridge" cannot be a NIC's key (those end in a number); a hash
  // that still hits a NIC MAC is hashed again with a counter.
  std::string key = topo.name + "/" + network + "/bridge";
  Mac mac = hashed_mac(key);
  for (int attempt = 1; taken(mac); ++attempt) mac = hashed_mac(key + "/" + std::to_string(attempt));
  return mac;
}

}  // namespace netlab::model
