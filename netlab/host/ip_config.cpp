// Addresses and routes of both families read back and recreated exactly: raw
// RTM_GETADDR/RTM_GETROUTE dumps parsed attribute by attribute, and requests
// that put every attribute back (flags, lifetimes, labels, tables, metrics).
// What a host NIC holds must survive its move to a bridge and back unchanged
// (host/uplink_move.h); the IPv4-only helpers of address_route.cpp keep less.
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "netlab/host/netlink.h"
#include "netlab/host/netlink_util.h"

namespace netlab::host {
namespace {

// Address flags a request may set; the rest (secondary, permanent, tentative,
// deprecated, dadfailed) the kernel decides.
constexpr uint32_t kSettableAddressFlags =
    IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

std::string to_text(int family, const nlattr* attr) {
  if (!attr) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  const size_t len = static_cast<size_t>(nla_len(attr));
  if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16)) return "";
  if (!inet_ntop(family, nla_data(attr), buf, sizeof buf)) return "";
  return buf;
}

/// Puts address `text` of `family` as attribute `type`; false when it does not parse.
bool put_address(nl_msg* msg, int type, int family, const std::string& text) {
  unsigned char bytes[16];
  if (inet_pton(family, text.c_str(), bytes) != 1) return false;
  return nla_put(msg, type, family == AF_INET ? 4 : 16, bytes) == 0;
}

std::string family_name(int family) { return family == AF_INET6 ? "IPv6" : "IPv4"; }

std::string where(const std::string& netns) { return netns.empty() ? " on the host" : " in namespace " + netns; }

}  // namespace

std::string IpRoute::str() const {
  std::string text = dst.empty() ? "default" : dst + "/" + std::to_string(dst_len);
  if (!gateway.empty()) text += " via " + gateway;
  if (!dev.empty()) text += " dev " + dev;
  if (table != RT_TABLE_MAIN) text += " table " + std::to_string(table);
  if (metric) text += " metric " + std::to_string(metric);
  return text;
}

Result<std::vector<IpAddress>> Netlink::ip_addresses(const std::string& dev) {
  auto index = ifindex(dev);
  if (!index) return Error{"cannot list the addresses of " + dev + ": " + index.error().message};
  std::vector<IpAddress> out;
  int err = dump_addresses(AF_UNSPEC, [&](const ifaddrmsg& ifa, nlattr** tb) {
    if (static_cast<int>(ifa.ifa_index) != *index) return;
    if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) return;
    IpAddress a;
    a.family = ifa.ifa_family;
    a.prefix = ifa.ifa_prefixlen;
    a.scope = ifa.ifa_scope;
    a.flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa.ifa_flags;
    const std::string local = to_text(a.family, tb[IFA_LOCAL]);
    const std::string address = to_text(a.family, tb[IFA_ADDRESS]);
    a.local = local.empty() ? address : local;
    if (!local.empty() && !address.empty() && address != local) a.peer = address;
    a.broadcast = to_text(a.family, tb[IFA_BROADCAST]);
    if (tb[IFA_LABEL]) a.label = nla_get_string(tb[IFA_LABEL]);
    if (tb[IFA_CACHEINFO]) {
      ifa_cacheinfo ci;
      std::memcpy(&ci, nla_data(tb[IFA_CACHEINFO]), sizeof ci);
      a.valid_lft = ci.ifa_valid;
      a.preferred_lft = ci.ifa_prefered;
    }
    out.push_back(std::move(a));
  });
  if (err) return Error{"cannot list the addresses of " + describe_device("", dev, netns()) + ": " + std::strerror(err)};
  return out;
}

Status Netlink::add_ip_address(const std::string& dev, const IpAddress& a) {
  auto index = ifindex(dev);
  if (!index) return Error{"cannot add address " + a.str() + " to " + dev + ": " + index.error().message};
  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<unsigned char>(a.family);
  ifa.ifa_prefixlen = static_cast<unsigned char>(a.prefix);
  ifa.ifa_flags = static_cast<unsigned char>(a.flags & kSettableAddressFlags & 0xff);
  ifa.ifa_scope = static_cast<unsigned char>(a.scope);
  ifa.ifa_index = static_cast<unsigned>(*index);
  nl_msg* msg = new_message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifa);
  if (!msg) return Error{"out of memory"};
  bool ok = put_address(msg, IFA_LOCAL, a.family, a.local);
  if (a.family == AF_INET) ok = ok && put_address(msg, IFA_ADDRESS, a.family, a.peer.empty() ? a.local : a.peer);
  else if (!a.peer.empty()) ok = ok && put_address(msg, IFA_ADDRESS, a.family, a.peer);
  if (!a.broadcast.empty()) ok = ok && put_address(msg, IFA_BROADCAST, a.family, a.broadcast);
  if (a.family == AF_INET && !a.label.empty()) {
    // An alias label carries its device's name: "eth0:1" becomes "br0:1" on br0.
    const auto colon = a.label.find(':');
    std::string label = colon == std::string::npos ? dev : dev + a.label.substr(colon);
    if (label.size() < IFNAMSIZ) nla_put_string(msg, IFA_LABEL, label.c_str());
  }
  nla_put_u32(msg, IFA_FLAGS, a.flags & kSettableAddressFlags);
  if (a.valid_lft != IpAddress::kForever || a.preferred_lft != IpAddress::kForever) {
    ifa_cacheinfo ci{};
    ci.ifa_valid = a.valid_lft;
    ci.ifa_prefered = a.preferred_lft;
    nla_put(msg, IFA_CACHEINFO, sizeof ci, &ci);
  }
  if (!ok) {
    nlmsg_free(msg);
    return Error{"cannot add address " + a.str() + " to " + dev + ": it does not parse as " + family_name(a.family)};
  }
  if (int err = transact(msg)) {
    std::string reason = std::strerror(err);
    if (err == EEXIST) reason = "it is already there (" + reason + ")";
    return Error{"cannot add address " + a.str() + " to " + describe_device("", dev, netns()) + ": " + reason};
  }
  return {};
}

Status Netlink::del_ip_address(const std::string& dev, const IpAddress& a) {
  auto index = ifindex(dev);
  if (!index) return Error{"cannot delete address " + a.str() + " from " + dev + ": " + index.error().message};
  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<unsigned char>(a.family);
  ifa.ifa_prefixlen = static_cast<unsigned char>(a.prefix);
  ifa.ifa_index = static_cast<unsigned>(*index);
  nl_msg* msg = new_message(RTM_DELADDR, 0, ifa);
  if (!msg) return Error{"out of memory"};
  bool ok = put_address(msg, IFA_LOCAL, a.family, a.local);
  if (!a.peer.empty()) ok = ok && put_address(msg, IFA_ADDRESS, a.family, a.peer);
  if (!ok) {
    nlmsg_free(msg);
    return Error{"cannot delete address " + a.str() + ": it does not parse as " + family_name(a.family)};
  }
  int err = transact(msg);
  if (err == 0 || err == EADDRNOTAVAIL) return {};
  return Error{"cannot delete address " + a.str() + " from " + describe_device("", dev, netns()) + ": " +
               std::strerror(err)};
}

Result<std::vector<IpRoute>> Netlink::ip_routes() {
  auto links = list_links();
  if (!links) return links.error();
  std::map<int, std::string> names;
  for (const auto& l : *links) names[l.ifindex] = l.name;
  rtmsg header{};
  header.rtm_family = AF_UNSPEC;
  nl_msg* msg = new_message(RTM_GETROUTE, NLM_F_DUMP, header);
  if (!msg) return Error{"out of memory"};
  std::vector<IpRoute> out;
  int err = dump(msg, [&](nl_msg* answer) {
    nlmsghdr* h = nlmsg_hdr(answer);
    if (h->nlmsg_type != RTM_NEWROUTE) return;
    auto* rtm = static_cast<rtmsg*>(nlmsg_data(h));
    if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) return;
    if (rtm->rtm_flags & RTM_F_CLONED) return;  // a cache entry, not a route
    nlattr* tb[RTA_MAX + 1] = {};
    if (nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0) return;
    IpRoute r;
    r.family = rtm->rtm_family;
    r.table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    r.dst_len = rtm->rtm_dst_len;
    r.dst = to_text(r.family, tb[RTA_DST]);
    r.gateway = to_text(r.family, tb[RTA_GATEWAY]);
    r.prefsrc = to_text(r.family, tb[RTA_PREFSRC]);
    if (tb[RTA_OIF]) {
      const int oif = static_cast<int>(nla_get_u32(tb[RTA_OIF]));
      if (names.count(oif)) r.dev = names[oif];
    }
    r.metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
    r.protocol = rtm->rtm_protocol;
    r.scope = rtm->rtm_scope;
    r.type = rtm->rtm_type;
    r.tos = rtm->rtm_tos;
    r.flags = rtm->rtm_flags & RTNH_F_ONLINK;  // the rest is the kernel's view (linkdown, dead, offload)
    if (tb[RTA_PREF]) r.pref = nla_get_u8(tb[RTA_PREF]);
    r.multipath = tb[RTA_MULTIPATH] != nullptr || tb[RTA_NH_ID] != nullptr;
    if (tb[RTA_MULTIPATH]) {
      auto* nh = static_cast<rtnexthop*>(nla_data(tb[RTA_MULTIPATH]));
      int left = nla_len(tb[RTA_MULTIPATH]);
      while (RTNH_OK(nh, left)) {
        if (names.count(nh->rtnh_ifindex)) r.multipath_devs.push_back(names[nh->rtnh_ifindex]);
        left -= RTNH_ALIGN(nh->rtnh_len);
        nh = RTNH_NEXT(nh);
      }
    }
    if (tb[RTA_METRICS]) {
      nlattr* m;
      int rem;
      nla_for_each_nested(m, tb[RTA_METRICS], rem) {
        if (nla_type(m) != RTAX_CC_ALGO && nla_len(m) == 4) r.metrics[nla_type(m)] = nla_get_u32(m);
      }
    }
    out.push_back(std::move(r));
  });
  if (err) return Error{std::string("cannot list the routes") + where(netns()) + ": " + std::strerror(err)};
  return out;
}

namespace {

/// The request header and key attributes shared by replace and delete.
nl_msg* route_message(int type, int flags, const IpRoute& r, int oif, bool* ok) {
  rtmsg rtm{};
  rtm.rtm_family = static_cast<unsigned char>(r.family);
  rtm.rtm_dst_len = static_cast<unsigned char>(r.dst_len);
  rtm.rtm_tos = static_cast<unsigned char>(r.tos);
  rtm.rtm_table = static_cast<unsigned char>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
  rtm.rtm_protocol = static_cast<unsigned char>(type == RTM_DELROUTE ? 0 : r.protocol);
  rtm.rtm_scope = static_cast<unsigned char>(type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : r.scope);
  rtm.rtm_type = static_cast<unsigned char>(r.type);
  rtm.rtm_flags = r.flags;
  nl_msg* msg = new_message(type, flags, rtm);
  if (!msg) return nullptr;
  *ok = true;
  nla_put_u32(msg, RTA_TABLE, r.table);
  if (!r.dst.empty()) *ok = *ok && put_address(msg, RTA_DST, r.family, r.dst);
  if (!r.gateway.empty()) *ok = *ok && put_address(msg, RTA_GATEWAY, r.family, r.gateway);
  if (oif > 0) nla_put_u32(msg, RTA_OIF, static_cast<uint32_t>(oif));
  nla_put_u32(msg, RTA_PRIORITY, r.metric);
  return msg;
}

}  // namespace

Status Netlink::replace_ip_route(const IpRoute& r) {
  int oif = 0;
  if (!r.dev.empty()) {
    auto index = ifindex(r.dev);
    if (!index) return Error{"cannot add route " + r.str() + ": " + index.error().message};
    oif = *index;
  }
  bool ok = false;
  nl_msg* msg = route_message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r, oif, &ok);
  if (!msg) return Error{"out of memory"};
  if (!r.prefsrc.empty()) ok = ok && put_address(msg, RTA_PREFSRC, r.family, r.prefsrc);
  if (r.pref >= 0) nla_put_u8(msg, RTA_PREF, static_cast<uint8_t>(r.pref));
  if (!r.metrics.empty()) {
    nlattr* nest = nla_nest_start(msg, RTA_METRICS);
    for (const auto& [type, value] : r.metrics) nla_put_u32(msg, type, value);
    nla_nest_end(msg, nest);
  }
  if (!ok) {
    nlmsg_free(msg);
    return Error{"cannot add route " + r.str() + ": an address does not parse as " + family_name(r.family)};
  }
  if (int err = transact(msg)) {
    std::string reason = std::strerror(err);
    if (err == ENETUNREACH) reason = "the gateway is not on a connected network (" + reason + ")";
    return Error{"cannot add route " + r.str() + where(netns()) + ": " + reason};
  }
  return {};
}

Status Netlink::del_ip_route(const IpRoute& r) {
  int oif = 0;
  if (!r.dev.empty()) {
    auto index = ifindex(r.dev);
    if (!index) return {};  // its device is gone, and the route with it
    oif = *index;
  }
  bool ok = false;
  nl_msg* msg = route_message(RTM_DELROUTE, 0, r, oif, &ok);
  if (!msg) return Error{"out of memory"};
  if (!ok) {
    nlmsg_free(msg);
    return Error{"cannot delete route " + r.str() + ": an address does not parse as " + family_name(r.family)};
  }
  int err = transact(msg);
  if (err == 0 || err == ESRCH || err == ENOENT) return {};
  return Error{"cannot delete route " + r.str() + where(netns()) + ": " + std::strerror(err)};
}

std::vector<model::Cidr6> global_addresses6(const std::vector<IpAddress>& addresses) {
  std::vector<model::Cidr6> out;
  for (const auto& a : addresses) {
    if (a.family != AF_INET6 || a.scope != RT_SCOPE_UNIVERSE || (a.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
      continue;
    if (auto ip = model::Ipv6::parse(a.local)) out.push_back({*ip, a.prefix});
  }
  return out;
}

}  // namespace netlab::host
