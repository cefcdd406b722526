#pragma once
// The subcommands of `netlab`. Each lives in its own file (validate.cpp, up.cpp,
// ...), stays thin (parse, call, print) and adds itself to the CLI11 app; when it
// runs it stores the process exit code in *exit_code.
#include <CLI/CLI.hpp>

namespace netlab::cli {

/// Exit codes shared by every subcommand (README "Commands").
enum ExitCode : int {
  kExitOk = 0,        // success
  kExitFailed = 1,    // the operation failed; the message says what and what was rolled back
  kExitBadInput = 2,  // bad input; nothing was changed
};

void add_validate(CLI::App& app, int* exit_code);
void add_plan(CLI::App& app, int* exit_code);
void add_up(CLI::App& app, int* exit_code);
void add_down(CLI::App& app, int* exit_code);
void add_migrate(CLI::App& app, int* exit_code);
void add_status(CLI::App& app, int* exit_code);
void add_exec(CLI::App& app, int* exit_code);
void add_console(CLI::App& app, int* exit_code);
void add_snapshot(CLI::App& app, int* exit_code);  // and `restore`
void add_gc(CLI::App& app, int* exit_code);
void add_trace(CLI::App& app, int* exit_code);
void add_doctor(CLI::App& app, int* exit_code);
void add_graph(CLI::App& app, int* exit_code);
void add_export(CLI::App& app, int* exit_code);
void add_import(CLI::App& app, int* exit_code);
void add_impair(CLI::App& app, int* exit_code);
void add_capture(CLI::App& app, int* exit_code);
/// Hidden (`--help` does not list it): writes the man pages and bash completion.
void add_generate_docs(CLI::App& app, int* exit_code);

}  // namespace netlab::cli
