// IPv4 addresses and main-table routes: raw RTM_NEWADDR/RTM_NEWROUTE requests
// to change them; addresses read back by a raw dump, routes by libnl-route's cache.
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "netlab/host/netlink.h"
#include "netlab/host/netlink_util.h"

namespace netlab::host {
namespace {

void put_ipv4(nl_msg* msg, int attr, model::Ipv4 ip) {
  uint32_t be = htonl(ip.value);
  nla_put(msg, attr, 4, &be);
}

std::optional<model::Ipv4> to_ipv4(nl_addr* addr) {
  if (!addr || nl_addr_get_family(addr) != AF_INET || nl_addr_get_len(addr) != 4) return std::nullopt;
  uint32_t be;
  std::memcpy(&be, nl_addr_get_binary_addr(addr), 4);
  return model::Ipv4{ntohl(be)};
}

std::string route_text(const RouteSpec& route) {
  std::string text = route.dest ? route.dest->str() : "default";
  if (route.gateway) text += " via " + route.gateway->str();
  if (!route.dev.empty()) text += " dev " + route.dev;
  return text;
}

/// Interface names of a namespace by ifindex, for reading addresses/routes.
std::map<int, std::string> index_names(const std::vector<LinkInfo>& links) {
  std::map<int, std::string> names;
  for (const auto& l : links) names[l.ifindex] = l.name;
  return names;
}

/// The same of `given` links, or (null) of every link the namespace of `nl` has.
Result<std::map<int, std::string>> index_names(Netlink& nl, const std::vector<LinkInfo>* given) {
  if (given) return index_names(*given);
  auto links = nl.list_links();
  if (!links) return links.error();
  return index_names(*links);
}

}  // namespace

Status Netlink::change_address(int type, const std::string& dev, const model::Cidr& cidr) {
  const char* verb = type == RTM_NEWADDR ? "add" : "delete";
  auto index = ifindex(dev);
  if (!index)
    return Error{std::string("cannot ") + verb + " address " + cidr.str() + " on " + dev + ": " + index.error().message};
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = static_cast<unsigned char>(cidr.prefix);
  ifa.ifa_index = static_cast<unsigned>(*index);
  ifa.ifa_scope = (cidr.address.value >> 24) == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  nl_msg* msg = new_message(type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0, ifa);
  if (!msg) return Error{"out of memory"};
  put_ipv4(msg, IFA_LOCAL, cidr.address);
  put_ipv4(msg, IFA_ADDRESS, cidr.address);
  if (type == RTM_NEWADDR && cidr.prefix < 31) put_ipv4(msg, IFA_BROADCAST, cidr.broadcast());
  if (int err = transact(msg)) {
    std::string reason = std::strerror(err);
    if (err == EEXIST) reason = "it is already there (" + reason + ")";
    if (err == EADDRNOTAVAIL && type == RTM_DELADDR) reason = "it is not there (" + reason + ")";
    return Error{std::string("cannot ") + verb + " address " + cidr.str() + " on " +
                 describe_device("", dev, netns()) + ": " + reason};
  }
  return {};
}

Status Netlink::add_address(const std::string& dev, const model::Cidr& cidr) {
  return change_address(RTM_NEWADDR, dev, cidr);
}

Status Netlink::del_address(const std::string& dev, const model::Cidr& cidr) {
  return change_address(RTM_DELADDR, dev, cidr);
}

Result<std::vector<AddressInfo>> Netlink::list_all_addresses(const std::vector<LinkInfo>* given) {
  auto found = index_names(*this, given);
  if (!found) return found.error();
  std::map<int, std::string> names = std::move(*found);
  // A dump of the IPv4 family only: the kernel then leaves out the IPv6
  // link-local address every bridge port holds, which in a host namespace of
  // a thousand guests' veths is nearly the whole answer.
  std::vector<AddressInfo> out;
  int err = dump_addresses(AF_INET, [&](const ifaddrmsg& ifa, nlattr** tb) {
    if (ifa.ifa_family != AF_INET) return;
    nlattr* local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!local || nla_len(local) != 4) return;
    uint32_t be;
    std::memcpy(&be, nla_data(local), 4);
    AddressInfo info;
    info.ifindex = static_cast<int>(ifa.ifa_index);
    if (auto it = names.find(info.ifindex); it != names.end()) info.dev = it->second;
    info.cidr = {model::Ipv4{ntohl(be)}, ifa.ifa_prefixlen};
    out.push_back(std::move(info));
  });
  if (err)
    return Error{"cannot list addresses" + std::string(netns().empty() ? "" : " in namespace " + netns()) + ": " +
                 std::strerror(err)};
  return out;
}

int Netlink::dump_addresses(unsigned char family,
                            const std::function<void(const ifaddrmsg&, nlattr**)>& on_address) {
  ifaddrmsg header{};
  header.ifa_family = family;
  nl_msg* msg = new_message(RTM_GETADDR, NLM_F_DUMP, header);
  if (!msg) return ENOMEM;
  return dump(msg, [&](nl_msg* answer) {
    nlmsghdr* h = nlmsg_hdr(answer);
    if (h->nlmsg_type != RTM_NEWADDR) return;
    nlattr* tb[IFA_MAX + 1] = {};
    if (nlmsg_parse(h, sizeof(ifaddrmsg), tb, IFA_MAX, nullptr) < 0) return;
    on_address(*static_cast<const ifaddrmsg*>(nlmsg_data(h)), tb);
  });
}

Result<std::vector<model::Cidr>> Netlink::list_addresses(const std::string& dev) {
  auto index = ifindex(dev);
  if (!index) return Error{"cannot list the addresses of " + dev + ": " + index.error().message};
  auto all = list_all_addresses();
  if (!all) return all.error();
  std::vector<model::Cidr> out;
  for (const auto& a : *all)
    if (a.ifindex == *index) out.push_back(a.cidr);
  return out;
}

Status Netlink::change_route(int type, const RouteSpec& route) {
  const char* verb = type == RTM_NEWROUTE ? "add" : "delete";
  int oif = 0;
  if (!route.dev.empty()) {
    auto index = ifindex(route.dev);
    if (!index) return Error{std::string("cannot ") + verb + " route " + route_text(route) + ": " + index.error().message};
    oif = *index;
  }
  rtmsg rtm{};
  rtm.rtm_family = AF_INET;
  rtm.rtm_dst_len = static_cast<unsigned char>(route.dest ? route.dest->prefix : 0);
  rtm.rtm_table = RT_TABLE_MAIN;
  rtm.rtm_protocol = RTPROT_BOOT;
  rtm.rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  rtm.rtm_type = RTN_UNICAST;
  if (type == RTM_DELROUTE) {
    rtm.rtm_protocol = 0;
    rtm.rtm_scope = RT_SCOPE_NOWHERE;
  }
  nl_msg* msg = new_message(type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0, rtm);
  if (!msg) return Error{"out of memory"};
  if (route.dest && route.dest->prefix > 0) put_ipv4(msg, RTA_DST, route.dest->network());
  if (route.gateway) put_ipv4(msg, RTA_GATEWAY, *route.gateway);
  if (oif > 0) nla_put_u32(msg, RTA_OIF, static_cast<uint32_t>(oif));
  if (route.metric > 0) nla_put_u32(msg, RTA_PRIORITY, static_cast<uint32_t>(route.metric));
  if (int err = transact(msg)) {
    std::string reason = std::strerror(err);
    if (err == EEXIST) reason = "it is already there (" + reason + ")";
    if (err == ESRCH && type == RTM_DELROUTE) reason = "it is not there (" + reason + ")";
    if (err == ENETUNREACH) reason = "the gateway is not on a connected network (" + reason + ")";
    return Error{std::string("cannot ") + verb + " route " + route_text(route) +
                 (netns().empty() ? "" : " in namespace " + netns()) + ": " + reason};
  }
  return {};
}

Status Netlink::add_route(const RouteSpec& route) { return change_route(RTM_NEWROUTE, route); }

Status Netlink::del_route(const RouteSpec& route) { return change_route(RTM_DELROUTE, route); }

Result<std::vector<RouteInfo>> Netlink::list_routes(const std::vector<LinkInfo>* given) {
  auto found = index_names(*this, given);
  if (!found) return found.error();
  std::map<int, std::string> names = std::move(*found);
  nl_cache* cache = nullptr;
  int err = rtnl_route_alloc_cache(sock_, AF_INET, 0, &cache);
  if (err < 0) return Error{"cannot list routes" + std::string(netns().empty() ? "" : " in namespace " + netns()) +
                            ": " + nl_error_text(err)};
  std::vector<RouteInfo> out;
  for (nl_object* obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
    auto* r = reinterpret_cast<rtnl_route*>(obj);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST) continue;
    RouteInfo info;
    nl_addr* dst = rtnl_route_get_dst(r);
    int prefix = dst ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0;
    if (prefix > 0) {
      auto ip = to_ipv4(dst);
      if (ip) info.dest = model::Cidr{*ip, prefix};
    }
    info.metric = static_cast<int>(rtnl_route_get_priority(r));
    char buf[32];
    info.protocol = rtnl_route_proto2str(rtnl_route_get_protocol(r), buf, sizeof buf);
    if (rtnl_route_get_nnexthops(r) > 0) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
      info.gateway = to_ipv4(rtnl_route_nh_get_gateway(nh));
      int oif = rtnl_route_nh_get_ifindex(nh);
      if (names.count(oif)) info.dev = names[oif];
    }
    out.push_back(std::move(info));
  }
  nl_cache_free(cache);
  return out;
}

Result<RouteInfo> Netlink::route_to(model::Ipv4 dst) {
  const std::string where = "route to " + dst.str() + (netns().empty() ? "" : " in namespace " + netns());
  rtmsg header{};
  header.rtm_family = AF_INET;
  header.rtm_dst_len = 32;
  nl_msg* msg = new_message(RTM_GETROUTE, 0, header);
  if (!msg) return Error{"cannot look up the " + where + ": out of memory"};
  put_ipv4(msg, RTA_DST, dst);
  struct RoutePtr {
    rtnl_route* p = nullptr;
    ~RoutePtr() {
      if (p) rtnl_route_put(p);
    }
  } route;
  int err = transact(msg, [&](nl_msg* answer) {
    if (!route.p && nlmsg_hdr(answer)->nlmsg_type == RTM_NEWROUTE) rtnl_route_parse(nlmsg_hdr(answer), &route.p);
  });
  if (err != 0) return Error{"no " + where + ": " + std::strerror(err)};
  if (!route.p || rtnl_route_get_nnexthops(route.p) == 0)
    return Error{"no " + where + ": the kernel's answer names no next hop"};
  RouteInfo info;
  info.dest = model::Cidr{dst, 32};
  info.metric = static_cast<int>(rtnl_route_get_priority(route.p));
  rtnl_nexthop* nh = rtnl_route_nexthop_n(route.p, 0);
  info.gateway = to_ipv4(rtnl_route_nh_get_gateway(nh));
  if (int oif = rtnl_route_nh_get_ifindex(nh); oif > 0) {
    char name[IF_NAMESIZE + 1] = {};
    rtnl_link* link = nullptr;
    if (rtnl_link_get_kernel(sock_, oif, nullptr, &link) == 0) {
      if (const char* n = rtnl_link_get_name(link)) std::strncpy(name, n, IF_NAMESIZE);
      rtnl_link_put(link);
    }
    info.dev = name;
  }
  return info;
}

}  // namespace netlab::host
