#include "netlab/model/validator.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "netlab/model/lab_hosts.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/model/suggest.h"

namespace netlab::model {
namespace {

constexpr int kMinMtu = 68;
constexpr int kMaxMtu = 65535;
constexpr int kMinVlan = 1;
constexpr int kMaxVlan = 4094;
const char* const kNameHint = kNameRule;

// What the kernel accepts as an interface name, apart from the length.
bool is_valid_ifname(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(),
                      [](char c) { return c == '/' || c == ':' || c <= ' ' || c == 127; });
}

std::string quoted(const std::string& text) { return "'" + excerpt(text) + "'"; }

// Ranges no lab subnet can use: the host routes them elsewhere or not at all (RFC 6890).
struct ReservedRange {
  const char* block;
  const char* what;
};
constexpr ReservedRange kReservedRanges[] = {
    {"0.0.0.0/8", "\"this network\" range 0.0.0.0/8"},
    {"127.0.0.0/8", "loopback range 127.0.0.0/8"},
    {"169.254.0.0/16", "link-local range 169.254.0.0/16"},
    {"224.0.0.0/4", "multicast range 224.0.0.0/4"},
    {"240.0.0.0/4", "reserved range 240.0.0.0/4"},
};

// IPv6 blocks no lab subnet can use (RFC 6890): the unspecified/loopback/
// v4-mapped block, link-local and multicast.
constexpr ReservedRange kReservedRanges6[] = {
    {"::/8", "reserved range ::/8 (loopback, IPv4-mapped)"},
    {"fe80::/10", "link-local range fe80::/10"},
    {"ff00::/8", "multicast range ff00::/8"},
};

// A DHCP host name dnsmasq takes in a dhcp-host line: a hostname of letters,
// digits, '-', '_' and '.', not starting with '-' or '.'; a ',' would split the
// line and a newline would start a new option.
bool is_valid_dhcp_hostname(const std::string& name) {
  if (name.empty() || name.size() > 253 || name.front() == '-' || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

// "invalid lab name 'x'", or "lab name 'x...' is 41 characters, longer than 40": why a name breaks the rule.
std::string name_problem(const std::string& what, const std::string& name) {
  if (name.size() > kMaxName)
    return what + " name " + quoted(name) + " is " + std::to_string(name.size()) + " characters, longer than " +
           std::to_string(kMaxName);
  return "invalid " + what + " name " + quoted(name);
}

// Collects diagnostics for one validate() call.
class Checker {
 public:
  Checker(const Topology& topo, const ValidateOptions& options) : topo_(topo), options_(options) {}
  std::vector<Diagnostic> run();

 private:
  void add(const Position& pos, std::string message, std::string hint = {}) {
    out_.push_back({pos, std::move(message), std::move(hint)});
  }
  void lab();
  void hosts();
  void ovn_network(const Network& net);
  void guest_host(const Guest& g);
  void network(const Network& net);
  void bridge_ports(const Network& net);
  void dhcp(const Network& net, const Cidr& subnet);
  void overlaps();
  void ipv6(const Network& net);
  void dhcp6(const Network& net, const Cidr6& subnet);
  // Reports `ip` when it is not a usable host address of `subnet` (outside it, or its subnet-router anycast).
  bool check_host_address6(const Ipv6& ip, const Cidr6& subnet, const std::string& subject, const Position& pos);
  void static_address6(const Network& net, const Nic& n, const std::string& who);
  void shared_devices();
  void guest(const Guest& g);
  void nic(const Guest& g, const Nic& n, size_t index);
  void static_address(const Network& net, const Nic& n, const std::string& who);
  // Reports `ip` (described by `subject`) when it is not a usable host address of `subnet`.
  bool check_host_address(Ipv4 ip, const Cidr& subnet, const std::string& subject, const Position& pos);
  void check_ifname(const std::string& name, const std::string& what, const Position& pos, const std::string& hint);
  void check_mac(const Mac& mac, const std::string& subject, const Position& pos);
  // Records `ip` on network `net` as used by `owner`; reports it when already used.
  void claim_ip(const Network& net, Ipv4 ip, const std::string& subject, const std::string& owner,
                const Position& pos);

  /// False (with the error) when the subnet overlaps a reserved or taken block.
  bool subnet_range(const Network& net, const Cidr& subnet);
  void forwards(const Network& net);

  const Topology& topo_;
  const ValidateOptions& options_;
  std::vector<Diagnostic> out_;
  std::map<std::string, std::map<uint32_t, std::string>> ips_;  // network -> ip -> owner
  std::map<std::string, std::map<Ipv6, std::string>> ips6_;     // network -> IPv6 -> owner
  std::map<Mac, std::string> nic_macs_;                         // mac -> owner
  std::map<std::pair<L4Proto, int>, std::string> published_;     // (proto, port) -> the network publishing it
};

std::vector<Diagnostic> Checker::run() {
  lab();
  hosts();
  for (const auto& net : topo_.networks) network(net);
  overlaps();
  shared_devices();
  for (const auto& g : topo_.guests) guest(g);
  std::stable_sort(out_.begin(), out_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  return std::move(out_);
}

void Checker::lab() {
  if (!is_valid_name(topo_.name))
    add(topo_.pos.at("name"), name_problem("lab", topo_.name), kNameHint);
  if (!topo_.host.uplink.empty())
    check_ifname(topo_.host.uplink, "uplink", topo_.host.pos.at("uplink"), "name an existing host NIC, e.g. eth0");
}

void Checker::hosts() {
  std::map<std::string, std::string> names;
  for (size_t i = 0; i < topo_.hosts.size(); ++i) {
    const HostSpec& h = topo_.hosts[i];
    const std::string where = "host " + quoted(h.name);
    if (!is_valid_name(h.name)) add(h.pos.node, name_problem("host", h.name), kNameHint);
    // Its namespace is "<lab>-<host>" (the first's "<lab>-host"): it may meet no other namespace of the lab.
    std::string clash;
    for (const char* own : {"wan", "lan", "dc"})
      if (h.name == own) clash = std::string("the sandbox's '") + own + "' namespace";
    if (i > 0 && h.name == kDefaultHostName) clash = "the first host's namespace";
    if (topo_.find_guest(h.name)) clash = "guest " + quoted(h.name) + "'s namespace";
    if (!clash.empty()) add(h.pos.node, where + " would share its namespace with " + clash, "rename the host");
    if (!h.uplink.empty()) check_ifname(h.uplink, "uplink", h.pos.at("uplink"), "name an existing host NIC, e.g. eth0");
  }
  if (!topo_.hosts.empty() && topo_.host.pos.node.line > 0)
    add(topo_.host.pos.node, "'host' and 'hosts' together: with 'hosts', each host names its own 'uplink'",
        "move 'uplink:' under the host that has it, e.g. 'hosts: {h1: {uplink: eth0}}'");
}

void Checker::ovn_network(const Network& net) {
  const std::string where = "network " + quoted(net.name);
  if (!is_ovn(net)) {
    // One uplink cannot both masquerade for a Linux bridge and carry OVN's gateway router.
    if (model::forwards(net.mode) && uses_ovn(topo_))
      for (const auto& other : topo_.networks)
        if (is_ovn(other) && model::forwards(other.mode)) {
          add(net.pos.at("mode"), "mode " + std::string(to_string(net.mode)) + " " + where + " on a " +
                                      to_string(net.switch_kind) + " switch cannot share the uplink with OVN network " +
                                      quoted(other.name) + "'s gateway",
              "set 'switch: ovn' on " + where + ", or make it isolated");
          break;
        }
    return;
  }
  if (traits(net.mode).on_lan)
    add(net.pos.at("mode"), "mode bridge is not available on OVN " + where,
        "OVN networks are nat, route or isolated; use 'switch: linux' for a bridged LAN");
  if (net.pos.fields.count("bridge"))
    add(net.pos.at("bridge"), "'bridge' names a Linux or OVS bridge; OVN " + where + " is a logical switch",
        "remove 'bridge:'");
  // Not built for OVN yet: IPv6 (OVN would need its own RA and DHCPv6 options)
  // and port forwards (they are DNAT in the lab's nft table, which an OVN router bypasses).
  if (net.ipv6)
    add(net.ipv6->pos.node, "'ipv6' on OVN " + where + " is not supported yet",
        "use a linux or ovs network for a dual-stack lab");
  if (!net.forwards.empty())
    add(net.forwards.front().pos.node, "'forward' on OVN " + where + " is not supported yet",
        "publish the port from a linux or ovs nat network");
}

void Checker::guest_host(const Guest& g) {
  if (!g.pos.fields.count("host")) return;
  std::vector<std::string> known;
  for (const auto& h : lab_hosts(topo_)) known.push_back(h.name);
  if (host_index(topo_, g.host) < 0) {
    std::string hint = did_you_mean(g.host, known);
    if (hint.empty())
      hint = topo_.hosts.empty() ? "name the lab's hosts under 'hosts:' first" : "defined hosts: " + join_choices(known);
    add(g.pos.at("host"), "guest " + quoted(g.name) + " runs on unknown host " + quoted(g.host), hint);
    return;
  }
}

void Checker::check_ifname(const std::string& name, const std::string& what, const Position& pos,
                           const std::string& hint) {
  if (!is_valid_ifname(name)) {
    add(pos, what + " " + quoted(name) + " is not a valid interface name",
        "interface names have no '/', ':' or spaces");
  } else if (name.size() > kMaxIfName) {
    add(pos,
        what + " " + quoted(name) + " is " + std::to_string(name.size()) +
            " bytes, longer than the kernel's limit of 15",
        hint);
  }
}

void Checker::check_mac(const Mac& mac, const std::string& subject, const Position& pos) {
  if (mac.is_multicast()) {
    add(pos, subject + " mac " + mac.str() + " is a multicast address",
        "the first byte must be even; use the 52:54:00 prefix, e.g. 52:54:00:12:34:56");
  } else if (mac == Mac{}) {
    add(pos, subject + " mac 00:00:00:00:00:00 is not a usable address", "use e.g. 52:54:00:12:34:56");
  }
}

bool Checker::check_host_address(Ipv4 ip, const Cidr& subnet, const std::string& subject, const Position& pos) {
  Cidr block = subnet.block();
  if (!block.contains(ip)) {
    add(pos, subject + " is outside subnet " + block.str());
    return false;
  }
  if (block.prefix <= 30 && ip == block.network()) {
    add(pos, subject + " is the network address of subnet " + block.str());
    return false;
  }
  if (block.prefix <= 30 && ip == block.broadcast()) {
    add(pos, subject + " is the broadcast address of subnet " + block.str());
    return false;
  }
  return true;
}

void Checker::claim_ip(const Network& net, Ipv4 ip, const std::string& subject, const std::string& owner,
                       const Position& pos) {
  auto& used = ips_[net.name];
  auto [it, inserted] = used.emplace(ip.value, owner);
  if (!inserted) add(pos, subject + " is already used by " + it->second);
}

// A Linux bridge takes at most 1023 ports (the kernel's BR_MAX_PORTS, 1024,
// less port 0): the 1024th would fail half-way through `up` with the kernel's
// "Exchange full". Each guest NIC on the network is a port (its veth or tap),
// and so is the uplink a bridge-mode network enslaves.
void Checker::bridge_ports(const Network& net) {
  constexpr size_t kMaxBridgePorts = 1023;
  if (net.switch_kind != SwitchKind::linux_bridge || !has_bridge(net)) return;
  size_t nics = 0;
  for (const auto& g : topo_.guests)
    for (const auto& n : g.nics) nics += n.network == net.name;
  const size_t ports = nics + (traits(net.mode).on_lan ? 1 : 0);
  if (ports <= kMaxBridgePorts) return;
  add(net.pos.node,
      "network " + quoted(net.name) + " would have " + std::to_string(ports) + " ports on its Linux bridge (" +
          std::to_string(nics) + " guest NICs" + (traits(net.mode).on_lan ? " and the uplink" : "") +
          "), more than the kernel's limit of " + std::to_string(kMaxBridgePorts),
      "give this network 'switch: ovs' (an Open vSwitch bridge has no such limit), or spread the guests over "
      "several networks");
}

void Checker::network(const Network& net) {
  const std::string where = "network " + quoted(net.name);
  if (!is_valid_name(net.name)) add(net.pos.node, name_problem("network", net.name), kNameHint);
  ovn_network(net);
  bridge_ports(net);

  // A derived bridge name always fits (names.h); one given with 'bridge:' is used as given, so it is checked.
  if (!net.bridge.empty())
    check_ifname(net.bridge, "bridge name", net.pos.at("bridge"),
                 "choose a shorter 'bridge:' name, or drop 'bridge:' and netlab derives one that fits");

  if (net.mtu < kMinMtu || net.mtu > kMaxMtu)
    add(net.pos.at("mtu"), "mtu " + std::to_string(net.mtu) + " is out of range 68..65535");

  if (traits(net.mode).on_lan) {
    if (net.uplink.empty())
      add(net.pos.node, "bridge-mode " + where + " needs an 'uplink'",
          "name the host NIC that leads to the LAN, e.g. 'uplink: eth1'");
    else
      check_ifname(net.uplink, "uplink", net.pos.at("uplink"), "name an existing host NIC, e.g. eth1");
    if (net.dhcp)
      add(net.dhcp->pos.node, "bridge-mode " + where + " cannot have 'dhcp'",
          "bridge-mode guests get their leases from the LAN's DHCP server, not from netlab");
    if (net.pos.fields.count("gateway") && !net.subnet)
      add(net.pos.at("gateway"), "'gateway' on bridge-mode " + where + " needs a 'subnet'",
          "add the LAN's 'subnet:', or drop 'gateway:'");
  } else {
    if (net.pos.fields.count("uplink"))
      add(net.pos.at("uplink"), "'uplink' applies only to bridge-mode networks; " + where + " is " +
                                    to_string(net.mode),
          "the host's own uplink for nat and route networks is 'host: uplink:'");
    if (net.pos.fields.count("attach"))
      add(net.pos.at("attach"), "'attach' applies only to bridge-mode networks; " + where + " is " +
                                    to_string(net.mode));
    if (!net.subnet && !net.pos.fields.count("subnet"))
      add(net.pos.node, where + " needs a 'subnet'", "e.g. 'subnet: 192.168.100.0/24'");
  }
  if (net.ipv6) ipv6(net);

  if (!net.subnet) return;
  const Cidr& subnet = *net.subnet;
  if (subnet.address != subnet.network())
    add(net.pos.at("subnet"), "subnet " + subnet.str() + " has host bits set",
        "did you mean " + subnet.block().str() + "?");
  const bool usable = subnet_range(net, subnet);
  if (traits(net.mode).netlab_subnet && subnet.prefix > 30)
    add(net.pos.at("subnet"), "subnet " + subnet.block().str() + " is too small for a gateway and guests",
        "use a prefix of /30 or shorter, e.g. /24");
  if (net.gateway) {
    Position gw_pos = net.pos.at("gateway");
    if (check_host_address(*net.gateway, subnet, "gateway " + net.gateway->str(), gw_pos))
      claim_ip(net, *net.gateway, "gateway " + net.gateway->str(), "the gateway of " + where, gw_pos);
  }
  // The default range of an unusable subnet would only add noise to its error.
  if (net.dhcp && serves_dhcp(net.mode) && (usable || !net.dhcp->implicit)) dhcp(net, subnet);
  forwards(net);
}

void Checker::forwards(const Network& net) {
  const std::string where = "network " + quoted(net.name);
  for (const PortForward& f : net.forwards) {
    if (!traits(net.mode).publishes_ports) {
      add(f.pos.node, "'forward' applies only to nat networks; " + where + " is " + to_string(net.mode),
          model::forwards(net.mode) ? "a routed network's guests are reached at their own addresses"
                                    : "publish the port on a nat network");
      continue;
    }
    if (f.guest.empty()) continue;  // 'to' did not parse: the loader said so
    const std::string what = std::string("forward ") + to_string(f.proto) + "/" + std::to_string(f.port);
    auto [at, fresh] = published_.emplace(std::pair{f.proto, f.port}, net.name);
    if (!fresh)
      add(f.pos.at("port"), what + " is published twice (also by network " + quoted(at->second) + ")",
          "one port of the host's uplink address leads to one guest");
    const Guest* g = topo_.find_guest(f.guest);
    if (g == nullptr) {
      add(f.pos.at("to"), what + " goes to " + quoted(f.guest) + ", which is no guest of the lab");
      continue;
    }
    bool on_net = false;
    for (const auto& n : g->nics) on_net = on_net || n.network == net.name;
    if (!on_net) {
      add(f.pos.at("to"), what + " goes to guest " + quoted(f.guest) + ", which has no NIC on " + where);
      continue;
    }
    if (!fixed_address(net, *g))
      add(f.pos.at("to"), what + " goes to guest " + quoted(f.guest) + ", whose address on " + where +
                              " is a dynamic lease",
          "give its NIC a static 'address:' or the network a 'dhcp: hosts:' reservation for it");
  }
}

void Checker::ipv6(const Network& net) {
  const Ipv6Net& v6 = *net.ipv6;
  const std::string where = "network " + quoted(net.name);
  if (!traits(net.mode).netlab_subnet) {
    add(v6.pos.node, "'ipv6' applies to networks netlab owns; " + where + " is " + to_string(net.mode),
        "a bridge-mode network's IPv6 comes from the LAN's own router");
    return;
  }
  if (v6.nat66 && !masquerades(net.mode))
    add(v6.pos.at("nat66"), "'nat66' applies only to nat networks; " + where + " is " + to_string(net.mode));
  if (v6.dhcp && v6.slaac)
    add(v6.pos.at("slaac"), "'ipv6' of " + where + " has both 'dhcp' and 'slaac: true'",
        "choose one: DHCPv6 addresses from a range, or SLAAC addresses from router advertisements");
  if (!v6.subnet) return;
  const Cidr6& subnet = *v6.subnet;
  const Position pos = v6.pos.at("subnet");
  const std::string subject = "IPv6 subnet " + subnet.block().str() + " of " + where;
  if (subnet.address != subnet.network()) {
    add(pos, "IPv6 subnet " + subnet.str() + " has host bits set", "did you mean " + subnet.block().str() + "?");
    return;
  }
  for (const auto& r : kReservedRanges6) {
    if (!subnet.overlaps(*Cidr6::parse(r.block))) continue;
    add(pos, subject + " overlaps the " + r.what, "use a unique local prefix, e.g. fd00:10::/64");
    return;
  }
  if (subnet.prefix > 126) {
    add(pos, subject + " is too small for a gateway and guests", "use a /64");
    return;
  }
  if ((v6.slaac || v6.dhcp) && subnet.prefix != 64)
    add(pos, subject + " is a /" + std::to_string(subnet.prefix) + "; router advertisements (SLAAC, DHCPv6) need a /64",
        "use a /64 prefix, or give every nic a static 'address6:' without 'dhcp' or 'slaac'");
  if (auto gw = gateway6(net)) {
    Position gw_pos = v6.pos.at("gateway");
    std::string gw_subject = "IPv6 gateway " + gw->str();
    if (check_host_address6(*gw, subnet, gw_subject, gw_pos))
      ips6_[net.name].emplace(*gw, "the IPv6 gateway of " + where);
  }
  if (v6.dhcp) dhcp6(net, subnet);
}

bool Checker::check_host_address6(const Ipv6& ip, const Cidr6& subnet, const std::string& subject,
                                  const Position& pos) {
  if (!subnet.contains(ip)) {
    add(pos, subject + " is outside IPv6 subnet " + subnet.block().str());
    return false;
  }
  if (ip == subnet.network()) {
    add(pos, subject + " is the subnet-router anycast address of " + subnet.block().str(),
        "use another address, e.g. " + subnet.network().plus(1).str());
    return false;
  }
  return true;
}

void Checker::dhcp6(const Network& net, const Cidr6& subnet) {
  const Dhcp6& d = *net.ipv6->dhcp;
  if (!d.pos.fields.count("range")) return;
  const Position pos = d.pos.at("range");
  bool start_ok = check_host_address6(d.range_start, subnet, "IPv6 dhcp range start " + d.range_start.str(), pos);
  bool end_ok = check_host_address6(d.range_end, subnet, "IPv6 dhcp range end " + d.range_end.str(), pos);
  if (!start_ok || !end_ok) return;
  if (d.range_end < d.range_start) {
    add(pos, "IPv6 dhcp range start " + d.range_start.str() + " is after its end " + d.range_end.str());
    return;
  }
  if (auto gw = gateway6(net); gw && d.range_start <= *gw && *gw <= d.range_end)
    add(net.ipv6->pos.fields.count("gateway") ? net.ipv6->pos.at("gateway") : pos,
        "IPv6 gateway " + gw->str() + " lies inside the dhcp range " + d.range_start.str() + "-" + d.range_end.str(),
        "dnsmasq would lease the gateway's address; move the range or the gateway");
}

bool Checker::subnet_range(const Network& net, const Cidr& subnet) {
  const Position pos = net.pos.at("subnet");
  const std::string subject = "subnet " + subnet.block().str() + " of network " + quoted(net.name);
  for (const auto& r : kReservedRanges) {
    if (!subnet.overlaps(*Cidr::parse(r.block))) continue;
    add(pos, subject + " overlaps the " + r.what, "use a private range, e.g. 192.168.100.0/24 or 10.0.0.0/24");
    return false;
  }
  for (const auto& [block, what] : options_.taken) {
    if (!subnet.overlaps(block)) continue;
    add(pos, subject + " overlaps " + block.block().str() + ", " + what, "choose another subnet");
    return false;
  }
  return true;
}

void Checker::dhcp(const Network& net, const Cidr& subnet) {
  const Dhcp& d = *net.dhcp;
  if (d.implicit) {
    if (net.gateway && d.range_start <= *net.gateway && *net.gateway <= d.range_end)
      add(net.pos.at("gateway"),
          "gateway " + net.gateway->str() + " lies inside the default dhcp range " + d.range_start.str() + "-" +
              d.range_end.str() + " (the network has no 'dhcp:')",
          "move the gateway below " + d.range_start.str() + ", or give the network a 'dhcp:' range or 'dhcp: false'");
    return;
  }
  if (!d.pos.fields.count("range")) return;
  Position range_pos = d.pos.at("range");
  bool start_ok = check_host_address(d.range_start, subnet, "dhcp range start " + d.range_start.str(), range_pos);
  bool end_ok = check_host_address(d.range_end, subnet, "dhcp range end " + d.range_end.str(), range_pos);
  std::string range_text = d.range_start.str() + "-" + d.range_end.str();
  if (d.range_start > d.range_end) {
    add(range_pos, "dhcp range start " + d.range_start.str() + " is after its end " + d.range_end.str());
  } else if (start_ok && end_ok && net.gateway && d.range_start <= *net.gateway && *net.gateway <= d.range_end) {
    add(net.pos.fields.count("gateway") ? net.pos.at("gateway") : range_pos,
        "gateway " + net.gateway->str() + " lies inside the dhcp range " + range_text,
        "dnsmasq would lease the gateway's address; move the range or the gateway");
  }

  std::map<Mac, std::string> reserved;
  for (size_t i = 0; i < d.hosts.size(); ++i) {
    const DhcpHost& h = d.hosts[i];
    std::string who = h.name.empty() ? "dhcp host " + std::to_string(i) : "dhcp host " + quoted(h.name);
    if (!h.name.empty() && !is_valid_dhcp_hostname(h.name))
      add(h.pos.at("name"), "dhcp host name " + quoted(h.name) + " is not a host name dnsmasq can take",
          "use letters, digits, '-', '_' and '.', starting with a letter or digit");
    if (h.mac) {
      check_mac(*h.mac, who, h.pos.at("mac"));
      auto [it, inserted] = reserved.emplace(*h.mac, who);
      if (!inserted) add(h.pos.at("mac"), who + " mac " + h.mac->str() + " is already reserved by " + it->second);
    }
    if (!h.pos.fields.count("ip")) continue;
    std::string subject = who + " address " + h.ip.str();
    if (check_host_address(h.ip, subnet, subject, h.pos.at("ip"))) claim_ip(net, h.ip, subject, who, h.pos.at("ip"));
  }
}

void Checker::overlaps() {
  for (size_t i = 0; i < topo_.networks.size(); ++i) {
    const Network& b = topo_.networks[i];
    if (!b.subnet) continue;
    for (size_t j = 0; j < i; ++j) {
      const Network& a = topo_.networks[j];
      if (!a.subnet || !a.subnet->overlaps(*b.subnet)) continue;
      add(b.pos.at("subnet"), "subnet " + b.subnet->block().str() + " of network " + quoted(b.name) +
                                  " overlaps subnet " + a.subnet->block().str() + " of network " + quoted(a.name));
      break;
    }
  }
  for (size_t i = 0; i < topo_.networks.size(); ++i) {
    const Network& b = topo_.networks[i];
    if (!b.ipv6 || !b.ipv6->subnet) continue;
    for (size_t j = 0; j < i; ++j) {
      const Network& a = topo_.networks[j];
      if (!a.ipv6 || !a.ipv6->subnet || !a.ipv6->subnet->overlaps(*b.ipv6->subnet)) continue;
      add(b.ipv6->pos.at("subnet"), "IPv6 subnet " + b.ipv6->subnet->block().str() + " of network " +
                                        quoted(b.name) + " overlaps IPv6 subnet " +
                                        a.ipv6->subnet->block().str() + " of network " + quoted(a.name));
      break;
    }
  }
}

void Checker::shared_devices() {
  // Two networks cannot own one bridge, and one NIC can be enslaved to one bridge only.
  // Derived names avoid the given ones and each other (DeviceNames); given ones can still meet.
  std::map<std::string, std::string> bridges, enslaved;
  for (const auto& net : topo_.networks) {
    if (has_bridge(net) && !net.bridge.empty()) {
      auto [it, inserted] = bridges.emplace(net.bridge, net.name);
      if (!inserted)
        add(net.pos.fields.count("bridge") ? net.pos.at("bridge") : net.pos.node,
            "bridge " + quoted(it->first) + " is already used by network " + quoted(it->second));
    }
    if (traits(net.mode).on_lan && has_bridge(net) && !net.uplink.empty()) {
      auto [it, inserted] = enslaved.emplace(net.uplink, net.name);
      if (!inserted)
        add(net.pos.at("uplink"), "uplink " + quoted(net.uplink) + " is already bridged by network " +
                                      quoted(it->second),
            "one NIC can join one bridge only; use 'attach: macvtap' or another NIC");
    }
  }
}

void Checker::guest(const Guest& g) {
  const std::string where = "guest " + quoted(g.name);
  if (!is_valid_name(g.name)) add(g.pos.node, name_problem("guest", g.name), kNameHint);
  guest_host(g);
  if (g.kind == GuestKind::netns) {
    for (const char* key : {"vcpus", "memory", "disk"})
      if (g.pos.fields.count(key))
        add(g.pos.at(key), std::string("'") + key + "' applies only to kvm guests; " + where + " is netns",
            std::string("set 'kind: kvm', or remove '") + key + "'");
  } else {
    if (g.vcpus < 1) add(g.pos.at("vcpus"), "vcpus " + std::to_string(g.vcpus) + " must be at least 1");
    if (g.memory_mib < 1)
      add(g.pos.at("memory"), "memory " + std::to_string(g.memory_mib) + " MiB must be at least 1 MiB");
  }
  std::map<std::string, size_t> names;
  for (size_t i = 0; i < g.nics.size(); ++i) {
    const Nic& n = g.nics[i];
    std::string ifname = guest_nic_name(n, i);
    auto [it, inserted] = names.emplace(ifname, i);
    if (!inserted)
      add(n.pos.at("name"), "nic name " + quoted(ifname) + " is already used by nic " + std::to_string(it->second) +
                                " of " + where);
    else if (n.pos.fields.count("name"))
      check_ifname(ifname, "nic name", n.pos.at("name"), "choose a name of at most 15 bytes, e.g. eth1");
    nic(g, n, i);
  }
}

void Checker::nic(const Guest& g, const Nic& n, size_t index) {
  const std::string who = "nic " + std::to_string(index) + " of guest " + quoted(g.name);
  if (g.kind == GuestKind::netns && n.pos.fields.count("model"))
    add(n.pos.at("model"), "'model' applies only to kvm guests; guest " + quoted(g.name) + " is netns",
        "set 'kind: kvm' on the guest, or remove 'model'");
  if (n.mac) {
    if (!n.mac_generated) check_mac(*n.mac, who, n.pos.at("mac"));
    auto [it, inserted] = nic_macs_.emplace(*n.mac, who);
    if (!inserted)
      add(n.pos.at("mac"), who + " mac " + n.mac->str() + " is already used by " + it->second,
          n.mac_generated ? "two generated MACs collide; set 'mac:' on one of the nics" : "");
  }
  if (n.vlan && (*n.vlan < kMinVlan || *n.vlan > kMaxVlan))
    add(n.pos.at("vlan"), "vlan " + std::to_string(*n.vlan) + " is out of range 1..4094");

  const Network* net = topo_.find_network(n.network);
  if (!net) {
    std::vector<std::string> known;
    for (const auto& other : topo_.networks) known.push_back(other.name);
    std::string hint = did_you_mean(n.network, known);
    if (hint.empty()) hint = known.empty() ? "no networks are defined" : "defined networks: " + join_choices(known);
    add(n.pos.at("network"), "unknown network " + quoted(n.network), hint);
    return;
  }
  if (n.vlan && net->switch_kind == SwitchKind::linux_bridge)
    add(n.pos.at("vlan"), "'vlan' needs an ovs or ovn network; network " + quoted(net->name) + " uses a linux bridge",
        "set 'switch: ovs' on network " + quoted(net->name));
  // Linux and OVS networks live on the first host; a guest elsewhere reaches only OVN's logical switches.
  if (!is_ovn(*net) && host_index(topo_, model::guest_host(topo_, g)) > 0)
    add(n.pos.at("network"), "guest " + quoted(g.name) + " runs on host " + quoted(g.host) + ", but network " +
                                 quoted(net->name) + " is a " + to_string(net->switch_kind) +
                                 " switch on the first host",
        "set 'switch: ovn' on network " + quoted(net->name) + ", or move the guest to the first host");
  if (is_ovn(*net) && n.impair)
    add(n.impair_pos.node, "'impair' on a NIC of OVN network " + quoted(net->name) + " is not supported yet",
        "impair NICs of linux or ovs networks");
  if (n.address_kind == AddressKind::dhcp && serves_dhcp(net->mode) && !net->dhcp)
    add(n.pos.at("address"), who + " uses dhcp but network " + quoted(net->name) + " has no 'dhcp'",
        "network " + quoted(net->name) + " has 'dhcp: false' (or a subnet too small for a range): give it a "
        "'dhcp:' section, or give the nic a static 'address:'");
  if (n.address_kind == AddressKind::static_cidr && n.address) static_address(*net, n, who);
  // A VM's macvtap takes frames from the uplink straight into the VM: no
  // device of netlab's carries them through a qdisc (a light guest's macvlan
  // still has its own egress inside the guest).
  if (n.impair && g.kind == GuestKind::kvm && uses_macvtap(*net))
    add(n.impair_pos.node, "'impair' needs a tap: " + who + " is a macvtap on the uplink of network " +
        quoted(net->name), "attach the network with a bridge (remove 'attach: macvtap') to impair this NIC");
  if (!net->ipv6) {
    if (n.pos.fields.count("address6"))
      add(n.pos.at("address6"), "'address6' needs IPv6 on network " + quoted(net->name),
          "add 'ipv6: {subnet: fd00:10::/64, slaac: true}' to network " + quoted(net->name) + ", or drop 'address6'");
    return;
  }
  if (n.address6) {
    static_address6(*net, n, who);
  } else if (!n.address6_none && !net->ipv6->dhcp && !net->ipv6->slaac && traits(net->mode).netlab_subnet) {
    add(n.pos.fields.count("address6") ? n.pos.at("address6") : n.pos.node,
        who + " gets no IPv6 address: network " + quoted(net->name) + " has neither IPv6 'dhcp' nor 'slaac'",
        "give the nic a static 'address6:' (or 'address6: none'), or add 'slaac: true' to the network's 'ipv6'");
  }
}

void Checker::static_address6(const Network& net, const Nic& n, const std::string& who) {
  if (!net.ipv6->subnet) return;
  const Cidr6& address = *n.address6;
  const Cidr6 block = net.ipv6->subnet->block();
  const Position pos = n.pos.at("address6");
  std::string subject = "IPv6 address " + address.str() + " of " + who;
  if (!check_host_address6(address.address, block, subject, pos)) return;
  if (address.prefix != block.prefix) {
    add(pos, subject + " has prefix /" + std::to_string(address.prefix) + " but IPv6 subnet " + block.str() +
                 " has /" + std::to_string(block.prefix),
        "write " + address.address.str() + "/" + std::to_string(block.prefix));
    return;
  }
  const auto& d = net.ipv6->dhcp;
  if (d && d->range_start <= address.address && address.address <= d->range_end) {
    add(pos, subject + " lies inside the IPv6 dhcp range " + d->range_start.str() + "-" + d->range_end.str(),
        "dnsmasq may lease it to another guest; pick an address outside the range");
    return;
  }
  auto [it, inserted] = ips6_[net.name].emplace(address.address, who);
  if (!inserted) add(pos, subject + " is already used by " + it->second);
}

void Checker::static_address(const Network& net, const Nic& n, const std::string& who) {
  if (!net.subnet) return;
  const Cidr& address = *n.address;
  const Cidr block = net.subnet->block();
  const Position pos = n.pos.at("address");
  std::string subject = "address " + address.str() + " of " + who;
  if (!check_host_address(address.address, block, subject, pos)) return;
  if (address.prefix != block.prefix) {
    add(pos, subject + " has prefix /" + std::to_string(address.prefix) + " but subnet " + block.str() + " has /" +
                 std::to_string(block.prefix),
        "write " + address.address.str() + "/" + std::to_string(block.prefix));
    return;
  }
  if (net.dhcp && net.dhcp->range_start <= address.address && address.address <= net.dhcp->range_end) {
    const std::string range = net.dhcp->range_start.str() + "-" + net.dhcp->range_end.str();
    if (net.dhcp->implicit)
      add(pos, subject + " lies inside the default dhcp range " + range + " (network " + quoted(net.name) +
                   " has no 'dhcp:')",
          "pick an address below " + net.dhcp->range_start.str() + ", or give the network a 'dhcp:' range or "
          "'dhcp: false'");
    else
      add(pos, subject + " lies inside the dhcp range " + range,
          "dnsmasq may lease it to another guest; pick an address outside the range");
    return;
  }
  claim_ip(net, address.address, subject, who, pos);
}

}  // namespace

std::vector<Diagnostic> validate(const Topology& topology, const ValidateOptions& options) {
  return Checker(topology, options).run();
}

}  // namespace netlab::model
