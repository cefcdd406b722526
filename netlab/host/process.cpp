#include "netlab/host/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

extern char** environ;

namespace netlab::host {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// pidfd_open(2) by syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C".
int open_pidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What the child tells the parent through the CLOEXEC pipe when it fails
/// before execve: the step and the errno.
struct ChildFailure {
  int step;
  int error;
};
enum Step { kSetns = 1, kBind, kStdin, kStdout, kStderr, kChdir, kExec };

const char* step_text(int step) {
  switch (step) {
    case kSetns: return "entering the network namespace";
    case kBind: return "bind-mounting";
    case kStdin: return "opening /dev/null for stdin";
    case kStdout: return "opening the stdout file";
    case kStderr: return "opening the stderr file";
    case kChdir: return "changing directory";
    default: return "executing the program";
  }
}

std::string errno_text(int err) { return std::strerror(err); }

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

/// Where the child's stdout/stderr go: an fd to dup2, a path to open, or inherit.
struct OutputTarget {
  int fd = -1;
  const char* path = nullptr;
};

[[noreturn]] void child_fail(int report_fd, int step) {
  ChildFailure failure{step, errno};
  ssize_t ignored = write(report_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

/// Opens `target` in the child and puts it on `target_fd`. Async-signal-safe.
bool child_redirect(const OutputTarget& target, int target_fd, bool append) {
  int fd = target.fd;
  bool opened = false;
  if (fd < 0 && target.path) {
    // O_NOFOLLOW: a log path in a run directory is never a link to follow as root.
    fd = open(target.path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0) return false;
    opened = true;
  }
  if (fd < 0) return true;  // inherit
  if (dup2(fd, target_fd) < 0) return false;
  if (opened) close(fd);
  return true;
}

/// fork + setns + redirect + execve; see spawn(). `out`/`err` override the
/// options' paths when their fd is set (used by run()).
Result<pid_t> spawn_impl(const std::vector<std::string>& argv, const SpawnOptions& options, OutputTarget out,
                         OutputTarget err) {
  if (argv.empty() || argv[0].empty()) return Error{"cannot start a process: empty command"};
  const char* path_env = getenv("PATH");
  std::string program = find_program(argv[0], path_env ? path_env : kDefaultPath);
  if (program.empty()) return Error{"cannot run `" + argv[0] + "`: program not found in PATH"};

  NetnsFd ns;
  if (!options.netns.empty()) {
    auto opened = NetnsFd::open(options.netns);
    if (!opened) return Error{"cannot run `" + argv[0] + "`: " + opened.error().message};
    ns = std::move(opened.value());
  }

  // Everything the child needs is prepared here: after fork only
  // async-signal-safe calls are allowed (the parent may have threads).
  std::vector<std::string> base;
  for (char** e = environ; e && *e; ++e) base.emplace_back(*e);
  std::vector<std::string> env = merge_environment(base, options.env_extra);
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);
  if (out.fd < 0 && !options.stdout_path.empty()) out.path = options.stdout_path.c_str();
  if (err.fd < 0 && !options.stderr_path.empty()) err.path = options.stderr_path.c_str();
  const char* cwd = options.cwd.empty() ? nullptr : options.cwd.c_str();

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return Error{"cannot run `" + argv[0] + "`: pipe: " + errno_text(errno)};
  Fd report_read(report[0]);
  Fd report_write(report[1]);

  pid_t pid = fork();
  if (pid < 0) return Error{"cannot run `" + argv[0] + "`: fork: " + errno_text(errno)};
  if (pid == 0) {
    int rfd = report_write.get();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT}) sigaction(sig, &dfl, nullptr);
    if (options.new_session) setsid();
    if (ns.valid() && setns(ns.get(), CLONE_NEWNET) != 0) child_fail(rfd, kSetns);
    // A mount namespace of its own, its mounts not propagated back (MS_SLAVE),
    // so the bind mounts are the child's alone and vanish with it.
    if (!options.bind_files.empty() &&
        (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0))
      child_fail(rfd, kBind);
    for (const auto& bind : options.bind_files)
      if (mount(bind.source.c_str(), bind.target.c_str(), nullptr, MS_BIND, nullptr) != 0) child_fail(rfd, kBind);
    if (!options.inherit_stdin) {
      int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (devnull < 0 || dup2(devnull, 0) < 0) child_fail(rfd, kStdin);
    }
    if (!child_redirect(out, 1, options.append_output)) child_fail(rfd, kStdout);
    if (!child_redirect(err, 2, options.append_output)) child_fail(rfd, kStderr);
    if (cwd && chdir(cwd) != 0) child_fail(rfd, kChdir);
    // No fd of the parent (netlink sockets, lock files, ...) leaks into the program.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(program.c_str(), c_argv.data(), c_env.data());
    child_fail(rfd, kExec);
  }

  report_write.reset();
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(report_read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == 0) return pid;  // the pipe closed on a successful execve
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != sizeof failure) return Error{"cannot run `" + argv[0] + "`: lost the child's report"};
  std::string what = step_text(failure.step);
  if (failure.step == kStdout) what += " " + options.stdout_path;
  if (failure.step == kStderr) what += " " + options.stderr_path;
  if (failure.step == kSetns) what += " " + options.netns;
  if (failure.step == kBind)
    for (const auto& bind : options.bind_files) what += " " + bind.source + " over " + bind.target;
  return Error{"cannot run `" + program + "`: " + what + ": " + errno_text(failure.error)};
}

/// Polls a pidfd until pid exits or `timeout` passes. True when it exited.
bool wait_gone(pid_t pid, milliseconds timeout) {
  Fd pidfd(open_pidfd(pid));
  if (!pidfd.valid()) return errno == ESRCH;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!alive(pid)) return true;
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left < 0) return false;
    pollfd p{pidfd.get(), POLLIN, 0};
    // Non-children stay visible as zombies until their parent reaps them:
    // re-check at least every 50 ms rather than trusting one wakeup.
    int r = poll(&p, 1, static_cast<int>(std::min<long>(left, 50)));
    if (r > 0) return true;
  }
}

/// Reaps pid if it is our child and has exited. Returns the decoded status,
/// -1 if not ours / not yet exited.
int try_reap(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  return r == pid ? decode_status(status) : -1;
}

bool is_our_child(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

std::string read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

Result<pid_t> spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  return spawn_impl(argv, options, {}, {});
}

Result<RunResult> run(const std::vector<std::string>& argv, const SpawnOptions& options, milliseconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Error{"cannot run `" + format_argv(argv) + "`: pipe: " + errno_text(errno)};
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return Error{"cannot run `" + format_argv(argv) + "`: pipe: " + errno_text(errno)};
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  auto started = spawn_impl(argv, options, {out_write.get(), nullptr}, {err_write.get(), nullptr});
  if (!started) return started.error();
  pid_t pid = *started;
  out_write.reset();
  err_write.reset();

  RunResult result;
  auto deadline = Clock::now() + timeout;
  auto kill_child = [&]() -> Error {
    kill(options.new_session ? -pid : pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return Error{"`" + format_argv(argv) + "` did not finish within " + std::to_string(timeout.count()) +
                 " ms and was killed"};
  };

  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buf[8192];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left < 0) return kill_child();
    int r = poll(fds, 2, static_cast<int>(left));
    if (r < 0 && errno != EINTR) return kill_child();
    for (int i = 0; i < 2 && r > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  auto code = wait_exit(pid, std::max(left, milliseconds(0)));
  if (!code) return kill_child();
  result.exit_code = *code;
  return result;
}

Result<int> wait_exit(pid_t pid, milliseconds timeout) {
  if (pid <= 0) return Error{"cannot wait for pid " + std::to_string(pid)};
  int code = try_reap(pid);
  if (code >= 0) return code;
  if (!is_our_child(pid)) return Error{"process " + std::to_string(pid) + " is not a child of netlab"};
  Fd pidfd(open_pidfd(pid));
  if (pidfd.valid()) {
    pollfd p{pidfd.get(), POLLIN, 0};
    int r;
    do {
      r = poll(&p, 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
  }
  code = try_reap(pid);
  if (code >= 0) return code;
  return Error{"process " + std::to_string(pid) + " (" + process_name(pid) + ") still runs after " +
               std::to_string(timeout.count()) + " ms"};
}

Status terminate(pid_t pid, milliseconds grace) {
  if (pid <= 0) return Error{"cannot terminate pid " + std::to_string(pid)};
  bool ours = is_our_child(pid);
  if (ours && try_reap(pid) >= 0) return {};
  if (kill(pid, SIGTERM) != 0) {
    if (errno == ESRCH) return {};
    return Error{"cannot signal process " + std::to_string(pid) + ": " + errno_text(errno)};
  }
  bool gone = wait_gone(pid, grace);
  if (!gone) {
    kill(pid, SIGKILL);
    gone = wait_gone(pid, milliseconds(2000));
  }
  if (ours) {
    while (waitpid(pid, nullptr, gone ? 0 : WNOHANG) < 0 && errno == EINTR) {
    }
  }
  if (!gone) return Error{"process " + std::to_string(pid) + " survived SIGKILL"};
  return {};
}

bool alive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::string stat = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  // "pid (comm) S ...": the state follows the last ')'.
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return true;
  char state = stat[close_paren + 2];
  return state != 'Z' && state != 'X';
}

std::string process_name(pid_t pid) {
  std::string comm = read_small_file("/proc/" + std::to_string(pid) + "/comm");
  while (!comm.empty() && (comm.back() == '\n' || comm.back() == '\0')) comm.pop_back();
  return comm;
}

std::string cmdline(pid_t pid) {
  std::string raw = read_small_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw)
    if (c == '\0') c = ' ';
  return raw;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) (void)terminate(pid_, grace_);
    pid_ = std::exchange(other.pid_, 0);
    grace_ = other.grace_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) (void)terminate(pid_, grace_);
}

Result<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv, const SpawnOptions& options) {
  auto pid = spawn(argv, options);
  if (!pid) return pid.error();
  return ChildProcess(*pid);
}

pid_t ChildProcess::release() { return std::exchange(pid_, 0); }

Status ChildProcess::stop() {
  if (pid_ <= 0) return {};
  Status s = terminate(pid_, grace_);
  pid_ = 0;
  return s;
}

Result<int> ChildProcess::wait(milliseconds timeout) {
  if (pid_ <= 0) return Error{"no child process to wait for"};
  auto code = wait_exit(pid_, timeout);
  if (code) pid_ = 0;
  return code;
}

std::string format_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !word.empty() && word.find_first_of(" \t\n'\"\\$`*?;&|<>()") == std::string::npos;
    if (plain) {
      out += word;
    } else {
      out += '\'';
      for (char c : word) {
        if (c == '\'')
          out += "'\\''";
        else
          out += c;
      }
      out += '\'';
    }
  }
  return out;
}

std::string find_program(const std::string& program, const std::string& path_env) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos) return program;
  std::stringstream dirs(path_env);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::vector<std::string> merge_environment(const std::vector<std::string>& base,
                                           const std::vector<std::string>& extra) {
  std::vector<std::string> env = base;
  for (const auto& entry : extra) {
    auto key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (auto& existing : env) {
      if (existing.compare(0, key.size(), key) == 0 && existing.size() > key.size() && existing[key.size()] == '=') {
        existing = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced) env.push_back(entry);
  }
  return env;
}

}  // namespace netlab::host
