// topology_yaml(): imported libvirt networks -> a netlab topology YAML text,
// written with YAML::Emitter (it quotes and escapes; netlab only says which
// strings must stay strings for every YAML reader).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "netlab/libvirt/import_xml.h"
#include "netlab/model/names.h"

namespace netlab::libvirt {
namespace {

using model::NetworkMode;

/// Writes `text` as a string scalar: double-quoted when a YAML reader would
/// take the plain word for a boolean or a number (yaml-cpp's own conversions
/// decide; "yes", "on", "600"), else as the emitter chooses.
void string_scalar(YAML::Emitter& out, const std::string& text) {
  YAML::Node probe(text);
  bool boolean = false;
  double number = 0;
  if (YAML::convert<bool>::decode(probe, boolean) || YAML::convert<double>::decode(probe, number))
    out << YAML::DoubleQuoted;
  out << text;
}

/// Key `key` with the string `value`.
void string_field(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value;
  string_scalar(out, value);
}

/// A YAML comment line's text: no line breaks or control bytes.
std::string comment(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

/// True when netlab can create a device with this name: 1..15 bytes, no '/',
/// ':', '%' (libvirt's "virbr%d" templates), blanks or control bytes.
bool usable_ifname(const std::string& name) {
  if (name.empty() || name.size() > model::kMaxIfName || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](unsigned char c) {
    return c == '/' || c == ':' || c == '%' || c <= ' ' || c == 127;
  });
}

/// `base`, or base-2, base-3 ... within `max_len`, not yet in `used`.
std::string unique_name(const std::string& base, size_t max_len, std::set<std::string>* used) {
  std::string name = base;
  for (int i = 2; used->count(name); ++i) {
    std::string suffix = "-" + std::to_string(i);
    std::string stem = base.substr(0, max_len > suffix.size() ? max_len - suffix.size() : 1);
    while (stem.size() > 1 && stem.back() == '-') stem.pop_back();
    name = stem + suffix;
  }
  used->insert(name);
  return name;
}

}  // namespace

std::string sanitize_name(std::string_view text, size_t max_len) {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    if (ok && !(out.empty() && (c == '_' || c == '-'))) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  if (max_len == 0) max_len = 1;
  if (out.size() > max_len) out.resize(max_len);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "net";
  return out;
}

namespace {

constexpr size_t kNameMax = model::kMaxName;  // device names are derived to fit (model/names.h)

/// The lab's name: --name, else the lab of netlab's metadata, else the first
/// network's name. A changed --name adds a note.
std::string lab_name(const std::vector<ImportedNetwork>& networks, const ImportOptions& options,
                     std::vector<std::string>* notes) {
  if (!options.name.empty()) {
    std::string lab = sanitize_name(options.name, kNameMax);
    if (lab != options.name) notes->push_back("lab name '" + options.name + "' written as '" + lab + "'");
    return lab;
  }
  if (!networks.empty() && !networks.front().lab.empty())
    return sanitize_name(networks.front().lab, kNameMax);
  return sanitize_name(networks.empty() ? "lab" : networks.front().libvirt_name, kNameMax);
}

/// The host's uplink: the first usable <forward dev>, else the first usable
/// uplink from netlab's metadata; "" when there is none.
std::string host_uplink(const std::vector<ImportedNetwork>& networks) {
  for (const auto& n : networks)
    if (!n.forward_dev.empty() && usable_ifname(n.forward_dev)) return n.forward_dev;
  for (const auto& n : networks)
    if (usable_ifname(n.host_uplink)) return n.host_uplink;
  return "";
}

/// One network as it is written: its netlab name, settings and notes.
struct Prepared {
  std::string name;
  model::Network net;
  std::vector<std::string> notes;
};

/// Names the networks uniquely, drops unusable bridge names and gives each
/// bridge-mode network without a NIC one (--uplink, else a placeholder), with
/// a note for every change.
std::vector<Prepared> prepare(const std::vector<ImportedNetwork>& networks, const ImportOptions& options,
                              const std::string& lab, const std::string& uplink) {
  std::vector<Prepared> out;
  std::set<std::string> used_names, used_uplinks;
  for (const auto& n : networks)
    if (n.network.mode == NetworkMode::bridge && !n.network.uplink.empty()) used_uplinks.insert(n.network.uplink);
  int placeholder = 1;
  for (const auto& imported : networks) {
    Prepared p{"", imported.network, imported.notes};
    model::Network& net = p.net;
    if (!net.bridge.empty() && !usable_ifname(net.bridge)) {
      p.notes.push_back("bridge name '" + net.bridge + "' dropped: netlab needs an interface name of at most 15 bytes " +
                        "without '/', ':', '%' or blanks; netlab derives the bridge's name");
      net.bridge.clear();
    }
    const size_t max_len = kNameMax;
    std::string base = imported.name.empty() ? sanitize_name(imported.libvirt_name, max_len)
                                             : sanitize_name(imported.name, max_len);
    p.name = unique_name(base, max_len, &used_names);
    if (p.name != imported.libvirt_name && imported.name.empty())
      p.notes.push_back("libvirt network '" + imported.libvirt_name + "' named '" + p.name + "'");
    if (!imported.forward_dev.empty() && imported.forward_dev != uplink)
      p.notes.push_back("ignored <forward dev='" + imported.forward_dev + "'>: the lab's uplink is " +
                        (uplink.empty() ? std::string("the default route's NIC") : uplink));
    if (net.mode == NetworkMode::bridge && net.uplink.empty()) {
      std::string nic = options.uplink;
      if (nic.empty() || used_uplinks.count(nic)) {
        while (used_uplinks.count("eth" + std::to_string(placeholder))) ++placeholder;
        nic = "eth" + std::to_string(placeholder);
      }
      used_uplinks.insert(nic);
      net.uplink = nic;
      if (nic != options.uplink)
        p.notes.push_back("libvirt's bridge-mode network names no host NIC; 'uplink: " + nic +
                          "' is a placeholder: set the NIC that leads to the LAN (or pass --uplink)");
    }
    if (net.bridge == model::readable_bridge_name(lab, p.name)) net.bridge.clear();  // netlab's default name: no need to write it
    out.push_back(std::move(p));
  }
  return out;
}

void emit_dhcp(YAML::Emitter& out, const model::Dhcp& d) {
  out << YAML::Key << "dhcp" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "range" << YAML::Value << d.range_start.str() + "-" + d.range_end.str();
  // Checked forms only ("30m", "infinite", "3600"); bare seconds stay a string (string_scalar quotes them).
  if (d.lease_time != "1h") string_field(out, "lease-time", d.lease_time);
  if (!d.hosts.empty()) {
    out << YAML::Key << "hosts" << YAML::Value << YAML::BeginSeq;
    for (const auto& h : d.hosts) {
      out << YAML::Flow << YAML::BeginMap;
      if (!h.name.empty()) string_field(out, "name", h.name);
      // Always quoted: a YAML 1.1 reader takes 52:54:00:00:00:10 for a base-60 number.
      if (h.mac) out << YAML::Key << "mac" << YAML::Value << YAML::DoubleQuoted << h.mac->str();
      out << YAML::Key << "ip" << YAML::Value << h.ip.str();
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

/// The network's key, its notes as comments after it, and its settings
/// (defaults left out).
void emit_network(YAML::Emitter& out, const Prepared& p) {
  const model::Network& net = p.net;
  out << YAML::Key << p.name;
  if (!p.notes.empty()) {
    std::string lines;
    for (const auto& note : p.notes) lines += (lines.empty() ? "" : "\n") + ("netlab import: " + comment(note));
    out << YAML::Comment(lines);
  }
  out << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "mode" << YAML::Value << model::to_string(net.mode);
  if (net.switch_kind == model::SwitchKind::ovs) out << YAML::Key << "switch" << YAML::Value << "ovs";
  if (!net.bridge.empty()) string_field(out, "bridge", net.bridge);
  if (net.mode == NetworkMode::bridge) {
    string_field(out, "uplink", net.uplink);
    out << YAML::Key << "attach" << YAML::Value << model::to_string(net.attach);
  }
  if (net.subnet) out << YAML::Key << "subnet" << YAML::Value << net.subnet->str();
  if (net.gateway) out << YAML::Key << "gateway" << YAML::Value << net.gateway->str();
  // A libvirt network without <dhcp> serves none; netlab's default would.
  if (!net.dhcp && net.mode != NetworkMode::bridge && net.subnet) out << YAML::Key << "dhcp" << YAML::Value << false;
  if (net.dhcp) emit_dhcp(out, *net.dhcp);
  if (net.ipv6 && net.ipv6->subnet) {
    const model::Ipv6Net& v6 = *net.ipv6;
    out << YAML::Key << "ipv6" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "subnet" << YAML::Value << v6.subnet->str();
    if (v6.gateway) out << YAML::Key << "gateway" << YAML::Value << v6.gateway->str();
    if (v6.dhcp) {
      out << YAML::Key << "dhcp" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "range" << YAML::Value << v6.dhcp->range_start.str() + "-" + v6.dhcp->range_end.str();
      if (v6.dhcp->lease_time != "1h") string_field(out, "lease-time", v6.dhcp->lease_time);
      out << YAML::EndMap;
    }
    if (v6.slaac) out << YAML::Key << "slaac" << YAML::Value << true;
    if (v6.nat66) out << YAML::Key << "nat66" << YAML::Value << true;
    out << YAML::EndMap;
  }
  if (!net.dns && net.mode != NetworkMode::bridge) out << YAML::Key << "dns" << YAML::Value << false;
  if (net.mtu != 1500) out << YAML::Key << "mtu" << YAML::Value << net.mtu;
  out << YAML::EndMap;
}

}  // namespace

std::string topology_yaml(const std::vector<ImportedNetwork>& networks, const ImportOptions& options) {
  std::vector<std::string> top_notes;
  const std::string lab = lab_name(networks, options, &top_notes);
  const std::string uplink = host_uplink(networks);
  const std::vector<Prepared> prepared = prepare(networks, options, lab, uplink);

  YAML::Emitter out;
  std::string header = "Written by `netlab import` from libvirt network XML:";
  for (const auto& n : networks) header += "\n  " + comment(n.file) + " (network '" + comment(n.libvirt_name) + "')";
  header += "\nA libvirt network names no guests: add them under 'guests:'.";
  for (const auto& note : top_notes) header += "\nnetlab import: " + comment(note);
  out << YAML::Comment(header) << YAML::BeginMap;
  string_field(out, "name", lab);
  if (!uplink.empty()) {
    out << YAML::Key << "host" << YAML::Value << YAML::BeginMap;
    string_field(out, "uplink", uplink);
    out << YAML::EndMap;
  }
  out << YAML::Key << "networks" << YAML::Value << YAML::BeginMap;
  for (const auto& p : prepared) emit_network(out, p);
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace netlab::libvirt
