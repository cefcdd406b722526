#pragma once
// Reading the topology a subcommand was given, once for all of them: load,
// validate, and on any problem print every message and choose exit code 2.
#include <optional>
#include <string>

#include "netlab/model/topology.h"
#include "netlab/state/lab_state.h"

namespace netlab::cli {

struct TopologyInput {
  std::string path;
  std::string text;  // the file as read, kept as the lab's copy
  model::Topology topology;
};

/// Loads and validates `path`. On problems prints them (file:line:col: error: ...)
/// to stderr, sets *exit_code to 2 and returns nullopt.
std::optional<TopologyInput> load_valid_topology(const std::string& path, int* exit_code);

/// Whether a `LAB|FILE` argument means a file: it exists as one, or it has the
/// shape of a path (a '/', or a .yaml/.yml/.json ending), which no lab name has.
bool names_a_file(const std::string& lab_or_file);

/// A `LAB|FILE` argument read as a topology: a file (names_a_file) loaded and
/// validated; a lab name, the running lab's copy (plan::running_lab), validated
/// again, with its state.
struct LabOrFile {
  model::Topology topology;
  std::optional<state::LabState> running;  // set when the argument named a running lab
};
/// On any problem prints it (prefixed "netlab <command>: " for a lab), sets
/// *exit_code (2 for bad input, 1 otherwise) and returns nullopt.
std::optional<LabOrFile> load_lab_or_file(const std::string& lab_or_file, const char* command, int* exit_code);

/// `LAB|FILE` arguments: a file (names_a_file) names the lab in that file;
/// anything else is a lab name. nullopt (exit code set, message printed) when the
/// file does not load.
std::optional<std::string> lab_name_from_argument(const std::string& lab_or_file, int* exit_code);

}  // namespace netlab::cli
