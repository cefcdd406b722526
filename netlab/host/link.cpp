// Creating and changing links: raw RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK
// requests, so that one request does as much as the kernel allows (a veth
// pair is created already enslaved and up, its peer directly in its namespace).
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "netlab/host/fd.h"
#include "netlab/host/netlink.h"
#include "netlab/host/netlink_util.h"
#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

Error failure(const std::string& action, const std::string& what, const std::string& dev, const std::string& netns,
              int err) {
  std::string reason = std::strerror(err);
  if (err == EEXIST && action == "create") reason = "the name is already taken (" + reason + ")";
  if (err == ENODEV && action != "create") reason = "no such device (" + reason + ")";
  return Error{"cannot " + action + " " + describe_device(what, dev, netns) + ": " + reason};
}

Status check_name(const std::string& what, const std::string& name, const std::string& netns) {
  if (name.empty() || name.size() >= IFNAMSIZ || name.find_first_of("/: \t\n") != std::string::npos)
    return Error{"cannot create " + describe_device(what, "'" + name + "'", netns) +
                 ": an interface name has 1 to 15 bytes and no '/', ':' or space"};
  return {};
}

/// ifinfomsg for RTM_NEWLINK/SETLINK, optionally setting IFF_UP.
ifinfomsg link_header(int index, bool up) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  if (up) {
    ifi.ifi_flags = IFF_UP;
    ifi.ifi_change = IFF_UP;
  }
  return ifi;
}

void put_mac(nl_msg* msg, int attr, const model::Mac& mac) { nla_put(msg, attr, 6, mac.bytes.data()); }

void put_ipv4(nl_msg* msg, int attr, model::Ipv4 ip) {
  uint32_t be = htonl(ip.value);
  nla_put(msg, attr, 4, &be);
}

}  // namespace

Status Netlink::create_bridge(const BridgeSpec& spec) {
  if (Status s = check_name("bridge", spec.name, netns_); !s) return s;
  nl_msg* msg = new_message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, link_header(0, spec.up));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, spec.name.c_str());
  if (spec.mtu > 0) nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
  if (spec.mac) put_mac(msg, IFLA_ADDRESS, *spec.mac);
  nlattr* info = nla_nest_start(msg, IFLA_LINKINFO);
  nla_put_string(msg, IFLA_INFO_KIND, "bridge");
  nlattr* data = nla_nest_start(msg, IFLA_INFO_DATA);
  nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, 0);
  nla_put_u32(msg, IFLA_BR_STP_STATE, 0);
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  if (int err = transact(msg)) return failure("create", "bridge", spec.name, netns_, err);
  // The kernel ignores IFLA_IFALIAS in a creating request: set it after.
  if (!spec.alias.empty()) return set_alias(spec.name, spec.alias);
  return {};
}

Status Netlink::create_veth(const VethSpec& spec) {
  if (Status s = check_name("veth", spec.name, netns_); !s) return s;
  const std::string& peer_ns = spec.peer_netns.empty() ? netns_ : spec.peer_netns;
  if (Status s = check_name("veth peer", spec.peer_name, peer_ns); !s) return s;
  int master_index = 0;
  if (!spec.master.empty()) {
    auto index = ifindex(spec.master);
    if (!index) return Error{"cannot create veth " + spec.name + " on bridge " + spec.master + ": " + index.error().message};
    master_index = *index;
  }
  NetnsFd peer_fd;
  if (!spec.peer_netns.empty()) {
    auto fd = NetnsFd::open(spec.peer_netns);
    if (!fd) return Error{"cannot create veth " + spec.name + ": " + fd.error().message};
    peer_fd = std::move(*fd);
  }
  nl_msg* msg = new_message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, link_header(0, spec.up));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, spec.name.c_str());
  if (spec.mtu > 0) nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
  if (spec.mac) put_mac(msg, IFLA_ADDRESS, *spec.mac);
  if (master_index > 0) nla_put_u32(msg, IFLA_MASTER, static_cast<uint32_t>(master_index));
  // One queue each way: without it the kernel makes one per CPU and then trims
  // them, waiting for an RCU grace period twice per pair (ms under load).
  nla_put_u32(msg, IFLA_NUM_TX_QUEUES, 1);
  nla_put_u32(msg, IFLA_NUM_RX_QUEUES, 1);
  nlattr* info = nla_nest_start(msg, IFLA_LINKINFO);
  nla_put_string(msg, IFLA_INFO_KIND, "veth");
  nlattr* data = nla_nest_start(msg, IFLA_INFO_DATA);
  nlattr* peer = nla_nest_start(msg, VETH_INFO_PEER);
  // The peer cannot be set up in this request: it would be opened before
  // its other end exists (veth_open fails with ENOTCONN). See below.
  ifinfomsg peer_header = link_header(0, false);
  nlmsg_append(msg, &peer_header, sizeof peer_header, NLMSG_ALIGNTO);
  nla_put_string(msg, IFLA_IFNAME, spec.peer_name.c_str());
  if (spec.mtu > 0) nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
  if (spec.peer_mac) put_mac(msg, IFLA_ADDRESS, *spec.peer_mac);
  nla_put_u32(msg, IFLA_NUM_TX_QUEUES, 1);
  nla_put_u32(msg, IFLA_NUM_RX_QUEUES, 1);
  if (peer_fd.valid()) nla_put_u32(msg, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_fd.get()));
  nla_nest_end(msg, peer);
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  if (int err = transact(msg)) {
    Error e = failure("create", "veth", spec.name, netns_, err);
    if (err == EEXIST) e.message += " (or its peer " + spec.peer_name + (peer_ns.empty() ? "" : " in " + peer_ns) + ")";
    return e;
  }
  if (!spec.alias.empty()) {
    if (Status s = set_alias(spec.name, spec.alias); !s) return s;
  }
  if (spec.peer_up) {
    if (spec.peer_netns.empty()) return set_up(spec.peer_name);
    auto peer_nl = Netlink::open(spec.peer_netns);
    if (!peer_nl) return Error{"cannot set up veth peer " + spec.peer_name + ": " + peer_nl.error().message};
    return peer_nl->set_up(spec.peer_name);
  }
  return {};
}

Status Netlink::create_tap(const std::string& name, const std::string& alias) {
  if (Status s = check_name("tap", name, netns_); !s) return s;
  // TUNSETIFF on an existing tap would attach to it instead of failing.
  auto existing = find_link(name);
  if (!existing) return existing.error();
  if (existing->has_value()) return failure("create", "tap", name, netns_, EEXIST);
  int err = 0;
  Status entered = in_netns(netns_, [&] {
    // The device is created in the namespace of the thread opening /dev/net/tun.
    Fd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (!tun.valid()) {
      err = errno;
      return;
    }
    ifreq req{};
    std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
    req.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(tun.get(), TUNSETIFF, &req) != 0 || ioctl(tun.get(), TUNSETPERSIST, 1) != 0) err = errno;
  });
  if (!entered) return Error{"cannot create tap " + name + ": " + entered.error().message};
  if (err) return failure("create", "tap", name, netns_, err);
  if (!alias.empty()) return set_alias(name, alias);
  return {};
}

Status Netlink::create_macvtap(const MacvlanSpec& spec, const std::string& alias) {
  if (Status s = create_macvlan_kind("macvtap", spec); !s) return s;
  if (!alias.empty() && spec.netns.empty()) return set_alias(spec.name, alias);
  return {};
}

Status Netlink::create_macvlan(const MacvlanSpec& spec) { return create_macvlan_kind("macvlan", spec); }

Status Netlink::create_macvlan_kind(const char* kind, const MacvlanSpec& spec) {
  const std::string& where = spec.netns.empty() ? netns_ : spec.netns;
  if (Status s = check_name(kind, spec.name, where); !s) return s;
  auto lower_index = ifindex(spec.lower);
  if (!lower_index) return Error{std::string("cannot create ") + kind + " " + spec.name + ": " + lower_index.error().message};
  NetnsFd target;
  if (!spec.netns.empty()) {
    auto fd = NetnsFd::open(spec.netns);
    if (!fd) return Error{std::string("cannot create ") + kind + " " + spec.name + ": " + fd.error().message};
    target = std::move(*fd);
  }
  nl_msg* msg = new_message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, link_header(0, false));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, spec.name.c_str());
  nla_put_u32(msg, IFLA_LINK, static_cast<uint32_t>(*lower_index));
  if (spec.mtu > 0) nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
  if (spec.mac) put_mac(msg, IFLA_ADDRESS, *spec.mac);
  if (target.valid()) nla_put_u32(msg, IFLA_NET_NS_FD, static_cast<uint32_t>(target.get()));
  nlattr* info = nla_nest_start(msg, IFLA_LINKINFO);
  nla_put_string(msg, IFLA_INFO_KIND, kind);
  nlattr* data = nla_nest_start(msg, IFLA_INFO_DATA);
  nla_put_u32(msg, IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  if (int err = transact(msg)) return failure("create", kind, spec.name, where, err);
  return {};
}

Status Netlink::create_vxlan(const VxlanSpec& spec) {
  if (Status s = check_name("vxlan", spec.name, netns_); !s) return s;
  int lower_index = 0;
  if (!spec.lower.empty()) {
    auto index = ifindex(spec.lower);
    if (!index) return Error{"cannot create vxlan " + spec.name + ": " + index.error().message};
    lower_index = *index;
  }
  nl_msg* msg = new_message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, link_header(0, false));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, spec.name.c_str());
  if (spec.mtu > 0) nla_put_u32(msg, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
  nlattr* info = nla_nest_start(msg, IFLA_LINKINFO);
  nla_put_string(msg, IFLA_INFO_KIND, "vxlan");
  nlattr* data = nla_nest_start(msg, IFLA_INFO_DATA);
  nla_put_u32(msg, IFLA_VXLAN_ID, spec.vni);
  if (spec.remote) put_ipv4(msg, IFLA_VXLAN_GROUP, *spec.remote);
  if (spec.local) put_ipv4(msg, IFLA_VXLAN_LOCAL, *spec.local);
  if (lower_index > 0) nla_put_u32(msg, IFLA_VXLAN_LINK, static_cast<uint32_t>(lower_index));
  uint16_t port = htons(spec.port);
  nla_put(msg, IFLA_VXLAN_PORT, sizeof port, &port);
  nla_nest_end(msg, data);
  nla_nest_end(msg, info);
  if (int err = transact(msg)) return failure("create", "vxlan", spec.name, netns_, err);
  if (!spec.alias.empty()) return set_alias(spec.name, spec.alias);
  return {};
}

Status Netlink::change_link(const std::string& dev, const std::string& what, const std::function<void(nl_msg*)>& fill,
                            unsigned flags_set, unsigned flags_change) {
  ifinfomsg ifi = link_header(0, false);
  ifi.ifi_flags = flags_set;
  ifi.ifi_change = flags_change;
  nl_msg* msg = new_message(RTM_SETLINK, 0, ifi);
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, dev.c_str());
  if (fill) fill(msg);
  if (int err = transact(msg)) {
    Error e = failure(what, "", dev, netns_, err);
    return e;
  }
  return {};
}

Status Netlink::set_master(const std::string& dev, const std::string& bridge) {
  auto index = ifindex(bridge);
  if (!index) return Error{"cannot attach " + dev + " to " + bridge + ": " + index.error().message};
  int master = *index;
  return change_link(dev, "attach to " + bridge, [master](nl_msg* m) {
    nla_put_u32(m, IFLA_MASTER, static_cast<uint32_t>(master));
  });
}

Status Netlink::set_nomaster(const std::string& dev) {
  return change_link(dev, "detach from its master", [](nl_msg* m) { nla_put_u32(m, IFLA_MASTER, 0); });
}

Status Netlink::set_up(const std::string& dev) { return change_link(dev, "set up", nullptr, IFF_UP, IFF_UP); }

Status Netlink::set_down(const std::string& dev) { return change_link(dev, "set down", nullptr, 0, IFF_UP); }

Status Netlink::set_mtu(const std::string& dev, int mtu) {
  return change_link(dev, "set the MTU " + std::to_string(mtu) + " of", [mtu](nl_msg* m) {
    nla_put_u32(m, IFLA_MTU, static_cast<uint32_t>(mtu));
  });
}

Status Netlink::set_mac(const std::string& dev, const model::Mac& mac) {
  return change_link(dev, "set the MAC " + mac.str() + " of", [&mac](nl_msg* m) { put_mac(m, IFLA_ADDRESS, mac); });
}

Status Netlink::set_alias(const std::string& dev, const std::string& alias) {
  return change_link(dev, "set the alias '" + alias + "' of", [&alias](nl_msg* m) {
    // An empty IFLA_IFALIAS removes the alias.
    nla_put(m, IFLA_IFALIAS, static_cast<int>(alias.size()), alias.data());
  });
}

Status Netlink::set_no_ipv6_addresses(const std::string& dev) {
  return change_link(dev, "stop IPv6 address generation on", [](nl_msg* m) {
    nlattr* af_spec = nla_nest_start(m, IFLA_AF_SPEC);
    nlattr* inet6 = nla_nest_start(m, AF_INET6);
    nla_put_u8(m, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
    nla_nest_end(m, inet6);
    nla_nest_end(m, af_spec);
  });
}

Status Netlink::rename(const std::string& dev, const std::string& new_name) {
  if (Status s = check_name("", new_name, netns_); !s) return s;
  auto index = ifindex(dev);
  if (!index) return Error{"cannot rename " + dev + ": " + index.error().message};
  nl_msg* msg = new_message(RTM_SETLINK, 0, link_header(*index, false));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, new_name.c_str());
  forget(dev);
  if (int err = transact(msg)) return failure("rename to " + new_name, "", dev, netns_, err);
  return {};
}

Status Netlink::move_to_netns(const std::string& dev, const std::string& netns) {
  auto fd = NetnsFd::open(netns);
  if (!fd) return Error{"cannot move " + dev + ": " + fd.error().message};
  int nsfd = fd->get();
  forget(dev);
  return change_link(dev, "move to namespace " + netns + " the", [nsfd](nl_msg* m) {
    nla_put_u32(m, IFLA_NET_NS_FD, static_cast<uint32_t>(nsfd));
  });
}

Status Netlink::delete_link(const std::string& name) {
  nl_msg* msg = new_message(RTM_DELLINK, 0, link_header(0, false));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, IFLA_IFNAME, name.c_str());
  forget(name);
  if (int err = transact(msg)) return failure("delete", "", name, netns_, err);
  return {};
}

}  // namespace netlab::host
