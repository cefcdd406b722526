#pragma once
// Child processes without a shell: fork + (optional setns into a named network
// namespace) + execve of an argv vector. Used for dnsmasq, udhcpc, ovs daemons
// and `netlab exec`. Every child is either reaped by run() or owned by a
// ChildProcess that terminates it on destruction.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "netlab/model/result.h"

namespace netlab::host {

/// How to start a child.
struct SpawnOptions {
  /// Named network namespace (/run/netns/NAME) to run in; "" = the caller's.
  std::string netns;
  /// Files the child's stdout / stderr go to (created/truncated, or appended
  /// with `append_output`); "" = inherit the parent's. "/dev/null" is fine.
  std::string stdout_path;
  std::string stderr_path;
  bool append_output = false;
  /// Extra "KEY=VALUE" entries added to (or overriding) the parent's environment.
  std::vector<std::string> env_extra;
  /// Start the child in a session (and process group) of its own, so a
  /// terminal's ^C does not reach it and terminate() can signal its group.
  bool new_session = true;
  /// Keep the parent's stdin; otherwise the child reads /dev/null.
  bool inherit_stdin = false;
  /// Working directory of the child; "" = the parent's.
  std::string cwd;
  /// Files bind-mounted over the machine's (`source` over `target`, e.g. a
  /// guest's resolv.conf over /etc/resolv.conf) in a mount namespace of the
  /// child's own, as `ip netns exec` does with /etc/netns/NAME/: the child sees
  /// them, the machine's files stay untouched. Empty = no mount namespace.
  struct BindFile {
    std::string source, target;
  };
  std::vector<BindFile> bind_files;
};

/// Starts argv[0] (searched in PATH when it has no '/') with argv. Returns the
/// child's pid once execve succeeded; the caller must reap it (wait_exit,
/// terminate, or a ChildProcess). Errors (empty argv, unknown namespace,
/// program not found, exec failure, unopenable output file) come back as an
/// Error naming the program and the errno text; no child is left behind then.
Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

/// What a finished command produced.
struct RunResult {
  /// The exit status, or 128 + signal number when a signal ended the child.
  int exit_code = 0;
  std::string out;
  std::string err;
};

/// Runs argv to completion, capturing stdout and stderr (options' output
/// paths are ignored). When it runs longer than `timeout`, the child (and its
/// process group when new_session) is killed with SIGKILL, reaped, and an
/// Error saying so is returned. A non-zero exit status is NOT an error: check
/// RunResult::exit_code.
Result<RunResult> run(const std::vector<std::string>& argv, const SpawnOptions& options = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Waits up to `timeout` for child `pid` of this process to exit and reaps it.
/// Returns its exit code (128 + signal when killed), or an Error on timeout
/// (the child is left running) or when pid is not our child.
Result<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);

/// Sends SIGTERM to pid, waits up to `grace` for it to exit, then SIGKILL.
/// Reaps pid when it is our child; for other processes waits until they are
/// gone (or zombies). Success also when pid was already gone.
Status terminate(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(2));

/// True when pid exists and is not a zombie.
bool alive(pid_t pid);

/// The kernel's short name of pid (/proc/PID/comm, at most 15 bytes); "" when gone.
std::string process_name(pid_t pid);

/// The command line of pid, arguments joined by single spaces; "" when gone.
std::string cmdline(pid_t pid);

/// Owns a child process: terminates (and reaps) it on destruction unless
/// release()d. Move-only.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(2))
      : pid_(pid), grace_(grace) {}
  ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// Spawns argv with options and owns the result.
  static Result<ChildProcess> start(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && alive(pid_); }
  /// Gives up ownership: the process keeps running, the caller answers for it.
  pid_t release();
  /// Terminates now (see host::terminate); afterwards pid() is 0.
  Status stop();
  /// Waits for a normal exit (see wait_exit); afterwards pid() is 0 on success.
  Result<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = 0;
  std::chrono::milliseconds grace_{2000};
};

/// Renders argv for messages: words joined by spaces, words with spaces or
/// quotes single-quoted. For humans only, never for a shell.
std::string format_argv(const std::vector<std::string>& argv);

/// The path execve would use for `program`: itself when it contains '/',
/// else the first executable match in `path_env` (a PATH value). "" if none.
std::string find_program(const std::string& program, const std::string& path_env);

/// The environment for a child: `base` ("KEY=VALUE" entries) with each of
/// `extra` added, replacing an entry with the same KEY.
std::vector<std::string> merge_environment(const std::vector<std::string>& base,
                                           const std::vector<std::string>& extra);

}  // namespace netlab::host
