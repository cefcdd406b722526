// libFuzzer target: any bytes through hopmap_from_json(), the reader of a lab's
// hopmap.json and of a saved capture set's. It may refuse, never crash, hang or
// throw; what it accepts must write back and read again to the same map.
#include <cstddef>
#include <cstdint>
#include <string>

#include "netlab/model/hopmap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  netlab::model::HopMap map;
  std::string err;
  if (!netlab::model::hopmap_from_json(text, &map, &err)) {
    if (err.empty()) __builtin_trap();  // a refusal must say why
    return 0;
  }
  netlab::model::HopMap again;
  if (!netlab::model::hopmap_from_json(netlab::model::hopmap_to_json(map), &again, &err)) __builtin_trap();
  if (netlab::model::hopmap_to_json(again) != netlab::model::hopmap_to_json(map)) __builtin_trap();
  return 0;
}
