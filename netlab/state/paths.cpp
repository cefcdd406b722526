#include "netlab/state/paths.h"

#include <cstdlib>

namespace netlab::state {

std::string run_root() {
  const char* env = std::getenv("NETLAB_RUN_DIR");
  return env && *env ? env : "/run/netlab";
}

std::string lab_dir(const std::string& lab) { return run_root() + "/" + lab; }

std::string lock_path(const std::string& lab) { return run_root() + "/" + lab + ".lock"; }

}  // namespace netlab::state
