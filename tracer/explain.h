#pragma once
// Why a traced packet stopped: the facts about the lab that can explain a
// drop (read from the system by gather_facts, path_facts.h) and a pure function that
// picks the cause of each drop from them and from the nftables trace events,
// fills TracedPacket::drop_cause, attaches the rule trace and the conntrack
// entries to the route/nat hops, and adds a "missing reply" packet when a
// request arrived but nothing came back.
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/conntrack.h"
#include "tracer/nft_trace.h"
#include "tracer/probe.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// How messages name a namespace of a hop map: "" is the host netlab ran on
/// (a real host, no sandbox), "the host"; any other, its name.
inline std::string netns_label(const std::string& netns) { return netns.empty() ? "the host" : netns; }
/// A device where messages name it: "lab-host/eth0", or "eth0 of the host".
inline std::string device_label(const std::string& netns, const std::string& device) {
  return netns.empty() ? device + " of the host" : netns + "/" + device;
}

/// What the system says about one guest NIC's path (see gather_facts).
struct PathFacts {
  std::string guest_netns, guest_device, host_netns;
  bool host_found = false;             // the path has a host hop (host_netns "" is then the real host)
  bool guest_has_address = true;       // the guest NIC holds an IPv4 address
  bool guest_has_route = true;         // the guest has a route to the destination
  bool host_forwarding = true;         // net.ipv4.ip_forward in the host namespace
  bool network_ipv6 = false;           // the network's bridge holds a global IPv6 address (dual-stack)
  bool host_forwarding6 = true;        // net.ipv6.conf.all.forwarding in the host namespace
  bool host_has_route = true;          // the host has a route to the destination
  bool dnsmasq_running = true;         // the network's dnsmasq (when the lab runs one)
  bool nat_rule_present = true;        // nat mode: a masquerade rule of the network in the lab table
  std::vector<std::string> links_down;      // "lab-host/lab-g1-0 is down" for path devices not up
  std::vector<std::string> neighbours_failed;  // "lab-host: 203.0.113.1 on eth0 FAILED" (guest and host namespaces)
  std::vector<std::string> mtu_mismatch;    // "lab-g1/eth0 mtu 1500, lab-host/lab-default mtu 1400"
};

/// Everything the explainer combines.
struct ExplainInput {
  std::string lab;
  model::NicPath nic;           // the sending guest's NIC path
  model::Ipv4 src, dst;         // the probe's addresses (src 0 when the guest has none)
  ProbeSpec spec;
  ProbeOutcome probe;
  PathFacts facts;
  std::vector<TraceEvent> events;  // nft trace events, rules annotated
  std::vector<CtEntry> conntrack;
};

/// Fills drop causes, attaches rules and conntrack entries, adds a missing
/// reply (or, when the probe could not leave the guest, a one-hop packet
/// dropped at the guest NIC) to *packets. Pure: reads nothing from the system.
void explain(const ExplainInput& in, std::vector<TracedPacket>* packets);

}  // namespace netlab::tracer
