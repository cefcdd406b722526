// nftables trace events and rule lookup (see nft_trace.h).
#include "tracer/nft_trace.h"

#include "netlab/model/names.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/trace.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <memory>
#include <optional>


namespace netlab::tracer {
namespace {

const char* family_name(uint32_t f) {
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

const char* trace_type_name(uint32_t type) {
  switch (type) {
    case NFT_TRACETYPE_RULE: return "rule";
    case NFT_TRACETYPE_POLICY: return "policy";
    case NFT_TRACETYPE_RETURN: return "return";
    default: return "unspec";
  }
}

using TracePtr = std::unique_ptr<nftnl_trace, void (*)(const nftnl_trace*)>;

/// One NFT_MSG_TRACE message (whole, aligned) through libnftnl; nullopt when it does not parse.
std::optional<TraceEvent> parse_trace(const nlmsghdr* message) {
  TracePtr t(nftnl_trace_alloc(), nftnl_trace_free);
  if (!t || nftnl_trace_nlmsg_parse(message, t.get()) < 0) return std::nullopt;
  const nftnl_trace* tr = t.get();
  auto str = [&](uint16_t attr) {
    const char* s = nftnl_trace_is_set(tr, attr) ? nftnl_trace_get_str(tr, attr) : nullptr;
    return std::string(s ? s : "");
  };
  TraceEvent e;
  e.family = family_name(nftnl_trace_get_u32(tr, NFTNL_TRACE_FAMILY));
  e.table = str(NFTNL_TRACE_TABLE);
  e.chain = str(NFTNL_TRACE_CHAIN);
  e.id = nftnl_trace_get_u32(tr, NFTNL_TRACE_ID);
  e.type = trace_type_name(nftnl_trace_get_u32(tr, NFTNL_TRACE_TYPE));
  if (nftnl_trace_is_set(tr, NFTNL_TRACE_RULE_HANDLE)) e.handle = nftnl_trace_get_u64(tr, NFTNL_TRACE_RULE_HANDLE);
  if (nftnl_trace_is_set(tr, NFTNL_TRACE_POLICY))
    e.verdict = verdict_name(static_cast<int32_t>(nftnl_trace_get_u32(tr, NFTNL_TRACE_POLICY)), "");
  if (nftnl_trace_is_set(tr, NFTNL_TRACE_VERDICT))
    e.verdict = verdict_name(static_cast<int32_t>(nftnl_trace_get_u32(tr, NFTNL_TRACE_VERDICT)),
                             str(NFTNL_TRACE_JUMP_TARGET));
  uint32_t n = 0;
  const auto* p = static_cast<const uint8_t*>(
      nftnl_trace_is_set(tr, NFTNL_TRACE_NETWORK_HEADER) ? nftnl_trace_get_data(tr, NFTNL_TRACE_NETWORK_HEADER, &n)
                                                         : nullptr);
  if (p != nullptr && n >= 20 && (p[0] >> 4) == 4) {
    e.proto = p[9];
    uint32_t a, b;
    std::memcpy(&a, p + 12, 4);
    std::memcpy(&b, p + 16, 4);
    e.src.value = ntohl(a);
    e.dst.value = ntohl(b);
  } else if (p != nullptr && n >= 40 && (p[0] >> 4) == 6) {
    e.proto = p[6];  // the next header: the upper layer unless extension headers follow
    std::memcpy(e.src6.bytes.data(), p + 8, 16);
    std::memcpy(e.dst6.bytes.data(), p + 24, 16);
  }
  return e;
}

}  // namespace

std::vector<TraceEvent> parse_trace_messages(const uint8_t* data, size_t len) {
  std::vector<TraceEvent> out;
  std::vector<uint32_t> aligned;  // libnftnl reads the message in place: give it an aligned copy
  while (len >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, data, sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > len) break;
    if (h.nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE) &&
        h.nlmsg_len >= NLMSG_HDRLEN + sizeof(nfgenmsg)) {
      aligned.assign((h.nlmsg_len + 3) / 4, 0);
      std::memcpy(aligned.data(), data, h.nlmsg_len);
      if (auto e = parse_trace(reinterpret_cast<const nlmsghdr*>(aligned.data()))) out.push_back(std::move(*e));
    }
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    data += step;
    len -= step;
  }
  return out;
}

void drop_own_chain_events(const std::string& lab, std::vector<TraceEvent>* events) {
  const std::string table = model::nft_table_name(lab);
  std::erase_if(*events, [&](const TraceEvent& e) { return e.chain == "trace_pre" && e.table == table; });
}

void propagate_headers(std::vector<TraceEvent>* events) {
  std::map<uint32_t, const TraceEvent*> first;
  for (auto& e : *events) {
    if (e.src.value != 0 || e.dst.value != 0 || e.src6 != model::Ipv6{} || e.dst6 != model::Ipv6{}) {
      first.emplace(e.id, &e);
      continue;
    }
    auto it = first.find(e.id);
    if (it == first.end()) continue;
    e.proto = it->second->proto;
    e.src = it->second->src;
    e.dst = it->second->dst;
    e.src6 = it->second->src6;
    e.dst6 = it->second->dst6;
  }
}

RuleIndex index_rules(const Ruleset& ruleset) {
  RuleIndex index;
  for (const RulesetRule& r : ruleset.rules) index[{r.family, r.table, r.chain, r.handle}] = {r.text, r.comment};
  return index;
}

void annotate_rules(const RuleIndex& index, std::vector<TraceEvent>* events) {
  for (auto& e : *events) {
    if (e.type != "rule") continue;
    auto it = index.find({e.family, e.table, e.chain, e.handle});
    if (it == index.end()) continue;
    e.rule = it->second.text;
    e.comment = it->second.comment;
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

}  // namespace netlab::tracer
