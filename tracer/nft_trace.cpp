// nftables trace events and rule lookup (see nft_trace.h).
#include "tracer/nft_trace.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>
#include <utility>

#include "netlab/host/netns.h"
#include "netlab/host/nft.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/names.h"
#include "tracer/ruleset_text.h"

namespace netlab::tracer {
namespace {

const char* family_name(uint8_t f) {
  switch (f) {
    case NFPROTO_IPV4: return "ip";
    case NFPROTO_IPV6: return "ip6";
    case NFPROTO_INET: return "inet";
    case NFPROTO_ARP: return "arp";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    default: return "unknown";
  }
}

std::string verdict_name(int32_t code, const std::string& chain) {
  switch (code) {
    case NF_DROP: return "drop";
    case NF_ACCEPT: return "accept";
    case NF_STOLEN: return "stolen";
    case NF_QUEUE: return "queue";
    case NF_REPEAT: return "repeat";
    case NFT_CONTINUE: return "continue";
    case NFT_BREAK: return "break";
    case NFT_JUMP: return "jump " + chain;
    case NFT_GOTO: return "goto " + chain;
    case NFT_RETURN: return "return";
    default: return std::to_string(code);
  }
}

/// Walks the attributes in [p, p+len); calls f(type, payload, payload_len).
template <typename F>
void each_attr(const uint8_t* p, size_t len, F&& f) {
  while (len >= sizeof(nlattr)) {
    nlattr a;
    std::memcpy(&a, p, sizeof a);
    if (a.nla_len < sizeof(nlattr) || a.nla_len > len) return;
    f(static_cast<uint16_t>(a.nla_type & NLA_TYPE_MASK), p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
    size_t step = NLA_ALIGN(a.nla_len);
    if (step >= len) return;
    p += step;
    len -= step;
  }
}

uint32_t be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

uint64_t be64(const uint8_t* p) { return (static_cast<uint64_t>(be32(p)) << 32) | be32(p + 4); }

/// Drops "counter packets N bytes M " and the trailing "# handle N" of a listed rule.
std::string clean_rule(std::string line) {
  auto h = line.rfind(" # handle ");
  if (h != std::string::npos) line.erase(h);
  auto c = line.find("counter packets ");
  if (c != std::string::npos) {
    auto b = line.find(" bytes ", c);
    if (b != std::string::npos) {
      auto e = line.find(' ', b + 7);
      line.erase(c + 7, (e == std::string::npos ? line.size() : e) - (c + 7));
    }
  }
  size_t s = line.find_first_not_of(" \t");
  return s == std::string::npos ? std::string() : line.substr(s);
}

std::string comment_of(const std::string& rule) {
  auto c = rule.find("comment \"");
  if (c == std::string::npos) return {};
  auto e = rule.find('"', c + 9);
  return e == std::string::npos ? std::string() : rule.substr(c + 9, e - c - 9);
}

}  // namespace

std::vector<TraceEvent> parse_trace_messages(const uint8_t* data, size_t len) {
  std::vector<TraceEvent> out;
  while (len >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, data, sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > len) break;
    if (h.nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE) &&
        h.nlmsg_len >= NLMSG_HDRLEN + sizeof(nfgenmsg)) {
      nfgenmsg g;
      std::memcpy(&g, data + NLMSG_HDRLEN, sizeof g);
      TraceEvent e;
      e.family = family_name(g.nfgen_family);
      size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg));
      each_attr(data + off, h.nlmsg_len - off, [&](uint16_t type, const uint8_t* p, size_t n) {
        auto str = [&] { return std::string(reinterpret_cast<const char*>(p), strnlen(reinterpret_cast<const char*>(p), n)); };
        switch (type) {
          case NFTA_TRACE_TABLE: e.table = str(); break;
          case NFTA_TRACE_CHAIN: e.chain = str(); break;
          case NFTA_TRACE_ID: if (n >= 4) e.id = be32(p); break;
          case NFTA_TRACE_RULE_HANDLE: if (n >= 8) e.handle = be64(p); break;
          case NFTA_TRACE_TYPE:
            if (n >= 4) {
              uint32_t t = be32(p);
              e.type = t == NFT_TRACETYPE_RULE ? "rule" : t == NFT_TRACETYPE_POLICY ? "policy"
                       : t == NFT_TRACETYPE_RETURN ? "return" : "unspec";
            }
            break;
          case NFTA_TRACE_POLICY:
            if (n >= 4) e.verdict = verdict_name(static_cast<int32_t>(be32(p)), "");
            break;
          case NFTA_TRACE_VERDICT: {
            int32_t code = 0;
            bool have = false;
            std::string chain;
            each_attr(p, n, [&](uint16_t vt, const uint8_t* vp, size_t vn) {
              if (vt == NFTA_VERDICT_CODE && vn >= 4) { code = static_cast<int32_t>(be32(vp)); have = true; }
              if (vt == NFTA_VERDICT_CHAIN) chain = std::string(reinterpret_cast<const char*>(vp), strnlen(reinterpret_cast<const char*>(vp), vn));
            });
            if (have) e.verdict = verdict_name(code, chain);
            break;
          }
          case NFTA_TRACE_NETWORK_HEADER:
            if (n >= 20 && (p[0] >> 4) == 4) {
              e.proto = p[9];
              e.src.value = be32(p + 12);
              e.dst.value = be32(p + 16);
            }
            break;
          default: break;
        }
      });
      out.push_back(std::move(e));
    }
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    data += step;
    len -= step;
  }
  return out;
}

void propagate_headers(std::vector<TraceEvent>* events) {
  std::map<uint32_t, const TraceEvent*> first;
  for (auto& e : *events) {
    if (e.src.value != 0 || e.dst.value != 0) {
      first.emplace(e.id, &e);
      continue;
    }
    auto it = first.find(e.id);
    if (it == first.end()) continue;
    e.proto = it->second->proto;
    e.src = it->second->src;
    e.dst = it->second->dst;
  }
}

RuleIndex parse_ruleset_text(const std::string& text) {
  RuleIndex index;
  for_each_chain_line(text, [&](const RulesetLine& l) {
    auto h = l.text.rfind("# handle ");
    if (h == std::string::npos) return;
    uint64_t handle = std::strtoull(l.text.c_str() + h + 9, nullptr, 10);
    std::string rule = clean_rule(l.text);
    std::string comment = comment_of(rule);
    if (!comment.empty()) {
      auto c = rule.find(" comment \"");
      if (c != std::string::npos) rule.erase(c, comment.size() + 11);
    }
    index[{l.family, l.table, l.chain, handle}] = {rule, comment};
  });
  return index;
}

Result<RuleIndex> ruleset_index(const std::string& netns) {
  auto nft = host::Nft::open(netns);
  if (!nft) return nft.error();
  auto text = nft->list_ruleset_text();
  if (!text) return text.error();
  return parse_ruleset_text(*text);
}

void annotate_rules(const RuleIndex& index, std::vector<TraceEvent>* events) {
  for (auto& e : *events) {
    if (e.type != "rule") continue;
    auto it = index.find({e.family, e.table, e.chain, e.handle});
    if (it == index.end()) continue;
    e.rule = it->second.first;
    e.comment = it->second.second;
  }
}

std::string format_event(const TraceEvent& e) {
  std::string what = e.type == "rule" ? (e.rule.empty() ? "rule handle " + std::to_string(e.handle) : "rule `" + e.rule + "`")
                                      : e.type;
  return e.family + " " + e.table + " " + e.chain + " " + what + " \u2192 " + (e.verdict.empty() ? "-" : e.verdict);
}

RuleHit to_rule_hit(const TraceEvent& e) {
  RuleHit r;
  r.family = e.family;
  r.table = e.table;
  r.chain = e.chain;
  r.handle = e.type == "rule" ? e.handle : 0;
  r.rule = e.type == "rule" ? (e.rule.empty() ? "handle " + std::to_string(e.handle) : e.rule) : e.type;
  r.comment = e.comment;
  r.verdict = e.verdict;
  return r;
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
