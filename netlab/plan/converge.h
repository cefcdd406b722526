#pragma once
// `up` on a running lab whose file changed: the plan (planner.h) removes,
// changes and creates; this carries it out so that a failure half-way leaves
// the lab as it was before this `up`. apply() already removes what the run
// created; the lab is then planned back to the file it was last built from and
// that plan applied, the way `up` goes forward: objects changed in place are
// changed back (an address, a dnsmasq conf, the nft ruleset, a VLAN tag, a
// redefined domain), objects removed are made again (a removed guest comes back
// with the same names, a new namespace and a new lease).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/topology.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/observed.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

struct ConvergeFrom {
  std::string lab;
  Target target;
  /// The topology the lab was built from; nullopt for a lab built now for the
  /// first time (a failure then only removes what was made). Asked for only
  /// after a failure: loading a large lab's file costs more than most changes.
  std::function<std::optional<model::Topology>()> previous;
  /// A fresh view of the system, asked for after a failure (what the run changed
  /// must be read again, not taken from a cache made before it).
  std::function<Observed&()> observe;
};

/// Applies `steps`; on failure returns the lab to `from.previous` as described
/// above, and sets `*returned` when the lab is back as that file describes it.
/// The Error says which step failed, what was rolled back, and whether the
/// return succeeded (if not, `status` shows what differs as drift, and `up` of
/// either file repairs it).
Result<ApplyResult> apply_converging(const std::vector<Action>& steps, const ConvergeFrom& from,
                                     state::Journal& journal, HostWriter& writer, const ApplyOptions& options = {},
                                     bool* returned = nullptr);

}  // namespace netlab::plan
