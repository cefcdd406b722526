#include "netlab/state/paths.h"

#include <cstdlib>

#include "netlab/model/diagnostic.h"
#include "netlab/model/names.h"

namespace netlab::state {

Status check_lab_name(const std::string& lab) {
  if (model::is_valid_name(lab)) return {};
  return Error{"invalid lab name '" + model::excerpt(lab) + "': " + model::kNameRuleHint, true};
}

std::string run_root() {
  const char* env = std::getenv("NETLAB_RUN_DIR");
  return env && *env ? env : "/run/netlab";
}

std::string lab_dir(const std::string& lab) { return run_root() + "/" + lab; }

std::string lock_path(const std::string& lab) { return run_root() + "/" + lab + ".lock"; }

}  // namespace netlab::state
