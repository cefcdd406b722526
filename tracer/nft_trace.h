#pragma once
// The rule-level path of a trace from nftables trace events: while tracing, a
// lab-owned chain (host::render_trace_chain) sets `meta nftrace` for the
// probe's packets only; a netlink socket subscribed to NFNLGRP_NFTRACE in the
// same namespace receives one event per rule, policy and return the packet
// meets, in every table (iptables-nft rules are nft rules and appear too).
// Rule handles are turned into the rule's text and comment from the ruleset
// (libnftables JSON, see ruleset_json.h). This part is pure; the socket, the
// trace chain and the ruleset listing are in nft_trace_socket.h.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"
#include "tracer/ruleset_json.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// One trace event.
struct TraceEvent {
  uint32_t id = 0;          // the kernel's per-packet trace id
  std::string family;       // "ip", "inet", "bridge", ...
  std::string table, chain;
  uint64_t handle = 0;      // rule handle (0 for a policy event)
  std::string type;         // "rule", "policy", "return"
  std::string verdict;      // "accept", "drop", "continue", "jump <chain>", ... ("" when none)
  uint8_t proto = 0;        // from the network header
  model::Ipv4 src, dst;     // from the network header (0 when not IPv4)
  model::Ipv6 src6, dst6;   // from an IPv6 network header (:: when not IPv6)
  std::string rule;         // the rule's text (filled by annotate_rules)
  std::string comment;      // its comment
};

/// Parses the messages of one netlink datagram with libnftnl (nftnl_trace_nlmsg_parse);
/// non-trace messages, and trace messages that do not parse, are skipped.
std::vector<TraceEvent> parse_trace_messages(const uint8_t* data, size_t len);

/// The kernel puts the packet's headers only into the first event of each
/// trace id; this copies proto and the addresses to the later events of the same id.
void propagate_headers(std::vector<TraceEvent>* events);

/// Removes the events of the tracer's own marking chain (trace_pre in the
/// lab's table, and the handle-less "continue" at its end): they describe
/// netlab's probe selection, not a rule the packet met. Call after
/// propagate_headers, which takes the headers from those first events.
void drop_own_chain_events(const std::string& lab, std::vector<TraceEvent>* events);

/// A listed rule as the trace shows it.
struct RuleText {
  std::string text;     // nft syntax without counter values (see nft_rule_text)
  std::string comment;  // its comment, "" when none
};
/// The rules of a ruleset by (family, table, chain, handle), how trace events name them.
using RuleIndex = std::map<std::tuple<std::string, std::string, std::string, uint64_t>, RuleText>;
RuleIndex index_rules(const Ruleset& ruleset);
/// Fills rule/comment of every rule event from `index`.
void annotate_rules(const RuleIndex& index, std::vector<TraceEvent>* events);

/// "ip filter FORWARD rule `...` → drop" as one line.
std::string format_event(const TraceEvent& e);
/// The event as a RuleHit for a hop.
RuleHit to_rule_hit(const TraceEvent& e);

}  // namespace netlab::tracer
