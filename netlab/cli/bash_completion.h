#pragma once
// The bash completion script for `netlab`, written from the CLI11 app: the
// subcommands, each one's options, which options take a value, and which
// subcommands take a lab name come from the same objects `--help` prints, so
// the completion follows every new option without being edited.
#include <CLI/CLI.hpp>
#include <string>

namespace netlab::cli {

/// A bash script defining `_netlab` and registering it with `complete` for
/// the command `root.get_name()`. Completes subcommand names, option names,
/// running lab names (the directories under the run root, $NETLAB_RUN_DIR
/// or /run/netlab) where a subcommand takes LAB, and file names everywhere else.
std::string bash_completion(const CLI::App& root);

}  // namespace netlab::cli
