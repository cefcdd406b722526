// The nft trace socket, the trace chain and the ruleset index (see nft_trace_socket.h).
#include "tracer/nft_trace_socket.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "netlab/host/netns.h"
#include "netlab/host/nft.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/names.h"

namespace netlab::tracer {

Result<RuleIndex> ruleset_index(const std::string& netns) {
  auto ruleset = list_ruleset(netns);
  if (!ruleset) return ruleset.error();
  return index_rules(*ruleset);
}

Result<NftTraceListener> NftTraceListener::open(const std::string& netns) {
  int fd = -1;
  int err = 0;
  Status entered = host::in_netns(netns, [&] {
    fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_NETFILTER);
    if (fd < 0) {
      err = errno;
      return;
    }
    int size = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    int group = NFNLGRP_NFTRACE;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 ||
        ::setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
      err = errno;
      ::close(fd);
      fd = -1;
    }
  });
  if (!entered) return entered.error();
  if (fd < 0) return Error{"nft trace socket in " + netns + ": " + std::strerror(err)};
  return NftTraceListener(fd);
}

NftTraceListener::NftTraceListener(NftTraceListener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), lost_(other.lost_) {}

NftTraceListener& NftTraceListener::operator=(NftTraceListener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    lost_ = other.lost_;
  }
  return *this;
}

NftTraceListener::~NftTraceListener() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<TraceEvent> NftTraceListener::read() {
  std::vector<TraceEvent> out;
  std::vector<uint8_t> buf(1 << 16);
  while (true) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == ENOBUFS) {
        lost_ = true;
        continue;
      }
      break;
    }
    auto events = parse_trace_messages(buf.data(), static_cast<size_t>(n));
    out.insert(out.end(), events.begin(), events.end());
  }
  return out;
}

Result<TraceChain> TraceChain::add(const std::string& netns, const std::string& lab,
                                   const std::vector<std::string>& matches) {
  auto nft = host::Nft::open(netns);
  if (!nft) return nft.error();
  (void)nft->apply(host::render_trace_chain_removal(lab));  // a chain left by an interrupted run
  std::string text;
  for (const auto& m : matches) {
    std::string part = host::render_trace_chain(lab, m);
    if (part.empty()) return Error{"nft trace match not allowed: " + m};
    text += part;
  }
  TraceChain chain(netns, lab);
  Status st = nft->apply(text);
  if (!st) return Error{"adding the trace chain to table " + model::nft_table_name(lab) + ": " + st.error().message};
  chain.active_ = true;
  return chain;
}

TraceChain::TraceChain(TraceChain&& other) noexcept
    : netns_(std::move(other.netns_)), lab_(std::move(other.lab_)), active_(std::exchange(other.active_, false)) {}

TraceChain& TraceChain::operator=(TraceChain&& other) noexcept {
  if (this != &other) {
    (void)remove();
    netns_ = std::move(other.netns_);
    lab_ = std::move(other.lab_);
    active_ = std::exchange(other.active_, false);
  }
  return *this;
}

TraceChain::~TraceChain() { (void)remove(); }

Status TraceChain::remove() {
  if (!active_) return {};
  active_ = false;
  auto nft = host::Nft::open(netns_);
  if (!nft) return nft.error();
  return nft->apply(host::render_trace_chain_removal(lab_));
}

}  // namespace netlab::tracer
