#pragma once
// A live trace from start to end: capture on the path's devices, the nft
// trace chain and listener, the probe from the guest's namespace, conntrack,
// correlation, labels and explanations. `netlab trace LAB` and `netlab doctor`
// call trace_live(); passive tracing calls trace_passive().
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/capture_live.h"
#include "tracer/capture_set.h"
#include "tracer/conntrack.h"
#include "tracer/conversation.h"
#include "tracer/explain.h"
#include "tracer/inject.h"
#include "tracer/nft_trace.h"
#include "tracer/ovn_logical.h"
#include "tracer/probe.h"
#include "tracer/traced_packet.h"
#include "tracer/vm_probe.h"

namespace netlab::tracer {

struct LiveRequest {
  std::string lab;
  model::HopMap hopmap;   // the lab's hop map (run dir hopmap.json)
  std::string guest;      // sends the probe (a light guest: its namespace is the guest-nic hop's)
  std::string nic;        // the guest's NIC whose path is explained; "" = sending_nic()
  model::Ipv4 dst;
  /// Set: the probe goes to this IPv6 address instead of `dst` (ICMPv6 echo,
  /// TCP or UDP over IPv6), from a light guest's global IPv6 address (live_trace6.cpp).
  std::optional<model::Ipv6> dst6;
  ProbeSpec spec;
  int timeout_ms = 1000;  // wait per probe for its answer
  bool keep_frames = true;
  /// Set: the probe goes from the sandbox's upstream namespace to `dst` (the
  /// uplink's address) and a port it publishes; `guest` is ignored and the path
  /// explained is the forward's guest's NIC (the first nat NIC when no forward
  /// publishes the port).
  std::optional<Inbound> inbound;
  /// With `inbound`: send nothing; wait up to timeout_ms for the next request
  /// from outside to `dst` and the published port (seen on the uplink), then
  /// follow it in and its answer back out (kInboundAnswerMs for the answer).
  /// A real host has no upstream namespace to send from (inbound_waits).
  bool wait_inbound = false;
  /// wait_inbound: called once every capture is open, with how many devices
  /// it covers; a request from then on is seen.
  std::function<void(size_t devices)> on_capturing;
  /// For a kvm guest: how to run the probe inside the VM (vm_probe.h). While
  /// its domain runs, the probe is sent from inside it; without it, or with the
  /// domain not running, the probe is written into its tap in its place (inject.h).
  std::optional<VmAccess> vm;
};

struct LiveResult {
  CaptureSet set;                       // what was captured (hop map + devices + records [+ frames])
  std::vector<TracedPacket> packets;    // correlated, labelled, explained
  Conversation conversation;            // the probe's exchange and its outcome (conversation.h)
  model::NicPath nic;                   // the sending guest's NIC path
  model::Ipv4 src;                      // the guest's address (0 = it had none); inbound: upstream's
  std::optional<model::Ipv6> dst6;      // an IPv6 trace's destination (LiveRequest::dst6)
  model::Ipv6 src6;                     // an IPv6 trace's source (:: = the guest had no global IPv6 address)
  ProbeOutcome probe;
  std::vector<CtEntry> conntrack;       // the probe's conntrack entries in the host namespace
  std::vector<TraceEvent> events;       // nft trace events, annotated
  std::vector<CaptureStats> stats;      // per captured device
  PathFacts facts;
  std::vector<std::string> warnings;    // parts that could not run (e.g. no nft table to trace in)
  std::optional<OvnLogicalView> logical;  // an OVN lab: ovn-trace's view of the probe (ovn_logical.h)
  bool passive = false;                 // wait_inbound: the request came from outside, nothing was sent
};

/// How long a waiting inbound trace (LiveRequest::wait_inbound) waits for the
/// answer to the request it saw ("no SYN-ACK within 2 s").
inline constexpr int kInboundAnswerMs = 2000;

/// Whether `netlab trace LAB --from upstream` waits for a request from outside
/// instead of sending one: when asked (--passive), and always when the path of
/// the NIC the forward leads to has no upstream namespace to send from (a real
/// host: netlab cannot send from outside the machine).
bool inbound_waits(const model::HopMap& map, const Inbound& inbound, bool passive_asked);

/// The path of `guest`'s first NIC, or nullptr when the lab has no such guest.
const model::NicPath* nic_of(const model::HopMap& map, const std::string& guest);
/// The path of `guest`'s NIC named `nic` (e.g. "eth1"), or nullptr.
const model::NicPath* nic_named(const model::HopMap& map, const std::string& guest, const std::string& nic);
/// The NIC a packet from `guest` to dst leaves by: for a light guest the one
/// its own kernel routes dst through (RTM_GETROUTE in its namespace); for a kvm
/// guest the NIC whose subnet holds dst, else its first on a nat or route
/// network. Falls back to the first NIC; nullptr when there is no such guest.
const model::NicPath* sending_nic(const model::HopMap& map, const std::string& guest, model::Ipv4 dst);
/// The NIC whose address (hop map) is `ip`, or nullptr.
const model::NicPath* nic_with_address(const model::HopMap& map, model::Ipv4 ip);
/// The guest whose NIC address (hop map) is `ip`, or "".
std::string guest_with_address(const model::HopMap& map, model::Ipv4 ip);
/// The namespace and device of a NIC's guest end (its guest-nic hop); both "" for a kvm guest.
std::pair<std::string, std::string> guest_end(const model::NicPath& nic);
/// The IPv4 address the guest NIC holds now (netlink in its namespace); 0 when none.
model::Ipv4 live_address(const std::string& netns, const std::string& device);

/// IPv6 counterparts, from the hop map's `address6` and the guest's namespace:
/// the NIC with that address (or nullptr), its guest (or ""), the NIC a light
/// guest's packet to dst6 leaves by (the NIC whose prefix holds it, else the
/// first with an IPv6 address on a nat or route network, else the first), and
/// the global IPv6 address a NIC holds now (the one in the prefix of
/// `preferred`, a "addr/len" text, when it holds several; :: when none).
const model::NicPath* nic_with_address6(const model::HopMap& map, const model::Ipv6& ip);
std::string guest_with_address6(const model::HopMap& map, const model::Ipv6& ip);
const model::NicPath* sending_nic6(const model::HopMap& map, const std::string& guest, const model::Ipv6& dst);
model::Ipv6 live_address6(const std::string& netns, const std::string& device, const std::string& preferred);

/// A kvm guest NIC's address: the hop map's, else its lease or dhcp-host
/// reservation with the prefix of the host's address on its bridge. An Error when unknown.
Result<model::Cidr> vm_nic_address(const std::string& lab, const model::NicPath& nic);

/// For a guest without a namespace (kvm): its tap, MAC, address (vm_nic_address)
/// and the next hop's MAC (the peer guest's when `dst` is one on its
/// subnet, else the bridge's). An Error when the address is unknown.
Result<InjectTarget> inject_target(const LiveRequest& request, const model::NicPath& nic);

/// Runs a live trace. A light guest sends the probe from its namespace; a kvm
/// guest from inside its VM (request.vm), or, when no VM runs, by a frame
/// injected on its tap (inject.h). An Error only when the guest is unknown, a capture
/// cannot be opened or the probe socket cannot be made; problems of the
/// lab itself come back as drops with causes.
Result<LiveResult> trace_live(const LiveRequest& request);
/// The IPv6 trace trace_live runs when request.dst6 is set: from a light
/// guest's namespace, or from inside a running VM (its source learned from the
/// capture); an Error with bad_input for a VM that is not running. Called
/// with signals held.
Result<LiveResult> trace_live6(const LiveRequest& request);

struct PassiveRequest {
  std::string lab;
  model::HopMap hopmap;
  std::string filter;     // BPF, "" = everything
  int duration_ms = 5000;
  bool keep_frames = true;
  /// Called once every capture is open, with how many devices it covers:
  /// traffic from then on is seen (like tcpdump's "listening on").
  std::function<void(size_t devices)> on_capturing;
};

/// Captures on every device of the hop map for `duration_ms`, then correlates
/// and labels what matched the filter.
Result<LiveResult> trace_passive(const PassiveRequest& request);

}  // namespace netlab::tracer
