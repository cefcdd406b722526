#pragma once
// Reading the topology a subcommand was given, once for all of them: load,
// validate, and on any problem print every message and choose exit code 2.
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "netlab/model/topology.h"
#include "netlab/model/validator.h"
#include "netlab/state/lab_state.h"

namespace netlab::cli {

struct TopologyInput {
  std::string path;
  std::string text;  // the file as read, kept as the lab's copy
  model::Topology topology;
};

/// Loads and validates `path`. On problems prints them (file:line:col: error: ...)
/// to stderr, sets *exit_code to 2 and returns nullopt. `on_read`, when given,
/// gets the file's text as soon as it is read, before it is loaded.
std::optional<TopologyInput> load_valid_topology(const std::string& path, int* exit_code,
                                                 const model::ValidateOptions& options = {},
                                                 const std::function<void(const std::string&)>& on_read = {});

/// Whether a `LAB|FILE` argument means a file: it exists as one, or it has the
/// shape of a path (a '/', or a .yaml/.yml/.json ending), which no lab name has.
bool names_a_file(const std::string& lab_or_file);

/// A lab name given on the command line must pass the rule names in files pass
/// (model::is_valid_name): it becomes a path under the run root, and "..", "."
/// or "" there would reach the run root itself or its parent. "" when it does,
/// else the message.
std::string lab_name_problem(const std::string& lab);
/// CLI11 check for LAB arguments: a usage error (exit 2) on lab_name_problem.
CLI::Validator lab_name_check();

/// A `LAB|FILE` argument read as a topology: a file (names_a_file) loaded and
/// validated; a lab name (which must pass lab_name_problem), the running lab's copy (plan::running_lab), validated
/// again, with its state.
struct LabOrFile {
  model::Topology topology;
  std::optional<state::LabState> running;  // set when the argument named a running lab
};
/// On any problem prints it (prefixed "netlab <command>: " for a lab), sets
/// *exit_code (2 for bad input, 1 otherwise) and returns nullopt.
std::optional<LabOrFile> load_lab_or_file(const std::string& lab_or_file, const char* command, int* exit_code);

/// `LAB|FILE` arguments: a file (names_a_file) names the lab in that file;
/// anything else is a lab name, which must pass lab_name_problem. nullopt (exit
/// code 2 set, message printed) when the file does not load or the name is invalid.
std::optional<std::string> lab_name_from_argument(const std::string& lab_or_file, int* exit_code);

}  // namespace netlab::cli
