// netlab: virtual-network labs for KVM guests from one YAML file, and the
// packet paths through them. See README.md and docs/architecture.md.
#include <cstdio>

#include "netlab/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"netlab: build virtual-network labs for KVM guests from one YAML file,\n"
               "and trace packets through them hop by hop.",
               "netlab"};
  app.set_version_flag("--version", std::string("netlab ") + NETLAB_VERSION);
  app.require_subcommand(1);
  int exit_code = netlab::cli::kExitOk;
  // Hidden; at parse time it documents every subcommand added below.
  netlab::cli::add_generate_docs(app, &exit_code);
  // In the order of README's command list: build, inspect, trace, draw, convert, clean.
  netlab::cli::add_validate(app, &exit_code);
  netlab::cli::add_plan(app, &exit_code);
  netlab::cli::add_up(app, &exit_code);
  netlab::cli::add_down(app, &exit_code);
  netlab::cli::add_status(app, &exit_code);
  netlab::cli::add_exec(app, &exit_code);
  netlab::cli::add_console(app, &exit_code);
  netlab::cli::add_snapshot(app, &exit_code);
  netlab::cli::add_migrate(app, &exit_code);
  netlab::cli::add_trace(app, &exit_code);
  netlab::cli::add_doctor(app, &exit_code);
  netlab::cli::add_graph(app, &exit_code);
  netlab::cli::add_export(app, &exit_code);
  netlab::cli::add_import(app, &exit_code);
  netlab::cli::add_impair(app, &exit_code);
  netlab::cli::add_capture(app, &exit_code);
  netlab::cli::add_gc(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 uses 0 for --help/--version and its own codes for usage errors; usage
    // errors are bad input (exit 2) like every other kind.
    return rc == 0 ? 0 : netlab::cli::kExitBadInput;
  }
  return exit_code;
}
