// A running lab's live facts for the figures (see lab_live_data.h).
#include "netlab/cli/lab_live_data.h"

#include "netlab/plan/running_lab.h"

namespace netlab::cli {

graphs::LiveData lab_live_data(const state::LabState& state, const model::Topology& topology) {
  graphs::LiveData live;
  live.sandbox = state.sandbox;
  for (const auto& [mac, lease] : plan::lab_leases(state.lab, topology)) live.leases[mac] = lease.ip.str();
  return live;
}

}  // namespace netlab::cli
