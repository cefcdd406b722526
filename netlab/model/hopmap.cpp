#include "netlab/model/hopmap.h"

#include <nlohmann/json.hpp>

#include "netlab/model/file_io.h"

namespace netlab::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Hop, role, netns, device)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NicPath, guest, nic, network, mode, mac, address, hops)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HopMap, lab, nics)

std::string hopmap_to_json(const HopMap& map) { return nlohmann::json(map).dump(2) + "\n"; }

bool hopmap_from_json(const std::string& text, HopMap* map, std::string* err) {
  if (text.size() > kMaxInputBytes) {
    *err = "hop map: larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB, far above any real lab";
    return false;
  }
  try {
    *map = nlohmann::json::parse(text).get<HopMap>();
    return true;
  } catch (const nlohmann::json::exception& e) {
    *err = std::string("hop map: ") + e.what();
    return false;
  }
}

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
