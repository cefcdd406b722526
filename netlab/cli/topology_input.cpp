#include "netlab/cli/topology_input.h"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netlab/cli/commands.h"
#include "netlab/model/diagnostic.h"
#include "netlab/model/file_io.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/model/validator.h"
#include "netlab/plan/running_lab.h"

namespace netlab::cli {

std::optional<TopologyInput> load_valid_topology(const std::string& path, int* exit_code,
                                                 const model::ValidateOptions& options,
                                                 const std::function<void(const std::string&)>& on_read) {
  auto text = model::read_file_bounded(path);  // stops at 16 MiB: `validate /dev/zero` ends
  if (!text) {
    fmt::print(stderr, "{}: error: {}\n", path, text.error().message);
    *exit_code = kExitBadInput;
    return std::nullopt;
  }
  TopologyInput input{path, std::move(*text), {}};
  if (on_read) on_read(input.text);
  auto loaded = model::load_string(input.text, path);
  auto problems = loaded.diagnostics;
  if (loaded.ok()) problems = model::validate(loaded.topology, options);
  if (!problems.empty()) {
    fmt::print(stderr, "{}", model::format_all(problems));
    *exit_code = kExitBadInput;
    return std::nullopt;
  }
  input.topology = std::move(loaded.topology);
  return input;
}

bool names_a_file(const std::string& lab_or_file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(lab_or_file, ec)) return true;
  auto ends_with = [&](const std::string& suffix) {
    return lab_or_file.size() > suffix.size() &&
           lab_or_file.compare(lab_or_file.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return lab_or_file.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml") || ends_with(".json");
}

std::string lab_name_problem(const std::string& lab) {
  if (model::is_valid_name(lab)) return "";
  return "invalid lab name '" + model::excerpt(lab) + "': " + model::kNameRule;
}

CLI::Validator lab_name_check() {
  return CLI::Validator([](std::string& lab) { return lab_name_problem(lab); }, "LAB", "lab name");
}

std::optional<LabOrFile> load_lab_or_file(const std::string& lab_or_file, const char* command, int* exit_code) {
  if (names_a_file(lab_or_file)) {
    auto input = load_valid_topology(lab_or_file, exit_code);
    if (!input) return std::nullopt;
    return LabOrFile{std::move(input->topology), std::nullopt};
  }
  if (!lab_name_from_argument(lab_or_file, exit_code)) return std::nullopt;  // invalid name: exit 2
  auto lab = plan::running_lab(lab_or_file);
  if (!lab) {
    fmt::print(stderr, "netlab {}: {}\n", command, lab.error().message);
    *exit_code = lab.error().bad_input ? kExitBadInput : kExitFailed;
    return std::nullopt;
  }
  auto problems = model::validate(lab->topology);
  if (!problems.empty()) {
    fmt::print(stderr, "{}", model::format_all(problems));
    *exit_code = kExitBadInput;
    return std::nullopt;
  }
  return LabOrFile{std::move(lab->topology), std::move(lab->state)};
}

std::optional<std::string> lab_name_from_argument(const std::string& lab_or_file, int* exit_code) {
  if (!names_a_file(lab_or_file)) {
    if (auto problem = lab_name_problem(lab_or_file); !problem.empty()) {
      fmt::print(stderr, "netlab: {}\n", problem);
      *exit_code = kExitBadInput;
      return std::nullopt;
    }
    return lab_or_file;
  }
  auto input = load_valid_topology(lab_or_file, exit_code);
  if (!input) return std::nullopt;
  return input->topology.name;
}

}  // namespace netlab::cli
