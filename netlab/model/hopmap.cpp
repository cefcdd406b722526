#include "netlab/model/hopmap.h"

#include <nlohmann/json.hpp>

namespace netlab::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Hop, role, netns, device)
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

}  // namespace netlab::model
