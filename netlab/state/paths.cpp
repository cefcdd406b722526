#include "netlab/state/paths.h"

#include <cstdlib>

#include "netlab/model/diagnostic.h"
#include "netlab/model/file_io.h"
#include "netlab/model/names.h"

namespace netlab::state {

Status check_lab_name(const std::string& lab) {
  if (model::is_valid_name(lab)) return {};
  return Error{"invalid lab name '" + model::excerpt(lab) + "': " + model::kNameRule, true};
}

Status make_lab_dir(const std::string& lab) {
  if (auto named = check_lab_name(lab); !named) return named;
  if (auto root = model::make_directory(run_root(), kRunDirMode); !root) return root;
  return model::make_directory(lab_dir(lab), kRunDirMode);
}

std::string run_root() {
  const char* env = std::getenv("NETLAB_RUN_DIR");
  return env && *env ? env : "/run/netlab";
}

std::string lab_dir(const std::string& lab) { return run_root() + "/" + lab; }

std::string lock_path(const std::string& lab) { return run_root() + "/" + lab + ".lock"; }

}  // namespace netlab::state
