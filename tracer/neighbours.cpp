// Failed neighbours from the kernel's cache (see neighbours.h).
#include "tracer/neighbours.h"

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>

#include <cstring>

#include "netlab/host/netns.h"

namespace netlab::tracer {

std::vector<std::string> on_path(const std::vector<FailedNeighbour>& all, const std::vector<model::Ipv4>& next_hops) {
  std::vector<std::string> out;
  for (const auto& n : all)
    for (const auto& hop : next_hops)
      if (!n.v6 && hop.value != 0 && n.ip == hop) {
        out.push_back(n.text);
        break;
      }
  return out;
}

std::vector<std::string> on_path6(const std::vector<FailedNeighbour>& all, const std::vector<model::Ipv6>& next_hops) {
  std::vector<std::string> out;
  for (const auto& n : all)
    for (const auto& hop : next_hops)
      if (n.v6 && hop != model::Ipv6{} && n.ip6 == hop) {
        out.push_back(n.text);
        break;
      }
  return out;
}

std::vector<FailedNeighbour> failed_neighbours(const std::string& netns, std::vector<std::string>* warnings) {
  std::vector<FailedNeighbour> out;
  Status st = host::in_netns(netns, [&] {
    nl_sock* sock = nl_socket_alloc();
    if (sock == nullptr) return;
    nl_cache* cache = nullptr;
    nl_cache* links = nullptr;
    if (nl_connect(sock, NETLINK_ROUTE) == 0 && rtnl_neigh_alloc_cache(sock, &cache) == 0) {
      rtnl_link_alloc_cache(sock, AF_UNSPEC, &links);
      for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
        auto* n = reinterpret_cast<rtnl_neigh*>(o);
        int state = rtnl_neigh_get_state(n);
        if ((state & (NUD_FAILED | NUD_INCOMPLETE)) == 0) continue;
        nl_addr* dst = rtnl_neigh_get_dst(n);
        if (dst == nullptr || (nl_addr_get_family(dst) != AF_INET && nl_addr_get_family(dst) != AF_INET6)) continue;
        char addr[64], dev[32] = "?", st_text[64];
        nl_addr2str(dst, addr, sizeof addr);
        if (links != nullptr) rtnl_link_i2name(links, rtnl_neigh_get_ifindex(n), dev, sizeof dev);
        rtnl_neigh_state2str(state, st_text, sizeof st_text);
        std::string text = netns + ": " + addr + " on " + dev + " " + st_text;
        if (nl_addr_get_family(dst) == AF_INET6) {
          FailedNeighbour f{{}, dev, text, {}, true};
          if (nl_addr_get_len(dst) == 16) {
            std::memcpy(f.ip6.bytes.data(), nl_addr_get_binary_addr(dst), 16);
            out.push_back(std::move(f));
          }
        } else if (auto ip = model::Ipv4::parse(addr)) {
          out.push_back({*ip, dev, text, {}, false});
        }
      }
    }
    if (links != nullptr) nl_cache_free(links);
    if (cache != nullptr) nl_cache_free(cache);
    nl_socket_free(sock);
  });
  if (!st) warnings->push_back(st.error().message);
  return out;
}

}  // namespace netlab::tracer
