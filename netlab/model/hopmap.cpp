#include "netlab/model/hopmap.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "netlab/model/diagnostic.h"
#include "netlab/model/file_io.h"
#include "netlab/model/names.h"

namespace netlab::model {

// Roles and modes travel as their names; an unknown name fails the parse.
template <typename E>
void enum_to_json(nlohmann::json& j, E v) {
  j = to_string(v);
}
template <typename E>
void enum_from_json(const nlohmann::json& j, E* v, const char* what) {
  const auto& name = j.get_ref<const std::string&>();
  auto parsed = from_name<E>(name);
  if (!parsed) throw std::invalid_argument(std::string("unknown ") + what + " \"" + excerpt(name) + "\"");
  *v = *parsed;
}
void to_json(nlohmann::json& j, HopRole v) { enum_to_json(j, v); }
void from_json(const nlohmann::json& j, HopRole& v) { enum_from_json(j, &v, "role"); }
void to_json(nlohmann::json& j, NetworkMode v) { enum_to_json(j, v); }
void from_json(const nlohmann::json& j, NetworkMode& v) { enum_from_json(j, &v, "mode"); }

// By hand: "friendly" is optional, so hop maps written before it still load.
void to_json(nlohmann::json& j, const Hop& h) {
  j = {{"role", h.role}, {"netns", h.netns}, {"device", h.device}};
  if (!h.friendly.empty()) j["friendly"] = h.friendly;
}
void from_json(const nlohmann::json& j, Hop& h) {
  j.at("role").get_to(h.role);
  j.at("netns").get_to(h.netns);
  j.at("device").get_to(h.device);
  h.friendly = j.value("friendly", std::string());
}
// By hand: "vlan" is optional and written only for a tagged NIC, "address6"
// only for a NIC holding a global IPv6 address, "ovn_port" and "ovn_gateway" only on OVN.
void to_json(nlohmann::json& j, const NicPath& p) {
  j = {{"guest", p.guest}, {"nic", p.nic}, {"network", p.network}, {"mode", p.mode}, {"mac", p.mac},
       {"address", p.address}};
  if (!p.address6.empty()) j["address6"] = p.address6;
  if (p.vlan >= 0) j["vlan"] = p.vlan;
  if (!p.ovn_port.empty()) j["ovn_port"] = p.ovn_port;
  if (!p.ovn_gateway.empty()) j["ovn_gateway"] = p.ovn_gateway;
  j["hops"] = p.hops;
}
void from_json(const nlohmann::json& j, NicPath& p) {
  j.at("guest").get_to(p.guest);
  j.at("nic").get_to(p.nic);
  j.at("network").get_to(p.network);
  j.at("mode").get_to(p.mode);
  j.at("mac").get_to(p.mac);
  j.at("address").get_to(p.address);
  p.address6 = j.value("address6", std::string());
  p.vlan = j.value("vlan", -1);
  p.ovn_port = j.value("ovn_port", std::string());
  p.ovn_gateway = j.value("ovn_gateway", std::string());
  j.at("hops").get_to(p.hops);
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HopMap, lab, nics)

// Written directly rather than through a nlohmann::json tree: `up` writes the map
// of every NIC after each change, and building and freeing that tree took about a
// fifth of a one-guest change at 1000 guests. The text is the one
// nlohmann::json(map).dump(2) gives (keys sorted, two-space indent, the same
// escapes), as the unit test checks.
namespace {

/// True for the bytes JSON writes escaped.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void put_string(std::string& out, const std::string& s) {
  out += '"';
  // Names and addresses have nothing to escape: one append.
  if (std::none_of(s.begin(), s.end(), [](char c) { return needs_escape(static_cast<unsigned char>(c)); })) {
    out += s;
    out += '"';
    return;
  }
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

/// `"key": "value"` at `indent`, preceded by ",\n" unless it is the first member.
void put_member(std::string& out, int indent, bool& first, const char* key, const std::string& value) {
  out += first ? "\n" : ",\n";
  first = false;
  out.append(static_cast<size_t>(indent), ' ');
  out += '"';
  out += key;
  out += "\": ";
  put_string(out, value);
}

/// `,\n"key": [` and `items`, each written by `put` from a line of its own, then
/// `]` at `indent` (`[]` when there are none). Always after another member.
template <typename Item, typename Put>
void put_array(std::string& out, int indent, const char* key, const std::vector<Item>& items, Put put) {
  out += ",\n";
  out.append(static_cast<size_t>(indent), ' ');
  out += '"';
  out += key;
  out += "\": [";
  for (size_t i = 0; i < items.size(); ++i) {
    out += i ? ",\n" : "\n";
    put(out, items[i]);
  }
  if (items.empty()) {
    out += ']';
    return;
  }
  out += '\n';
  out.append(static_cast<size_t>(indent), ' ');
  out += ']';
}

void put_hop(std::string& out, const Hop& h) {
  out += "        {";
  bool first = true;
  put_member(out, 10, first, "device", h.device);
  if (!h.friendly.empty()) put_member(out, 10, first, "friendly", h.friendly);
  put_member(out, 10, first, "netns", h.netns);
  put_member(out, 10, first, "role", to_string(h.role));
  out += "\n        }";
}

void put_nic(std::string& out, const NicPath& p) {
  out += "    {";
  bool first = true;
  put_member(out, 6, first, "address", p.address);
  if (!p.address6.empty()) put_member(out, 6, first, "address6", p.address6);
  put_member(out, 6, first, "guest", p.guest);
  put_array(out, 6, "hops", p.hops, put_hop);
  put_member(out, 6, first, "mac", p.mac);
  put_member(out, 6, first, "mode", to_string(p.mode));
  put_member(out, 6, first, "network", p.network);
  put_member(out, 6, first, "nic", p.nic);
  if (!p.ovn_gateway.empty()) put_member(out, 6, first, "ovn_gateway", p.ovn_gateway);
  if (!p.ovn_port.empty()) put_member(out, 6, first, "ovn_port", p.ovn_port);
  if (p.vlan >= 0) out += ",\n      \"vlan\": " + std::to_string(p.vlan);
  out += "\n    }";
}

}  // namespace

std::string hopmap_to_json(const HopMap& map) {
  std::string out;
  out.reserve(64 + 768 * map.nics.size());  // a NIC with its hops is 500 to 700 bytes
  out += "{";
  bool first = true;
  put_member(out, 2, first, "lab", map.lab);
  put_array(out, 2, "nics", map.nics, put_nic);
  out += "\n}\n";
  return out;
}

bool hopmap_from_json(const std::string& text, HopMap* map, std::string* err) {
  if (text.size() > kMaxInputBytes) {
    *err = "hop map: larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB, far above any real lab";
    return false;
  }
  try {
    *map = nlohmann::json::parse(text).get<HopMap>();
    return true;
  } catch (const nlohmann::json::exception& e) {
    *err = "hop map: " + excerpt(e.what(), kMaxParserMessage);  // its "last read: '...'" is the file's text
    return false;
  } catch (const std::invalid_argument& e) {
    *err = "hop map: " + excerpt(e.what(), kMaxParserMessage);
    return false;
  }
}

std::string hop_label(const Hop& hop) { return with_friendly(hop.device, hop.friendly); }

const Hop* find_hop(const NicPath& nic, HopRole role) {
  for (const auto& h : nic.hops)
    if (h.role == role) return &h;
  return nullptr;
}

const Hop* switch_hop(const NicPath& nic) {
  for (const auto& h : nic.hops)
    if (is_switch(h.role)) return &h;
  return nullptr;
}

Result<HopMap> read_hopmap_file(const std::string& path) {
  auto text = read_file_bounded(path);  // stops at 16 MiB, as hopmap_from_json would refuse more
  if (!text) return Error{"cannot read " + path + ": " + text.error().message, true};
  HopMap map;
  std::string err;
  if (!hopmap_from_json(*text, &map, &err)) return Error{path + ": " + err};
  return map;
}

}  // namespace netlab::model
