// `netlab console LAB VM`: this terminal on the VM's serial console (^] leaves).
#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

#include "netlab/cli/commands.h"
#include "netlab/cli/topology_input.h"
#include "netlab/plan/vm_ops.h"

namespace netlab::cli {
namespace {

/// Raw mode on a terminal stdin for the console's lifetime, restored after.
class RawTerminal {
 public:
  RawTerminal() {
    if (!::isatty(STDIN_FILENO) || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

void run_console(const std::string& lab, const std::string& vm, int* exit_code) {
  auto handle = plan::open_vm(lab, vm);
  if (!handle) {
    fmt::print(stderr, "netlab console: {}\n", handle.error().message);
    *exit_code = handle.error().bad_input ? kExitBadInput : kExitFailed;
    return;
  }
  fmt::print(stderr, "connected to the serial console of {} (domain {}); ^] leaves\n", vm, handle->domain);
  Status st;
  {
    RawTerminal raw;
    st = handle->client.console(handle->domain, STDIN_FILENO, STDOUT_FILENO);
  }
  if (!st) {
    fmt::print(stderr, "netlab console: {}\n", st.error().message);
    *exit_code = kExitFailed;
    return;
  }
  fmt::print(stderr, "\nleft the console of {}\n", vm);
}

}  // namespace

void add_console(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("console", "Attach this terminal to a VM's serial console (^] leaves)");
  auto lab = std::make_shared<std::string>();
  auto vm = std::make_shared<std::string>();
  cmd->add_option("LAB", *lab, "lab name")->required()->check(lab_name_check());
  cmd->add_option("VM", *vm, "kvm guest name")->required();
  cmd->callback([lab, vm, exit_code] { run_console(*lab, *vm, exit_code); });
}

}  // namespace netlab::cli
