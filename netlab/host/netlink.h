#pragma once
// Links, addresses and routes of one network namespace over rtnetlink
// (libnl-3 / libnl-route-3). A Netlink object owns one NETLINK_ROUTE socket
// opened inside its namespace; every call acts on that namespace only.
// Errors name the device and carry the kernel's errno text.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/impairment.h"
#include "netlab/model/result.h"

struct nl_sock;
struct nl_msg;
struct nlattr;
struct ifaddrmsg;

namespace netlab::host {

/// One network device as the kernel reports it.
struct LinkInfo {
  std::string name;
  int ifindex = 0;
  /// IFLA_INFO_KIND: "bridge", "veth", "tun", "macvtap", "openvswitch", "vxlan"...
  /// "" for devices without one (lo, physical NICs).
  std::string kind;
  std::string alias;
  /// The bridge (or other master) this device is enslaved to; "" if none.
  std::string master;
  int master_ifindex = 0;
  /// For veth and macvtap: the ifindex of the peer / lower device (IFLA_LINK),
  /// possibly in another namespace; 0 if none.
  int link_ifindex = 0;
  bool up = false;  // IFF_UP (administratively up)
  int mtu = 0;
  std::string mac;  // lower-case "aa:bb:..", "" if none
  /// RFC 2863 operational state: "up", "down", "lowerlayerdown", "unknown", ...
  std::string oper_state;
};

/// An IPv4 address on a device.
struct AddressInfo {
  std::string dev;
  int ifindex = 0;
  model::Cidr cidr;
};

/// An IPv4 route of the main table.
struct RouteSpec {
  /// Destination block; nullopt = the default route (0.0.0.0/0).
  std::optional<model::Cidr> dest;
  /// Next hop; nullopt = directly connected over `dev`.
  std::optional<model::Ipv4> gateway;
  /// Output device; "" lets the kernel pick it from the gateway.
  std::string dev;
  /// Route metric (RTA_PRIORITY); 0 = none.
  int metric = 0;
};

/// A route read back from the kernel (main table, IPv4, unicast).
struct RouteInfo {
  std::optional<model::Cidr> dest;  // nullopt for default
  std::optional<model::Ipv4> gateway;
  std::string dev;
  int metric = 0;
  std::string protocol;  // "kernel", "boot", "static", "dhcp", or a number
};

/// An IPv4 or IPv6 address with everything it takes to recreate it exactly
/// (host/ip_config.cpp): what a host NIC holds before it joins a bridge.
struct IpAddress {
  int family = 0;         // AF_INET or AF_INET6
  std::string local;      // "203.0.113.50", "2001:db8::50"
  std::string peer;       // a point-to-point peer (IFA_ADDRESS != IFA_LOCAL); "" = none
  std::string broadcast;  // IPv4 IFA_BROADCAST; "" = none
  int prefix = 0;
  int scope = 0;          // RT_SCOPE_*
  uint32_t flags = 0;     // IFA_F_* (IFA_FLAGS)
  std::string label;      // IPv4 IFA_LABEL ("eth0", "eth0:1"); "" for IPv6
  /// Seconds left (IFA_CACHEINFO); kForever = no limit.
  uint32_t valid_lft = kForever, preferred_lft = kForever;
  static constexpr uint32_t kForever = 0xffffffffu;
  /// "203.0.113.50/24", "2001:db8::50/64".
  std::string str() const { return local + "/" + std::to_string(prefix); }
  bool operator==(const IpAddress&) const = default;
};

/// An IPv4 or IPv6 route of any table, with everything it takes to recreate it.
struct IpRoute {
  int family = 0;
  uint32_t table = 254;   // RT_TABLE_MAIN
  std::string dst;        // "" = default
  int dst_len = 0;
  std::string gateway;    // "" = none (directly connected)
  std::string prefsrc;    // RTA_PREFSRC; "" = none
  std::string dev;        // output device; "" = none (blackhole, unreachable...)
  uint32_t metric = 0;    // RTA_PRIORITY
  int protocol = 0;       // RTPROT_*
  int scope = 0;          // RT_SCOPE_*
  int type = 0;           // RTN_*
  int tos = 0;
  uint32_t flags = 0;     // RTNH_F_* / RTM_F_* of rtm_flags (onlink...)
  std::map<int, uint32_t> metrics;  // RTA_METRICS: RTAX_MTU, RTAX_ADVMSS... (numeric ones)
  int pref = -1;                    // IPv6 RTA_PREF (router preference); -1 = none
  /// A route with several next hops (RTA_MULTIPATH) or a nexthop object
  /// (RTA_NH_ID): not recreated by replace_ip_route (see uplink_move.h).
  bool multipath = false;
  std::vector<std::string> multipath_devs;  // the devices of its next hops
  /// "default via 203.0.113.1 dev eth0 table 254 metric 0".
  std::string str() const;
  bool operator==(const IpRoute&) const = default;
};

/// The root queueing discipline of one device (RTM_GETQDISC), with the
/// kernel's own counters of what it sent and dropped.
struct QdiscInfo {
  std::string device;
  int ifindex = 0;
  std::string kind;  // "netem", "noqueue", "pfifo_fast", "fq_codel", "mq", ...
  std::optional<model::Impairment> netem;  // its parameters when kind is "netem"
  uint64_t bytes = 0, packets = 0;         // sent (TCA_STATS_BASIC)
  uint32_t drops = 0, overlimits = 0, requeues = 0, qlen = 0, backlog = 0;  // TCA_STATS_QUEUE
};
/// The global IPv6 addresses among `addresses` (scope universe), leaving out
/// tentative ones and those whose duplicate address detection failed.
std::vector<model::Cidr6> global_addresses6(const std::vector<IpAddress>& addresses);

/// A Linux bridge to create.
struct BridgeSpec {
  std::string name;
  int mtu = 0;  // 0 = kernel default
  std::string alias;
  std::optional<model::Mac> mac;
  /// Created with STP off and forward delay 0 (ports forward at once), like libvirt.
  bool up = false;
};

/// A veth pair to create: `name` here, `peer_name` in `peer_netns`.
struct VethSpec {
  std::string name;
  std::string peer_name;
  /// Named namespace of the peer; "" = this Netlink's namespace.
  std::string peer_netns;
  std::string alias;  // of `name` (the peer's namespace tags the peer)
  int mtu = 0;        // both ends; 0 = default
  std::optional<model::Mac> mac;
  std::optional<model::Mac> peer_mac;
  /// Enslave `name` to this bridge at creation ("" = none).
  std::string master;
  bool up = false;  // set `name` up at creation
  /// Set the peer up after creation (the kernel cannot do it in the creating
  /// request). For a peer in another namespace this opens a socket there;
  /// a caller that holds a Netlink of that namespace anyway saves that by
  /// calling set_up(peer_name) on it instead.
  bool peer_up = false;
};

/// A macvlan or macvtap (bridge mode) on `lower`, created directly in namespace
/// `netns`: a guest's NIC straight on a host NIC (a macvlan inside a light
/// guest, a macvtap for a VM to open), libvirt's `type='direct'`.
struct MacvlanSpec {
  std::string name;
  std::string lower;  // in this Netlink's namespace
  std::string netns;  // where the device is created; "" = here
  std::optional<model::Mac> mac;
  int mtu = 0;
};

/// A VXLAN device to create.
struct VxlanSpec {
  std::string name;
  uint32_t vni = 0;
  std::optional<model::Ipv4> remote;  // unicast peer; nullopt = learning only
  std::optional<model::Ipv4> local;
  std::string lower;  // underlay device, "" = none
  uint16_t port = 4789;
  std::string alias;
  int mtu = 0;
};

/// One rtnetlink socket in one network namespace. Move-only; closes on destruction.
class Netlink {
 public:
  /// Opens a socket inside the named namespace ("" = the caller's).
  static Result<Netlink> open(const std::string& netns);

  Netlink(Netlink&&) noexcept;
  Netlink& operator=(Netlink&&) noexcept;
  Netlink(const Netlink&) = delete;
  Netlink& operator=(const Netlink&) = delete;
  ~Netlink();

  /// The namespace this socket acts on ("" = the opener's).
  const std::string& netns() const { return netns_; }

  // ---- creating links (each fails when the name is taken) -------------------
  Status create_bridge(const BridgeSpec& spec);
  /// Creates the pair in one request; the peer is created directly in
  /// spec.peer_netns (IFLA_NET_NS_FD), never in this namespace first.
  Status create_veth(const VethSpec& spec);
  /// A persistent tap device (TUNSETIFF + TUNSETPERSIST inside the namespace),
  /// ready for qemu/libvirt to attach to.
  Status create_tap(const std::string& name, const std::string& alias = "");
  /// A macvtap in bridge mode on spec.lower, in one request with its MAC and MTU.
  /// The alias is set when the device is made here (spec.netns "").
  Status create_macvtap(const MacvlanSpec& spec, const std::string& alias = "");
  /// A macvlan in bridge mode on spec.lower, made directly in spec.netns (its
  /// alias must be set from there).
  Status create_macvlan(const MacvlanSpec& spec);
  Status create_vxlan(const VxlanSpec& spec);

  // ---- changing links -----------------------------------------------------
  Status set_master(const std::string& dev, const std::string& bridge);
  Status set_nomaster(const std::string& dev);
  Status set_up(const std::string& dev);
  Status set_down(const std::string& dev);
  Status set_mtu(const std::string& dev, int mtu);
  Status set_mac(const std::string& dev, const model::Mac& mac);
  Status set_alias(const std::string& dev, const std::string& alias);
  /// IPv6 address generation "none" (IN6_ADDR_GEN_MODE_NONE): once up, the device
  /// gets no link-local address and so sends no router solicitation, DAD or MLD.
  /// Per device, over netlink: cheaper than a per-namespace disable_ipv6 sysctl,
  /// whose /proc/sys lookup grows with the number of namespaces. Set it before up.
  Status set_no_ipv6_addresses(const std::string& dev);
  Status rename(const std::string& dev, const std::string& new_name);
  /// Moves dev into another named namespace (it loses its addresses there).
  Status move_to_netns(const std::string& dev, const std::string& netns);
  /// Deletes dev (for a veth, its peer goes too). Error when it does not exist.
  Status delete_link(const std::string& name);

  // ---- addresses and routes -------------------------------------------------
  /// Adds an IPv4 address with its broadcast; Error if it is already there.
  Status add_address(const std::string& dev, const model::Cidr& cidr);
  Status del_address(const std::string& dev, const model::Cidr& cidr);
  Result<std::vector<model::Cidr>> list_addresses(const std::string& dev);
  /// Every IPv4 address of the namespace. Device names come from `links` when
  /// given (an empty list leaves them "", the ifindex set), else from a dump of
  /// the links: in a namespace of thousands of veths that dump costs the most.
  Result<std::vector<AddressInfo>> list_all_addresses(const std::vector<LinkInfo>* links = nullptr);
  Status add_route(const RouteSpec& route);
  Status del_route(const RouteSpec& route);
  /// The IPv4 unicast routes of the main table; device names as list_all_addresses.
  Result<std::vector<RouteInfo>> list_routes(const std::vector<LinkInfo>* links = nullptr);
  /// The route the kernel would use for a packet to dst (RTM_GETROUTE, as
  /// `ip route get`): its output device and gateway; `dest` is dst itself.
  /// Error when the kernel has none (e.g. "Network is unreachable").
  Result<RouteInfo> route_to(model::Ipv4 dst);

  // ---- addresses and routes of both families, exactly (ip_config.cpp) -------
  /// Every IPv4 and IPv6 address of dev, in the kernel's order (an IPv4
  /// primary before its secondaries).
  Result<std::vector<IpAddress>> ip_addresses(const std::string& dev);
  /// Adds `address` to dev as it is (flags, scope, lifetimes, label). An
  /// IPv4 label naming another device is renamed to dev's ("eth0:1" -> "br0:1").
  Status add_ip_address(const std::string& dev, const IpAddress& address);
  /// Removes it from dev; success when it is not there.
  Status del_ip_address(const std::string& dev, const IpAddress& address);
  /// Every IPv4 and IPv6 route of every table.
  Result<std::vector<IpRoute>> ip_routes();
  /// Creates `route`, or replaces the one with its key (table, destination,
  /// tos/metric) in one request: a default route moves from one device to
  /// another without a moment when there is none.
  Status replace_ip_route(const IpRoute& route);
  /// Deletes `route`; success when it is not there.
  Status del_ip_route(const IpRoute& route);

  // ---- reading links --------------------------------------------------------
  Result<std::vector<LinkInfo>> list_links();
  /// The device named `name`, or nullopt when there is none.
  Result<std::optional<LinkInfo>> find_link(const std::string& name);
  /// The ifindex of `name` (asked of the kernel once, then remembered until
  /// this object deletes or renames it).
  Result<int> ifindex(const std::string& name);
  /// Makes the kernel finish dev's pending carrier work now. A device whose
  /// carrier just came on (a veth whose peer went up, a bridge whose first port
  /// forwards) drops what it is asked to send until the kernel's link watcher
  /// has run for it, up to a second later under load. Asking for the one device
  /// (RTM_GETLINK, Linux 5.17 or later) runs that work for it synchronously, so
  /// a lab whose links were settled carries traffic at once. No-op when nothing
  /// is pending; Error when dev does not exist.
  Status settle(const std::string& dev);

  // ---- root qdiscs: link impairment (qdisc.cpp) -------------------------------
  /// Makes a netem qdisc with `imp` dev's root qdisc, in one RTM_NEWQDISC
  /// (create or replace): every parameter is set, none kept from before.
  Status set_netem(const std::string& dev, const model::Impairment& imp);
  /// Removes dev's root qdisc when it is netem (the kernel's default comes
  /// back); success when it is not netem. Error when dev does not exist.
  Status clear_netem(const std::string& dev);
  /// The root qdisc of every device of the namespace; device names as list_all_addresses.
  Result<std::vector<QdiscInfo>> root_qdiscs(const std::vector<LinkInfo>* links = nullptr);

 private:
  Netlink(nl_sock* sock, std::string netns);
  /// create_macvlan and create_macvtap: the same request, `kind` "macvlan" or "macvtap".
  Status create_macvlan_kind(const char* kind, const MacvlanSpec& spec);
  /// How the kernel ends its answer to a request: ACK, or NLMSG_DONE for a dump.
  enum class Ending { ack, done };
  /// Sends msg (consumed) and hands each answer to on_answer until the
  /// answer's end (or an error message); returns 0 or a positive errno.
  int exchange(nl_msg* msg, const std::function<void(nl_msg*)>& on_answer, Ending ending);
  /// Sends msg (consumed), waits for the kernel's ack; returns 0 or a
  /// positive errno. Each answer that comes before the ack (e.g. the route
  /// of an RTM_GETROUTE) goes to on_answer.
  int transact(nl_msg* msg, const std::function<void(nl_msg*)>& on_answer = {}) {
    return exchange(msg, on_answer, Ending::ack);
  }
  /// Sends a dump request (consumed) and hands each answer to on_answer until
  /// the kernel's NLMSG_DONE; returns 0 or a positive errno.
  int dump(nl_msg* msg, const std::function<void(nl_msg*)>& on_answer) {
    return exchange(msg, on_answer, Ending::done);
  }
  /// Dumps the addresses of `family` (AF_UNSPEC: all) and hands each one's
  /// header and parsed attributes (IFA_MAX + 1 of them) to on_address; returns
  /// 0 or a positive errno.
  int dump_addresses(unsigned char family, const std::function<void(const ifaddrmsg&, nlattr**)>& on_address);
  /// Sets a link attribute by name (RTM_NEWLINK without CREATE); see link.cpp.
  Status change_link(const std::string& dev, const std::string& what,
                     const std::function<void(nl_msg*)>& fill, unsigned flags_set = 0, unsigned flags_change = 0);
  Status change_address(int type, const std::string& dev, const model::Cidr& cidr);
  Status change_route(int type, const RouteSpec& route);
  void forget(const std::string& name) { indexes_.erase(name); }

  nl_sock* sock_ = nullptr;
  std::string netns_;
  std::map<std::string, int> indexes_;
};

/// "the bridge br0 in namespace lab-host" style prefix for messages.
std::string describe_device(const std::string& what, const std::string& dev, const std::string& netns);

}  // namespace netlab::host
