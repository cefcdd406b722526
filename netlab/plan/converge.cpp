#include "netlab/plan/converge.h"

#include "netlab/plan/planner.h"

namespace netlab::plan {

Result<ApplyResult> apply_converging(const std::vector<Action>& steps, const ConvergeFrom& from,
                                     state::Journal& journal, HostWriter& writer, const ApplyOptions& options,
                                     bool* returned) {
  if (returned) *returned = false;
  auto applied = apply(steps, journal, writer, options);
  if (applied || !from.previous) return applied;
  const std::optional<model::Topology> previous = from.previous();
  if (!previous) return applied;
  Owned owned = described_by(*previous, from.target);
  owned.objects = state::read_journal(from.lab);
  const std::vector<Action> back = make(*previous, from.target, from.observe(), owned);
  std::string message = applied.error().message;
  if (back.empty()) {
    if (returned) *returned = true;
    return Error{message + "\nthe lab is as its previous file describes it"};
  }
  auto went_back = apply(back, journal, writer);
  if (!went_back)
    return Error{message + "\ncould not return the lab to its previous file: " + went_back.error().message +
                 "\n(`netlab status` shows what differs; `up` of either file repairs it)"};
  if (returned) *returned = true;
  return Error{message + "\nreturned the lab to its previous file (" + std::to_string(back.size()) + " steps)"};
}

}  // namespace netlab::plan
