// Failed neighbours from the kernel's cache (see neighbours.h).
#include "tracer/neighbours.h"

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>

#include "netlab/host/netns.h"

namespace netlab::tracer {

std::vector<std::string> failed_neighbours(const std::string& netns, std::vector<std::string>* warnings) {
  std::vector<std::string> out;
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
        if (dst == nullptr || nl_addr_get_family(dst) != AF_INET) continue;
        char addr[64], dev[32] = "?", st_text[64];
        nl_addr2str(dst, addr, sizeof addr);
        if (links != nullptr) rtnl_link_i2name(links, rtnl_neigh_get_ifindex(n), dev, sizeof dev);
        rtnl_neigh_state2str(state, st_text, sizeof st_text);
        out.push_back(netns + ": " + addr + " on " + dev + " " + st_text);
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
