#include "netlab/model/digest.h"

#include <cstdio>

namespace netlab::model {

std::string Digest::hex() const {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return out;
}

}  // namespace netlab::model
