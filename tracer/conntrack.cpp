// Conntrack dump over netlink with libnl-nf-3 (see conntrack.h).
#include "tracer/conntrack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netlink.h>

#include <cstring>
#include <optional>

#include "netlab/host/netns.h"

namespace netlab::tracer {
namespace {

model::Ipv4 ipv4_of(nl_addr* a) {
  model::Ipv4 ip;
  if (a != nullptr && nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4) {
    uint32_t v = 0;
    std::memcpy(&v, nl_addr_get_binary_addr(a), 4);
    ip.value = ntohl(v);
  }
  return ip;
}

CtTuple tuple_of(nfnl_ct* ct, int repl, uint8_t proto) {
  CtTuple t;
  t.src = ipv4_of(nfnl_ct_get_src(ct, repl));
  t.dst = ipv4_of(nfnl_ct_get_dst(ct, repl));
  if (proto == IPPROTO_ICMP) {
    t.sport = nfnl_ct_get_icmp_id(ct, repl);
  } else {
    t.sport = nfnl_ct_get_src_port(ct, repl);
    t.dport = nfnl_ct_get_dst_port(ct, repl);
  }
  return t;
}

const char* proto_name(uint8_t proto) {
  switch (proto) {
    case IPPROTO_ICMP: return "icmp";
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    default: return "ip";
  }
}

}  // namespace

Result<std::vector<CtEntry>> conntrack_entries(const std::string& netns, const CtFilter& filter) {
  std::optional<Error> failure;
  std::vector<CtEntry> out;
  Status entered = host::in_netns(netns, [&] {
    nl_sock* sock = nl_socket_alloc();
    if (sock == nullptr) {
      failure = Error{"conntrack: out of memory"};
      return;
    }
    int rc = nfnl_connect(sock);
    nl_cache* cache = nullptr;
    if (rc == 0) rc = nfnl_ct_alloc_cache(sock, &cache);
    if (rc < 0) {
      failure = Error{std::string("conntrack dump: ") + nl_geterror(rc)};
      nl_socket_free(sock);
      return;
    }
    for (nl_object* obj = nl_cache_get_first(cache); obj != nullptr; obj = nl_cache_get_next(obj)) {
      auto* ct = reinterpret_cast<nfnl_ct*>(obj);
      if (nfnl_ct_get_family(ct) != AF_INET) continue;
      CtEntry e;
      e.proto = nfnl_ct_get_proto(ct);
      if (filter.proto != 0 && e.proto != filter.proto) continue;
      e.original = tuple_of(ct, 0, e.proto);
      if (filter.src.value != 0 && e.original.src != filter.src) continue;
      if (filter.dst.value != 0 && e.original.dst != filter.dst) continue;
      if (filter.dport != 0 && e.original.dport != filter.dport) continue;
      e.reply = tuple_of(ct, 1, e.proto);
      e.status = nfnl_ct_get_status(ct);
      e.timeout = nfnl_ct_get_timeout(ct);
      if (e.proto == IPPROTO_TCP && nfnl_ct_test_tcp_state(ct)) {
        char buf[32];
        e.state = nfnl_ct_tcp_state2str(nfnl_ct_get_tcp_state(ct), buf, sizeof buf);
      }
      out.push_back(e);
    }
    nl_cache_free(cache);
    nl_socket_free(sock);
  });
  if (!entered) return entered.error();
  if (failure) return *failure;
  return out;
}

std::string format_tuple(uint8_t proto, const CtTuple& t) {
  std::string s = std::string(proto_name(proto)) + " ";
  if (proto == IPPROTO_ICMP) return s + t.src.str() + " → " + t.dst.str() + " id " + std::to_string(t.sport);
  if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
    return s + t.src.str() + ":" + std::to_string(t.sport) + " → " + t.dst.str() + ":" + std::to_string(t.dport);
  }
  return s + t.src.str() + " → " + t.dst.str();
}

std::string format_status(const CtEntry& e) {
  std::string s;
  auto add = [&](const std::string& w) { s += (s.empty() ? "" : ", ") + w; };
  if (e.src_nat()) add("SNAT");
  if (e.dst_nat()) add("DNAT");
  if (e.seen_reply()) add("seen-reply");
  if (!e.state.empty()) add(e.state);
  return s;
}

std::string format_entry(const CtEntry& e) {
  auto strip = [](std::string t) { return t.substr(t.find(' ') + 1); };
  std::string s = std::string(proto_name(e.proto)) + " original " + strip(format_tuple(e.proto, e.original)) +
                  ", reply " + strip(format_tuple(e.proto, e.reply));
  std::string st = format_status(e);
  if (!st.empty()) s += " [" + st + "]";
  return s;
}

}  // namespace netlab::tracer
