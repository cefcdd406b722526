// `netlab generate-docs [--man-dir DIR] [--bash-completion FILE]`: hidden from
// `--help`; the build runs it to write the manual pages and the bash completion
// that the Debian package ships (packaging/CMakeLists.txt), from the very app
// this binary parses with, so they describe exactly this binary.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "netlab/cli/bash_completion.h"
#include "netlab/cli/commands.h"
#include "netlab/cli/man_page.h"
#include "netlab/model/file_io.h"

namespace netlab::cli {
namespace {

struct DocsArgs {
  std::string man_dir;
  std::string completion;
};

bool write(const std::string& path, const std::string& text) {
  if (auto written = model::write_file(path, text); !written) {
    fmt::print(stderr, "netlab generate-docs: {}: {}\n", path, written.error().message);
    return false;
  }
  return true;
}

int run(const CLI::App& root, const DocsArgs& a) {
  if (a.man_dir.empty() && a.completion.empty()) {
    fmt::print(stderr, "netlab generate-docs: nothing to write (give --man-dir DIR and/or --bash-completion FILE)\n");
    return kExitBadInput;
  }
  if (!a.man_dir.empty()) {
    if (auto made = model::make_directory(a.man_dir, 0755); !made) {
      fmt::print(stderr, "netlab generate-docs: {}: {}\n", a.man_dir, made.error().message);
      return kExitFailed;
    }
    if (!write(a.man_dir + "/" + man_page_file_name(root, nullptr), main_man_page(root, NETLAB_VERSION)))
      return kExitFailed;
    for (const CLI::App* sub : documented_subcommands(root))
      if (!write(a.man_dir + "/" + man_page_file_name(root, sub), subcommand_man_page(root, *sub, NETLAB_VERSION)))
        return kExitFailed;
  }
  if (!a.completion.empty() && !write(a.completion, bash_completion(root))) return kExitFailed;
  return kExitOk;
}

}  // namespace

void add_generate_docs(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("generate-docs", "Write the manual pages and the bash completion (for packaging)");
  cmd->group("");  // hidden: not a user's command, and not documented by itself
  auto args = std::make_shared<DocsArgs>();
  cmd->add_option("--man-dir", args->man_dir, "write netlab.1 and netlab-SUBCOMMAND.1 into DIR");
  cmd->add_option("--bash-completion", args->completion, "write the bash completion script to FILE");
  cmd->callback([&app, args, exit_code] { *exit_code = run(app, *args); });
}

}  // namespace netlab::cli
