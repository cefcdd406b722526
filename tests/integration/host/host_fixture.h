#pragma once
// Test support for netlab::host integration tests: namespaces named
// nlt-hc-<suffix>, removed in teardown even when a test fails, and checks
// through the real `ip` tool.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace netlab::host::testing {

/// Prefix of every namespace these tests make.
inline constexpr const char* kPrefix = "nlt-hc-";

/// The nlt-hc-* namespaces that exist now.
std::vector<std::string> leftover_namespaces();

/// Runs the real `ip` with args (e.g. {"-n", ns, "-j", "link"}) and parses
/// its JSON output; fails the test when ip fails.
nlohmann::json ip_json(const std::vector<std::string>& args);

/// Runs argv and returns its exit code (output discarded).
int run_quiet(const std::vector<std::string>& argv);

/// A fixture owning namespaces: make(suffix) creates nlt-hc-<suffix>; all are
/// deleted in TearDown, which then asserts no nlt-hc-* namespace is left.
class HostTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  /// Creates nlt-hc-<suffix> (loopback up) and returns its name.
  std::string make(const std::string& suffix);
  /// Remembers a namespace made some other way, so TearDown removes it.
  std::string adopt(const std::string& suffix);

 private:
  std::vector<std::string> made_;
};

}  // namespace netlab::host::testing
