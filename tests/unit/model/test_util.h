#pragma once
// Helpers for the model tests: diagnostics as "line:col: message" strings.
#include <string>
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

namespace netlab::model::testing {

inline std::vector<std::string> brief(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics)
    out.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message);
  return out;
}

/// The loader's diagnostics for `yaml`, briefly.
inline std::vector<std::string> load_problems(const std::string& yaml) {
  return brief(load_string(yaml, "t.yaml").diagnostics);
}

/// The validator's diagnostics for `yaml`, which must load cleanly (else the load
/// problems are returned, prefixed "load: ", so that the test fails visibly).
inline std::vector<std::string> problems(const std::string& yaml) {
  auto loaded = load_string(yaml, "t.yaml");
  if (!loaded.ok()) {
    auto out = brief(loaded.diagnostics);
    for (auto& s : out) s = "load: " + s;
    return out;
  }
  return brief(validate(loaded.topology));
}

}  // namespace netlab::model::testing
