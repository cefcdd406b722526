#pragma once
// `netlab impair`: a live change of a running lab's link impairment (netem),
// and the table of every impaired NIC with the kernel's counters. The lab's
// file stays the desired state: a live change is drift (`status`) until the
// file says the same, and `up` puts the file's values back (SetNetem steps).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/impairment.h"
#include "netlab/model/result.h"

namespace netlab::plan {

/// One device carrying (or meant to carry) a NIC's netem.
struct DeviceImpairment {
  std::string guest, nic;
  std::string side;   // "host" (toward the guest) or "guest" (from it)
  std::string netns, device;
  std::optional<model::Impairment> live;  // its root netem now; nullopt = none
  model::Impairment file;                 // what the lab's file says (none() = no `impair:`)
  uint64_t sent_packets = 0, sent_bytes = 0;
  uint32_t dropped = 0, overlimits = 0;   // the qdisc's counters (since it was set)
};

/// Every device of every NIC that is impaired now or in the file, in the
/// file's order (host side first). An Error with bad_input for an unknown lab.
Result<std::vector<DeviceImpairment>> impairments(const std::string& lab);

struct ImpairRequest {
  std::string lab, guest;
  std::string nic;                  // "" = every NIC of the guest
  model::Impairment impairment;     // none() = clear
};

/// Sets (or clears) the netem of the guest's NIC(s) on each of their devices,
/// under the lab's lock, through HostWriter::set_netem; returns one line per
/// NIC done. An Error with bad_input for an unknown lab, guest or NIC, or a
/// NIC without a device netlab can impair (a VM's macvtap).
Result<std::vector<std::string>> impair(const ImpairRequest& request);

}  // namespace netlab::plan
