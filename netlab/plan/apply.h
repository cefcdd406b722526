#pragma once
// Carrying out a plan: each step records what it will create in the lab's
// journal *before* creating it (write-ahead), then asks the HostWriter to do it
// (SystemWriter on a real run, FakeHost in tests). When a step fails, everything
// this run created is removed again, newest first, and the Error says which
// step failed, why, and what was rolled back.
#include <functional>
#include <string>
#include <vector>

#include "netlab/plan/action.h"
#include "netlab/plan/host_writer.h"
#include "netlab/state/journal.h"

namespace netlab::plan {

struct ApplyOptions {
  /// Called before each step with its index (0-based), the total and its description.
  std::function<void(size_t, size_t, const std::string&)> on_step;
};

/// What a guest's DHCP client obtained.
struct LeaseResult {
  std::string guest, device;
  model::Cidr address;
};

struct ApplyResult {
  size_t steps_done = 0;
  std::vector<LeaseResult> leases;
};

/// Runs `steps` in order. On success every step took effect; on failure the
/// objects created by this call are removed and the Error explains.
Result<ApplyResult> apply(const std::vector<Action>& steps, state::Journal& journal, HostWriter& writer,
                          const ApplyOptions& options = {});

}  // namespace netlab::plan
