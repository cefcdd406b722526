#pragma once
// The lab lifecycle behind `up`, `down`, `plan`, `status` and `gc`: lock the lab,
// read its state, observe the system, plan, apply, record. The CLI only parses
// and prints around these calls.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/lease_file.h"
#include "netlab/host/ovn_nb.h"
#include "netlab/model/hopmap.h"
#include "netlab/model/topology.h"
#include "netlab/plan/action.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/lab_reading.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/real_host.h"
#include "netlab/plan/target.h"
#include "netlab/plan/teardown.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {

/// The target a lab is built on: the sandbox namespaces, or the real host
/// (without its uplink: see resolve_target).
Target target_for(const std::string& lab, bool sandbox);

/// target_for with the uplink found (plan::choose_uplink), which `choice` receives when given.
Result<Target> resolve_target(const model::Topology& topology, bool sandbox, Sockets& sockets,
                              UplinkChoice* choice = nullptr);

struct UpOptions {
  bool sandbox = false;
  /// On a real host: allow enslaving the NIC that holds the default route, or
  /// one a network manager or DHCP client configures.
  bool force = false;
  std::function<void(size_t, size_t, const std::string&)> on_step;
};

struct UpResult {
  std::vector<std::string> steps;  // what was done, one line each; empty = nothing to do
  std::vector<LeaseResult> leases;
  model::HopMap hop_map;
  UplinkChoice uplink;
  /// What the run read and planned (the topology, the lab's reading, the plan's
  /// input), freed with the result: a command about to exit buries it instead
  /// (model/bury.h).
  std::shared_ptr<const void> worked_on;
};

/// Builds or repairs the lab of `topology` (valid, loaded from `file` whose text
/// is `file_text`). Idempotent. On failure, what this run made is removed (and
/// the lab's run directory too when the lab did not exist before). `read_ahead`:
/// the lab as read while the file was loaded (lab_reading.h), used when still current.
Result<UpResult> up(model::Topology topology, const std::string& file, const std::string& file_text,
                    const UpOptions& options, std::optional<LabReading> read_ahead = std::nullopt);

struct PlanResult {
  std::vector<Action> steps;
  UplinkChoice uplink;
};
/// The steps `up` would take now for `topology` loaded from `file`, without
/// changing anything; the same refusals as `up` (a renamed lab; on a real host
/// check_real_host, without --force unless `force`).
Result<PlanResult> plan_up(const model::Topology& topology, const std::string& file, bool sandbox,
                           bool force = false);

/// Removes everything the lab owns (journal, tags), then its run directory.
/// An Error when the lab is unknown or busy.
Result<TeardownReport> down(const std::string& lab);

/// Whether `gc` collects the lab: a run directory without state (an `up` killed
/// before its first write), or an `up` (phase building) or `down` (phase
/// removing) whose process is gone and whose lock nobody holds.
bool abandoned(const std::string& lab);

/// Labs whose state is gone or whose `up` or `down` died half-way, and what was removed for each.
struct GcResult {
  std::vector<std::string> labs;
  TeardownReport report;
};
Result<GcResult> gc();

/// A running lab as `status` shows it.
struct NicStatus {
  std::string nic, network, mac;
  model::AddressKind address_kind = model::AddressKind::dhcp;
  std::string address;                                    // as observed in the guest ("" = none)
  std::vector<std::string> addresses6;                    // global IPv6 addresses observed in the guest
  std::string host_device;  // the kernel name of its host side (veth peer, tap, macvtap); "" for a macvlan
  std::optional<host::Lease> lease;                       // the network's dnsmasq lease for this MAC
  std::optional<host::Lease6> lease6;                     // its DHCPv6 lease (host::lease6_of this MAC)
};
struct GuestStatus {
  std::string name;
  model::GuestKind kind = model::GuestKind::netns;
  std::string netns;
  bool present = false;
  std::vector<NicStatus> nics;
};
struct NetworkStatus {
  std::string name;
  model::NetworkMode mode = model::NetworkMode::nat;
  std::string bridge, subnet, gateway;  // gateway "" = none (a bridged LAN's unless written: mode_traits.h)
  std::string subnet6, gateway6;        // "" on an IPv4-only network
  bool bridge_up = false;
  std::string macvtap_on;  // `attach: macvtap`: the uplink its guests' macvtaps sit on; `bridge` is "" then
  int dnsmasq_pid = 0;  // 0 = not running (or none wanted)
  std::vector<host::Lease> leases;
  std::vector<host::Lease6> leases6;  // DHCPv6
};
/// A lab across hosts on OVN: each host (namespace, ovn-controller, its
/// tunnels), the chassis SB knows, where each logical port is bound, and the
/// addresses OVN gives the ports (its DHCP leases come from these).
struct OvnHostStatus {
  std::string name, netns, underlay;  // underlay: the tunnel address (br-phy)
  bool controller = false;
  bool gateway = false;
  std::vector<host::OvsTunnel> tunnels;
};
struct OvnStatus {
  bool central = false;
  std::vector<OvnHostStatus> hosts;
  std::vector<host::OvnChassisInfo> chassis;
  std::vector<host::OvnBindingInfo> bindings;      // logical ports named by their NICs ("vm1:eth0")
  std::vector<host::OvnPortAddresses> addresses;  // the same
  std::vector<std::string> problems;  // what could not be read
};

struct LabStatus {
  state::LabState state;
  std::optional<OvnStatus> ovn;
  std::vector<NetworkStatus> networks;
  std::vector<GuestStatus> guests;
  std::vector<std::string> drift;  // what `up` of the lab's file would do, both ways; empty = as the file says
};
Result<LabStatus> status(const std::string& lab);

}  // namespace netlab::plan
