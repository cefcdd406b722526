#pragma once
// Manual pages (roff, man(7) macros) written from the CLI11 app itself: the
// synopsis, every option's name, type and description come from the same
// objects `--help` prints, through the app's formatter, so a page cannot say
// something the command line does not. Built into the package at build time
// (`netlab generate-docs`, docs/packaging.md).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace netlab::cli {

/// The subcommands that get a page and a completion: every named subcommand
/// shown in `netlab --help` (hidden ones, group "", are left out), in order.
std::vector<const CLI::App*> documented_subcommands(const CLI::App& root);

/// netlab(1): the command's description, its own options, each subcommand with
/// a pointer to its page, exit status, files.
std::string main_man_page(const CLI::App& root, const std::string& version);

/// netlab-SUB(1) for subcommand `sub` of `root`.
std::string subcommand_man_page(const CLI::App& root, const CLI::App& sub, const std::string& version);

/// The page's file name: "netlab.1" for the root, "netlab-SUB.1" for a subcommand.
std::string man_page_file_name(const CLI::App& root, const CLI::App* sub);

}  // namespace netlab::cli
