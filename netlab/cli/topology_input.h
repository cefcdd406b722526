#pragma once
// Reading the topology a subcommand was given, once for all of them: load,
// validate, and on any problem print every message and choose exit code 2.
#include <optional>
#include <string>

#include "netlab/model/topology.h"

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

/// `LAB|FILE` arguments: a file (names_a_file) names the lab in that file;
/// anything else is a lab name. nullopt (exit code set, message printed) when the
/// file does not load.
std::optional<std::string> lab_name_from_argument(const std::string& lab_or_file, int* exit_code);

}  // namespace netlab::cli
