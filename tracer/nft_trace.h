#pragma once
// The rule-level path of a trace from nftables trace events: while tracing, a
// lab-owned chain (host::render_trace_chain) sets `meta nftrace` for the
// probe's packets only; a netlink socket subscribed to NFNLGRP_NFTRACE in the
// same namespace receives one event per rule, policy and return the packet
// meets, in every table (iptables-nft rules are nft rules and appear too).
// Rule handles are turned into the rule's text and comment from the ruleset.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"
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
  std::string rule;         // the rule's text (filled by annotate_rules)
  std::string comment;      // its comment
};

/// Parses the messages of one netlink datagram; non-trace messages are skipped.
std::vector<TraceEvent> parse_trace_messages(const uint8_t* data, size_t len);

/// The kernel puts the packet's headers only into the first event of each
/// trace id; this copies proto/src/dst to the later events of the same id.
void propagate_headers(std::vector<TraceEvent>* events);

/// The text of "nft -a list ruleset" split into rules:
/// (family, table, chain, handle) -> (text without counter values and handle, comment).
using RuleIndex = std::map<std::tuple<std::string, std::string, std::string, uint64_t>,
                           std::pair<std::string, std::string>>;
RuleIndex parse_ruleset_text(const std::string& text);
/// Lists the ruleset of namespace `netns` with handles (libnftables) and indexes it.
Result<RuleIndex> ruleset_index(const std::string& netns);
/// Fills rule/comment of every rule event from `index`.
void annotate_rules(const RuleIndex& index, std::vector<TraceEvent>* events);

/// "ip filter FORWARD rule `...` → drop" as one line.
std::string format_event(const TraceEvent& e);
/// The event as a RuleHit for a hop.
RuleHit to_rule_hit(const TraceEvent& e);

/// A netlink socket in a namespace subscribed to nftables trace events. Move-only.
class NftTraceListener {
 public:
  static Result<NftTraceListener> open(const std::string& netns);
  NftTraceListener(NftTraceListener&& other) noexcept;
  NftTraceListener& operator=(NftTraceListener&& other) noexcept;
  NftTraceListener(const NftTraceListener&) = delete;
  NftTraceListener& operator=(const NftTraceListener&) = delete;
  ~NftTraceListener();

  /// Reads every event queued now (non-blocking); an overrun of the socket
  /// buffer is reported in lost().
  std::vector<TraceEvent> read();
  bool lost() const { return lost_; }

 private:
  explicit NftTraceListener(int fd) : fd_(fd) {}
  int fd_ = -1;
  bool lost_ = false;
};

/// The lab's trace chain (trace_pre in table netlab_<lab>) with one rule per
/// match, installed by add() and removed by the destructor (also on failure
/// paths). Move-only.
class TraceChain {
 public:
  /// Installs the chain in namespace `netns` with `matches` (see
  /// host::render_trace_chain); a stale chain of an earlier run is replaced.
  static Result<TraceChain> add(const std::string& netns, const std::string& lab,
                                const std::vector<std::string>& matches);
  TraceChain(TraceChain&& other) noexcept;
  TraceChain& operator=(TraceChain&& other) noexcept;
  TraceChain(const TraceChain&) = delete;
  TraceChain& operator=(const TraceChain&) = delete;
  ~TraceChain();
  /// Removes the chain now; an Error when nft refused.
  Status remove();

 private:
  TraceChain(std::string netns, std::string lab) : netns_(std::move(netns)), lab_(std::move(lab)) {}
  std::string netns_, lab_;
  bool active_ = false;
};

}  // namespace netlab::tracer
