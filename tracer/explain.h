#pragma once
// Why a traced packet stopped: the facts about the lab that can explain a
// drop (read from the system by gather_facts, path_facts.h) and a pure function that
// picks the cause of each drop from them and from the nftables trace events,
// fills TracedPacket::drop_cause, attaches the rule trace and the conntrack
// entries to the route/nat hops, and adds a "missing reply" packet when a
// request arrived but nothing came back.
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/conntrack.h"
#include "tracer/conversation.h"
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

/// A trace from the sandbox's upstream to a port published on the uplink
/// address (`netlab trace LAB --from upstream`), followed in to the guest.
struct Inbound {
  std::string guest;      // the guest a forward of the probe's port leads to; "" when none publishes it
  std::string nic;        // its NIC on the forward's network
  model::Ipv4 guest_ip;   // its fixed address
  uint16_t to_port = 0;   // the port on the guest
};

/// What the system says about one guest NIC's path (see gather_facts).
struct PathFacts {
  std::string guest_netns, guest_device, host_netns;
  bool host_found = false;             // the path has a host hop (host_netns "" is then the real host)
  bool ipv6 = false;                   // the probe is IPv6: address, routes and neighbours below are IPv6 ones
  bool guest_has_address = true;       // the guest NIC holds an IPv4 address (ipv6: a global IPv6 address)
  bool guest_has_route = true;         // the guest has a route to the destination
  bool host_forwarding = true;         // net.ipv4.ip_forward in the host namespace
  bool network_ipv6 = false;           // the network's bridge holds a global IPv6 address (dual-stack)
  bool host_forwarding6 = true;        // net.ipv6.conf.all.forwarding in the host namespace
  bool host_has_route = true;          // the host has a route to the destination
  bool dnsmasq_running = true;         // the network's dnsmasq (when the lab runs one)
  bool nic_dhcp = false;               // the NIC's MAC has a lease or reservation of that dnsmasq
  bool nat_rule_present = true;        // nat mode: a masquerade rule of the network in the lab table
  std::vector<std::string> links_down;      // "lab-host/lab-g1-0 is down" for path devices not up
  std::vector<std::string> neighbours_failed;  // "lab-host: 203.0.113.1 on eth0 FAILED" (guest and host namespaces; NDP for ipv6)
  std::vector<std::string> mtu_mismatch;    // "lab-g1/eth0 mtu 1500, lab-host/lab-default mtu 1400"
  // Inbound traces only (gather_inbound_facts):
  bool dnat_rule_present = true;           // a DNAT rule for the probe's port in the lab's table
  bool guest_listening_read = false;       // guest_listening was read (a light guest)
  std::vector<uint16_t> guest_listening;   // ports the forward's guest listens on (the probe's protocol)
};

/// Everything the explainer combines.
struct ExplainInput {
  std::string lab;
  model::NicPath nic;           // the sending guest's NIC path
  model::Ipv4 src, dst;         // the probe's addresses (src 0 when the guest has none)
  std::optional<model::Ipv6> dst6;  // set: the probe is IPv6, to dst6 from src6 (src/dst unused)
  model::Ipv6 src6;                 // :: when the guest has no global IPv6 address
  ProbeSpec spec;
  ProbeOutcome probe;
  PathFacts facts;
  std::vector<TraceEvent> events;  // nft trace events, rules annotated
  std::vector<CtEntry> conntrack;
  std::optional<Inbound> inbound;  // set for a trace from upstream to a published port
  std::optional<model::NicPath> peer;  // the guest NIC whose address is dst, when it is one
};

/// The probe's destination and source as text, of whichever family it is ("?" for no source).
std::string dst_text(const ExplainInput& in);
std::string src_text(const ExplainInput& in);

/// When dst is a guest on the same switch as the sender but in another VLAN:
/// "10.20.0.21 is blue1 in VLAN 20; red1 is in VLAN 10 on the same switch,
/// which keeps them apart"; else "".
std::string vlan_separation(const ExplainInput& in);

/// For an inbound trace, the outcome that names the true cause: a request that
/// went no further than the uplink ("no DNAT rule matched tcp/8080 on the
/// uplink"), a guest refusing the forwarded port while it listens on another
/// ("web refused tcp/80 ...: nothing listens on tcp/80 there; it listens on
/// tcp/81"); else the conversation's own outcome.
std::string inbound_outcome(const ExplainInput& in, const std::vector<TracedPacket>& packets,
                            const Conversation& conversation);

/// The rule that rejected the probe's request ("nft inet netlab_x forward:
/// rule `... reject with tcp reset`"), or "" when no reject rule was met.
std::string reject_rule(const ExplainInput& in);

/// Fills drop causes, attaches rules and conntrack entries, adds a missing
/// reply (or, when the probe could not leave the guest, a one-hop packet
/// dropped at the guest NIC) to *packets. Pure: reads nothing from the system.
void explain(const ExplainInput& in, std::vector<TracedPacket>* packets);

}  // namespace netlab::tracer
