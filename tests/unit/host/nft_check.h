#pragma once
// The nftables syntax check of the host tests that render rulesets
// (nft_rules_test, ipv6_services_test): `nft -c` on the text in a user +
// network namespace of its own, so no root is needed and nothing outside it
// is touched; skipped where such a namespace cannot be made.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "netlab/host/process.h"

namespace netlab::host::testing {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Runs `nft -c -f` on `text` inside a fresh user + network namespace. Returns
/// "" on success, nft's stderr (or its exit code) on an error, or "skip: ..."
/// when the check cannot run here.
inline std::string nft_check(const std::string& text) {
  char path[] = "/tmp/netlab-host-nft-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "skip: no temp file";
  close(fd);
  { std::ofstream(path) << text; }
  Result<RunResult> r = run({"unshare", "-rn", "nft", "-c", "-f", path}, {}, std::chrono::seconds(10));
  unlink(path);
  if (!r) return "skip: " + r.error().message;
  if (r->exit_code == 0) return "";
  if (contains(r->err, "unshare")) return "skip: " + r->err;
  return r->err.empty() ? "nft exit " + std::to_string(r->exit_code) : r->err;
}

/// Expects nft to accept `text`; skips the test when the check cannot run here.
inline void expect_nft_accepts(const std::string& text) {
  std::string check = nft_check(text);
  if (check.rfind("skip:", 0) == 0) GTEST_SKIP() << check;
  EXPECT_EQ(check, "") << text;
}

}  // namespace netlab::host::testing
