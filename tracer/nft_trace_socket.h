#pragma once
// The live tracer's adapters to nftables tracing in a namespace: the netlink
// socket subscribed to NFNLGRP_NFTRACE, the lab's trace chain that marks the
// probe's packets (meta nftrace), and the ruleset index read from the kernel.
// What they return is parsed and used by the pure nft_trace.h.
#include <string>
#include <vector>

#include "netlab/model/result.h"
#include "tracer/nft_trace.h"

namespace netlab::tracer {

/// Lists the ruleset of namespace `netns` (libnftables JSON) and indexes it.
Result<RuleIndex> ruleset_index(const std::string& netns);

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
