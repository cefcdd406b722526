#include "netlab/model/digest.h"


namespace netlab::model {

std::string Digest::hex() const {
  // By hand, not snprintf: a 1000-guest `up` spells some 2000 digests.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<size_t>(15 - i)] = kHex[(a_ >> (4 * i)) & 0xf];
    out[static_cast<size_t>(31 - i)] = kHex[(b_ >> (4 * i)) & 0xf];
  }
  return out;
}

}  // namespace netlab::model
