#pragma once
// OVN's logical view of a probe, beside the physical hops: `ovn-trace` run on
// the lab's own southbound database for the probe's microflow (no shell: an
// argv through host::run), its detailed output read back into pipelines
// (ingress/egress of each logical switch or router the packet crosses) and
// stages, and summarised per datapath and stage: the ACLs, NAT, the router's
// routing decision, the L2 lookup, and where it was dropped. The southbound
// port bindings name a guest port that no chassis claims (its OVS port gone
// from br-int, or the ovn-controller of its host stopped): such a port is the
// cause of the drop, whatever the physical hops show.
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "tracer/probe.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// One logical flow table the packet matched in a pipeline.
struct LogicalStage {
  int table = 0;
  std::string name;                  // "ls_in_acl", "lr_in_ip_routing", ...
  std::string match;                 // the flow's match
  int priority = 0;
  std::vector<std::string> actions;  // its actions as ovn-trace shows them ("next;", "outport = \"b1:eth0\";")
};

/// One pass through a logical datapath's ingress or egress pipeline.
struct LogicalPipeline {
  std::string direction;  // "ingress" or "egress"
  std::string datapath;   // the logical switch or router (NB name)
  std::string inport, outport;
  std::vector<LogicalStage> stages;
};

struct OvnLogicalView {
  std::string microflow;                  // what ovn-trace was asked
  std::vector<LogicalPipeline> pipelines;
  std::string verdict;                    // "output to \"b1:eth0\"", "dropped in ls_in_acl (...)", ...
  std::string drop_stage;                 // the stage that dropped, "" when it was not dropped
  std::vector<std::string> unbound;       // "port b1:eth0 is not bound to any chassis ..." per guest port of the probe
  std::string gateway_down;               // "gateway chassis h2 is down: ..." for a probe to the outside, "" when it is up
  std::vector<std::string> summary;       // one line per pipeline (format_logical_view)
};

/// Reads ovn-trace's detailed output (pure; unit-tested on a real one).
OvnLogicalView parse_ovn_trace(const std::string& text);

/// "ingress of switch ls-front from a1:eth0: ACL allow (...), L2 lookup → b1:eth0": one line per
/// pipeline naming only the stages that decide (ACLs, NAT, routing, lookups, port security, drops).
std::vector<std::string> summarize_pipelines(const std::vector<LogicalPipeline>& pipelines);

/// The microflow of a probe from logical port `inport`: MACs, addresses, TTL 64 and the L4 of `spec`.
std::string probe_microflow(const std::string& inport, const std::string& eth_src, const std::string& eth_dst,
                            model::Ipv4 src, model::Ipv4 dst, const ProbeSpec& spec);

/// The southbound socket of `lab` when it has OVN (its first host's central
/// databases under the run directory), else "".
std::string ovn_sb_socket(const std::string& lab);

/// The logical view of a live probe from `nic` to `dst` in an OVN lab, with
/// the bindings of the probe's guest ports (the sender's, and the
/// destination's when it is a guest), and for a destination outside the lab on
/// a nat/route network the state of its gateway chassis (its ovn-controller
/// running, the chassis in SB); nullopt when the lab has no OVN or `nic`
/// is no logical port. MACs come from the probe's first request as captured
/// on the guest's NIC, else the hop map. ovn-trace failing is a warning.
std::optional<OvnLogicalView> ovn_logical_view(const std::string& lab, const model::HopMap& map,
                                               const model::NicPath& nic, model::Ipv4 src, model::Ipv4 dst,
                                               const ProbeSpec& spec, const std::string& eth_dst,
                                               std::vector<std::string>* warnings);

/// The unbound-port sentence (else the gateway-down one) becomes the cause of
/// every dropped packet of the probe (and of an unanswered probe's missing
/// reply): no chassis delivers to or from such a port, and nothing leaves a
/// logical router through a gateway chassis that is down, whatever the
/// physical hops were.
void apply_logical_causes(const OvnLogicalView& view, std::vector<TracedPacket>* packets);

/// The text block below the hop tables.
std::string format_logical_view(const OvnLogicalView& view);

}  // namespace netlab::tracer
