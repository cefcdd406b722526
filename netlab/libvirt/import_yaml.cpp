// topology_yaml(): imported libvirt networks -> a netlab topology YAML text.
#include <algorithm>
#include <cctype>
#include <set>

#include "netlab/libvirt/import_xml.h"
#include "netlab/model/names.h"

namespace netlab::libvirt {
namespace {

using model::NetworkMode;

/// A YAML scalar: plain when it is a simple word that YAML reads back as the
/// same string, else double-quoted with escapes.
std::string scalar(const std::string& text) {
  static const std::set<std::string> kSpecial{"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  bool plain = !text.empty() && !kSpecial.count(lower) && std::isalpha(static_cast<unsigned char>(text[0])) &&
               std::all_of(text.begin(), text.end(), [](unsigned char c) {
                 return std::isalnum(c) || c == '-' || c == '_' || c == '.';
               });
  if (plain) return text;
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
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
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) out += l;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (!out.empty() && (out[0] < 'a' || out[0] > 'z')) out = "n" + out;
  if (out.empty()) out = "net";
  if (max_len == 0) max_len = 1;
  if (out.size() > max_len) out.resize(max_len);
  while (out.size() > 1 && out.back() == '-') out.pop_back();
  return out;
}

std::string topology_yaml(const std::vector<ImportedNetwork>& networks, const ImportOptions& options) {
  constexpr size_t kLabMax = 5;   // keeps <lab>-<guest>-<n> device names short
  constexpr size_t kNameMax = 32;
  std::vector<std::string> top_notes;
  std::string lab;
  if (!options.name.empty()) {
    lab = sanitize_name(options.name, options.name.size());
    if (lab != options.name) top_notes.push_back("lab name '" + options.name + "' written as '" + lab + "'");
  } else if (!networks.empty() && !networks.front().lab.empty()) {
    lab = sanitize_name(networks.front().lab, networks.front().lab.size());
  } else {
    lab = sanitize_name(networks.empty() ? "lab" : networks.front().libvirt_name, kLabMax);
  }

  std::string host_uplink;
  for (const auto& n : networks)
    if (!n.forward_dev.empty() && usable_ifname(n.forward_dev)) {
      host_uplink = n.forward_dev;
      break;
    }
  for (const auto& n : networks)
    if (host_uplink.empty() && usable_ifname(n.host_uplink)) host_uplink = n.host_uplink;

  std::string out = "# Written by `netlab import` from libvirt network XML:\n";
  for (const auto& n : networks) out += "#   " + comment(n.file) + " (network '" + comment(n.libvirt_name) + "')\n";
  out += "# A libvirt network names no guests: add them under 'guests:'.\n";
  for (const auto& note : top_notes) out += "# netlab import: " + comment(note) + "\n";
  out += "name: " + scalar(lab) + "\n";
  if (!host_uplink.empty()) out += "host:\n  uplink: " + scalar(host_uplink) + "\n";
  out += "networks:\n";

  std::set<std::string> used_names, used_uplinks;
  for (const auto& n : networks)
    if (n.network.mode == NetworkMode::bridge && !n.network.uplink.empty()) used_uplinks.insert(n.network.uplink);
  int placeholder = 1;
  for (const auto& imported : networks) {
    model::Network net = imported.network;
    std::vector<std::string> notes = imported.notes;
    bool macvtap = net.mode == NetworkMode::bridge && net.attach == model::Attach::macvtap;
    if (!net.bridge.empty() && !usable_ifname(net.bridge)) {
      notes.push_back("bridge name '" + net.bridge + "' dropped: netlab needs an interface name of at most 15 bytes " +
                      "without '/', ':', '%' or blanks; netlab names the bridge <lab>-<network>");
      net.bridge.clear();
    }
    // Without a bridge name of its own, the network's name must leave room for "<lab>-".
    size_t max_len = kNameMax;
    if (net.bridge.empty() && !macvtap)
      max_len = model::kMaxIfName > lab.size() + 1 ? model::kMaxIfName - lab.size() - 1 : 1;
    std::string base = imported.name.empty() ? sanitize_name(imported.libvirt_name, max_len)
                                             : sanitize_name(imported.name, max_len);
    std::string name = unique_name(base, max_len, &used_names);
    if (name != imported.libvirt_name && imported.name.empty())
      notes.push_back("libvirt network '" + imported.libvirt_name + "' named '" + name + "'");
    if (!imported.forward_dev.empty() && imported.forward_dev != host_uplink)
      notes.push_back("ignored <forward dev='" + imported.forward_dev + "'>: the lab's uplink is " +
                      (host_uplink.empty() ? std::string("the default route's NIC") : host_uplink));
    if (net.mode == NetworkMode::bridge && net.uplink.empty()) {
      std::string nic = options.uplink;
      if (nic.empty() || used_uplinks.count(nic)) {
        while (used_uplinks.count("eth" + std::to_string(placeholder))) ++placeholder;
        nic = "eth" + std::to_string(placeholder);
      }
      used_uplinks.insert(nic);
      net.uplink = nic;
      if (nic != options.uplink)
        notes.push_back("libvirt's bridge-mode network names no host NIC; 'uplink: " + nic +
                        "' is a placeholder: set the NIC that leads to the LAN (or pass --uplink)");
    }

    if (net.bridge == lab + "-" + name) net.bridge.clear();  // netlab's default name: no need to write it
    out += "  " + name + ":\n";
    for (const auto& note : notes) out += "    # netlab import: " + comment(note) + "\n";
    out += std::string("    mode: ") + model::to_string(net.mode) + "\n";
    if (net.switch_kind == model::SwitchKind::ovs) out += "    switch: ovs\n";
    if (!net.bridge.empty()) out += "    bridge: " + scalar(net.bridge) + "\n";
    if (net.mode == NetworkMode::bridge) {
      out += "    uplink: " + scalar(net.uplink) + "\n";
      out += std::string("    attach: ") + model::to_string(net.attach) + "\n";
    }
    if (net.subnet) out += "    subnet: " + net.subnet->str() + "\n";
    if (net.gateway) out += "    gateway: " + net.gateway->str() + "\n";
    // A libvirt network without <dhcp> serves none; netlab's default would.
    if (!net.dhcp && net.mode != NetworkMode::bridge && net.subnet) out += "    dhcp: false\n";
    if (net.dhcp) {
      const auto& d = *net.dhcp;
      out += "    dhcp:\n";
      out += "      range: " + d.range_start.str() + "-" + d.range_end.str() + "\n";
      // Checked forms only ("30m", "infinite", "3600"); bare seconds are quoted to stay a string.
      bool digits = d.lease_time.find_first_not_of("0123456789") == std::string::npos;
      if (d.lease_time != "1h")
        out += "      lease-time: " + (digits ? "\"" + d.lease_time + "\"" : d.lease_time) + "\n";
      if (!d.hosts.empty()) {
        out += "      hosts:\n";
        for (const auto& h : d.hosts) {
          std::string item;
          if (!h.name.empty()) item += "name: " + scalar(h.name) + ", ";
          if (h.mac) item += "mac: \"" + h.mac->str() + "\", ";
          item += "ip: " + h.ip.str();
          out += "        - {" + item + "}\n";
        }
      }
    }
    if (!net.dns && net.mode != NetworkMode::bridge) out += "    dns: false\n";
    if (net.mtu != 1500) out += "    mtu: " + std::to_string(net.mtu) + "\n";
  }
  return out;
}

}  // namespace netlab::libvirt
