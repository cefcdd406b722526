#include "netlab/model/hopmap.h"

#include <nlohmann/json.hpp>

#include "netlab/model/names.h"

namespace netlab::model {

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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NicPath, guest, nic, network, mode, mac, address, hops)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HopMap, lab, nics)

std::string hopmap_to_json(const HopMap& map) { return nlohmann::json(map).dump(2) + "\n"; }

bool hopmap_from_json(const std::string& text, HopMap* map, std::string* err) {
  try {
    *map = nlohmann::json::parse(text).get<HopMap>();
    return true;
  } catch (const nlohmann::json::exception& e) {
    *err = std::string("hop map: ") + e.what();
    return false;
  }
}

std::string hop_label(const Hop& hop) { return with_friendly(hop.device, hop.friendly); }

const Hop* find_hop(const NicPath& nic, std::string_view role) {
  for (const auto& h : nic.hops)
    if (h.role == role) return &h;
  return nullptr;
}

const Hop* switch_hop(const NicPath& nic) {
  const Hop* hop = find_hop(nic, "bridge");
  return hop ? hop : find_hop(nic, "ovs");
}

}  // namespace netlab::model
