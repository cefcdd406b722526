#include "netlab/model/names.h"

#include "netlab/model/lab_hosts.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>
#include <unordered_set>
#include <vector>

namespace netlab::model {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// FNV-1a, 64 bit: defined on bytes, so the same on every machine and compiler.
uint64_t fnv1a64(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

/// "nl" + hex digits of the hash of `key` (attempt > 0 adds "#<attempt>") + `suffix`, at most 15 bytes.
std::string hashed_name(const std::string& key, unsigned attempt, const std::string& suffix) {
  uint64_t hash = fnv1a64(attempt == 0 ? key : key + "#" + std::to_string(attempt));
  hash ^= hash >> 32;  // fold the high half in: FNV's low bits alone mix weakly
  static const char* kHex = "0123456789abcdef";
  const size_t room = kMaxIfName - 2 - std::min(suffix.size(), kMaxIfName - 3);
  const size_t digits = std::min<size_t>(8, room);
  std::string out = "nl";
  for (size_t i = 0; i < digits; ++i) out += kHex[(hash >> (4 * (digits - 1 - i))) & 15];
  return (out + suffix).substr(0, kMaxIfName);
}

}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || name.front() == '-' || name.front() == '_') return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

std::string guess_lab_name(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, 5) != "name:") continue;
    std::string_view value = line.substr(5);
    if (size_t comment = value.find(" #"); comment != std::string_view::npos) value = value.substr(0, comment);
    const size_t first = value.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return "";
    value = value.substr(first, value.find_last_not_of(" \t\r") - first + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    return is_valid_name(value) ? std::string(value) : "";
  }
  return "";
}

std::string readable_bridge_name(const std::string& lab, const std::string& network) { return lab + "-" + network; }

std::string readable_host_nic_name(const std::string& lab, const std::string& guest, size_t index) {
  return lab + "-" + guest + "-" + std::to_string(index);
}

// The keys differ in shape ("lab/network/bridge" never ends in a number), as in generate_mac.
std::string hashed_bridge_name(const std::string& lab, const std::string& network, unsigned attempt) {
  return hashed_name(lab + "/" + network + "/bridge", attempt, "-br");
}

std::string hashed_host_nic_name(const std::string& lab, const std::string& guest, size_t index, unsigned attempt) {
  return hashed_name(lab + "/" + guest + "/" + std::to_string(index), attempt, "-" + std::to_string(index));
}

DeviceNames::DeviceNames(const Topology& topo) {
  // Names taken before anything is derived: explicit bridges and uplinks are used as given.
  std::unordered_set<std::string> taken;
  taken.reserve(2 * topo.guests.size() + 2 * topo.networks.size() + 1);
  nics_.reserve(topo.guests.size());
  if (!topo.host.uplink.empty()) taken.insert(topo.host.uplink);
  for (const auto& net : topo.networks) {
    if (!net.bridge.empty()) taken.insert(net.bridge);
    if (!net.uplink.empty()) taken.insert(net.uplink);
  }
  // Pass 1, in name order: readable names that fit and are free. Pass 2: hashed names for the rest.
  std::vector<const Network*> networks;
  for (const auto& net : topo.networks) networks.push_back(&net);
  std::sort(networks.begin(), networks.end(), [](const Network* a, const Network* b) { return a->name < b->name; });
  std::vector<const Guest*> guests;
  for (const auto& g : topo.guests) guests.push_back(&g);
  std::sort(guests.begin(), guests.end(), [](const Guest* a, const Guest* b) { return a->name < b->name; });

  std::vector<const Network*> hashed_networks;
  std::vector<std::pair<const Guest*, size_t>> hashed_nics;
  for (const Network* net : networks) {
    if (!net->bridge.empty()) {
      bridges_[net->name] = net->bridge;
      continue;
    }
    std::string name = readable_bridge_name(topo.name, net->name);
    if (name.size() <= kMaxIfName && taken.insert(name).second) bridges_[net->name] = name;
    else hashed_networks.push_back(net);
  }
  for (const Guest* g : guests) {
    auto& devices = nics_[g->name];
    devices.resize(g->nics.size());
    for (size_t i = 0; i < g->nics.size(); ++i) {
      std::string name = readable_host_nic_name(topo.name, g->name, i);
      if (name.size() <= kMaxIfName && taken.insert(name).second) devices[i] = std::move(name);
      else hashed_nics.push_back({g, i});
    }
  }
  for (const Network* net : hashed_networks) {
    std::string name = hashed_bridge_name(topo.name, net->name);
    for (unsigned attempt = 1; !taken.insert(name).second; ++attempt)
      name = hashed_bridge_name(topo.name, net->name, attempt);
    bridges_[net->name] = name;
  }
  for (const auto& [g, i] : hashed_nics) {
    std::string name = hashed_host_nic_name(topo.name, g->name, i);
    for (unsigned attempt = 1; !taken.insert(name).second; ++attempt)
      name = hashed_host_nic_name(topo.name, g->name, i, attempt);
    nics_[g->name][i] = name;
  }
}

const std::string& DeviceNames::bridge(const Network& net) const { return bridges_.at(net.name); }

const std::string& DeviceNames::host_nic(const Guest& guest, size_t index) const {
  return nics_.at(guest.name).at(index);
}

std::string bridge_name(const Topology& topo, const Network& net) {
  if (!net.bridge.empty()) return net.bridge;
  return DeviceNames(topo).bridge(net);
}

std::string host_nic_name(const Topology& topo, const Guest& guest, size_t index) {
  return DeviceNames(topo).host_nic(guest, index);
}

std::string guest_nic_name(const Nic& nic, size_t index) {
  return nic.name.empty() ? "eth" + std::to_string(index) : nic.name;
}

std::string guest_namespace(const Topology& topo, const Guest& guest) { return topo.name + "-" + guest.name; }

std::string friendly_nic(const std::string& guest, const std::string& nic) { return guest + ":" + nic; }
std::string friendly_bridge(const std::string& network) { return "network " + network; }

std::string uuid_from_name(const std::string& key) {
  auto fnv = [](const std::string& text, uint64_t h) {
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    return h;
  };
  const uint64_t a = fnv(key, 14695981039346656037ULL);
  const uint64_t b = fnv(key + ":2", a);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string ovn_logical_port(const Topology& topo, const Guest& guest, size_t index) {
  const std::string nic = guest_nic_name(guest.nics[index], index);
  if (guest.kind != GuestKind::kvm) return friendly_nic(guest.name, nic);
  return uuid_from_name("netlab:" + topo.name + ":" + guest.name + ":" + nic);
}

std::string ovn_port_label(const Topology& topo, const std::string& port) {
  for (const auto& g : topo.guests)
    for (size_t i = 0; i < g.nics.size(); ++i)
      if (ovn_logical_port(topo, g, i) == port) return friendly_nic(g.name, guest_nic_name(g.nics[i], i));
  return port;
}

std::string with_friendly(const std::string& device, const std::string& friendly) {
  if (friendly.empty() || friendly == device) return device;
  if (device.empty()) return friendly;
  return friendly + " (" + device + ")";
}

std::string sandbox_host_namespace(const std::string& lab) { return lab + "-host"; }
std::string sandbox_wan_namespace(const std::string& lab) { return lab + "-wan"; }
std::string sandbox_lan_namespace(const std::string& lab) { return lab + "-lan"; }
std::string sandbox_dc_namespace(const std::string& lab) { return lab + "-dc"; }

std::string hypervisor_namespace(const Topology& topo, const std::string& host) {
  const auto hosts = lab_hosts(topo);
  if (hosts.empty() || hosts.front().name == host) return sandbox_host_namespace(topo.name);
  return topo.name + "-" + host;
}

std::string link_tag(const std::string& lab) { return "netlab:" + lab; }

std::string link_alias(const std::string& lab, const std::string& what) {
  return what.empty() ? link_tag(lab) : link_tag(lab) + " " + what;
}

std::string nic_alias_part(const std::string& guest, const std::string& nic) {
  return "guest=" + guest + " nic=" + nic;
}

std::string bridge_alias_part(const std::string& network) { return "network=" + network; }

std::optional<std::string> lab_of_alias(const std::string& alias) {
  static const std::string kPrefix = "netlab:";
  if (alias.rfind(kPrefix, 0) != 0) return std::nullopt;
  const size_t end = alias.find(' ', kPrefix.size());
  std::string lab = alias.substr(kPrefix.size(), end == std::string::npos ? end : end - kPrefix.size());
  if (lab.empty()) return std::nullopt;
  return lab;
}

std::string nft_table_name(const std::string& lab) {
  std::string name = "netlab_" + lab;
  for (size_t i = 7; i < name.size(); ++i) {
    if (name[i] == '-') name[i] = '_';
    else if (name[i] == '_') name[i] = '-';
  }
  return name;
}

}  // namespace netlab::model
