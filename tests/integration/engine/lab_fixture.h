#pragma once
// Integration fixture for whole labs: writes a topology to a temporary file,
// runs the real `netlab` binary against it in --sandbox, and on teardown takes
// the lab down and checks that nothing of it is left: no namespace named
// "<lab>-*", no run directory or lock, no dnsmasq started for it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/process.h"

namespace netlab::testing {

/// What a command printed and how it ended.
struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

/// Runs argv (no shell) with a bound; a timeout is a test failure.
Outcome run_command(const std::vector<std::string>& argv, int timeout_s = 60);
/// Runs the netlab binary under test with `args`.
Outcome netlab(const std::vector<std::string>& args, int timeout_s = 120);
/// Runs argv inside namespace `netns` (ip netns exec).
Outcome in_netns(const std::string& netns, const std::vector<std::string>& argv, int timeout_s = 30);
/// One ICMP echo from namespace `netns` to `address`; true when answered.
bool ping(const std::string& netns, const std::string& address);
/// The MAC of `device` in `netns` as `ip` shows it ("" when there is none).
std::string mac_of(const std::string& netns, const std::string& device);

/// A TCP server in namespace `netns`: busybox nc listening on `port` (`args`
/// after it, e.g. {"-e", "cat"} to echo), returned once it listens.
std::optional<host::ChildProcess> serve(const std::string& netns, int port, std::vector<std::string> args = {});
/// The netlab binary under test started in the background with `args`
/// (`options`: where its output goes, in which namespace it runs); a test
/// failure and nullopt when it cannot start.
std::optional<host::ChildProcess> start_netlab(const std::vector<std::string>& args, host::SpawnOptions options);
/// The --json document a command started by start_netlab wrote to `out_path`,
/// once it ended with exit 0 within `timeout_s`; a test failure (its stderr,
/// `err_path`, shown) and null when it did not, or wrote no JSON object.
nlohmann::json json_when_done(host::ChildProcess& process, const std::string& out_path, const std::string& err_path,
                              int timeout_s = 60);
/// The whole content of file `path` ("" when it cannot be read).
std::string read_text(const std::string& path);
/// Waits until file `path` holds `text` while `process` runs (what a command
/// running in the background printed); false when it ended first or 30 s passed.
bool wait_for_text(const std::string& path, const std::string& text, const host::ChildProcess& process);

/// Lab `lab`: a nat network publishing tcp/8080 to web:80 (web static at 192.168.122.10).
std::string forward_topology(const std::string& lab);

/// Everything of `lab` that still exists: namespaces, run files, dnsmasq processes.
std::vector<std::string> leftovers(const std::string& lab);

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Writes `yaml` to a temporary file named after the lab and remembers the lab.
  std::string write_topology(const std::string& lab, const std::string& yaml);
  /// `netlab up FILE --sandbox`, expecting success.
  Outcome up_ok(const std::string& file);

  std::string lab_;
  std::string dir_;
};

}  // namespace netlab::testing
