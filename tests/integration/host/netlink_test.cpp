// Links, addresses and routes made through Netlink, checked with the real `ip`.
#include <algorithm>

#include "host_fixture.h"
#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"
#include "netlab/host/process.h"

namespace netlab::host::testing {
namespace {

using NetlinkTest = HostTest;
using namespace std::chrono_literals;
using model::Cidr;
using model::Ipv4;
using model::Mac;

bool has_flag(const nlohmann::json& link, const std::string& flag) {
  const auto& flags = link["flags"];
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

nlohmann::json ip_link(const std::string& ns, const std::string& dev) {
  auto j = ip_json({"-n", ns, "-d", "-j", "link", "show", "dev", dev});
  return j.empty() ? nlohmann::json::object() : j[0];
}

Netlink open_or_fail(const std::string& ns) {
  auto nl = Netlink::open(ns);
  if (!nl) throw std::runtime_error(nl.error().message);
  return std::move(*nl);
}

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    auto status_ = (expr);                                \
    ASSERT_TRUE(status_.ok()) << status_.error().message; \
  } while (0)

// The whole light-guest plumbing: a bridge with the gateway address in a
// "host" namespace, a veth whose peer sits in a "guest" namespace, addresses,
// a default route, and a ping over it.
TEST_F(NetlinkTest, BridgeVethAddressesRouteAndPing) {
  std::string host = make("host");
  std::string guest = make("guest");
  Netlink h = open_or_fail(host);
  ASSERT_OK(h.create_bridge(
      {.name = "hcbr0", .mtu = 1400, .alias = "netlab:hc", .mac = Mac::parse("52:54:00:aa:00:01"), .up = true}));
  ASSERT_OK(h.add_address("hcbr0", *Cidr::parse("10.251.0.1/24")));
  ASSERT_OK(h.create_veth({.name = "hc-g1-0",
                           .peer_name = "eth0",
                           .peer_netns = guest,
                           .alias = "netlab:hc",
                           .mtu = 1400,
                           .peer_mac = Mac::parse("52:54:00:aa:00:10"),
                           .master = "hcbr0",
                           .up = true,
                           .peer_up = true}));
  Netlink g = open_or_fail(guest);
  ASSERT_OK(g.add_address("eth0", *Cidr::parse("10.251.0.10/24")));
  ASSERT_OK(g.add_route({.gateway = Ipv4::parse("10.251.0.1"), .dev = "eth0"}));

  // What ip sees in the host namespace.
  auto br = ip_link(host, "hcbr0");
  EXPECT_EQ(br["mtu"], 1400);
  EXPECT_EQ(br["address"], "52:54:00:aa:00:01");
  EXPECT_EQ(br["ifalias"], "netlab:hc");
  EXPECT_TRUE(has_flag(br, "UP"));
  EXPECT_EQ(br["linkinfo"]["info_kind"], "bridge");
  EXPECT_EQ(br["linkinfo"]["info_data"]["stp_state"], 0);
  EXPECT_EQ(br["linkinfo"]["info_data"]["forward_delay"], 0);
  auto port = ip_link(host, "hc-g1-0");
  EXPECT_EQ(port["master"], "hcbr0");
  EXPECT_EQ(port["ifalias"], "netlab:hc");
  EXPECT_TRUE(has_flag(port, "UP"));
  EXPECT_EQ(port["linkinfo"]["info_kind"], "veth");
  auto addrs = ip_json({"-n", host, "-j", "addr", "show", "dev", "hcbr0"});
  ASSERT_EQ(addrs.size(), 1u);
  bool found = false;
  for (const auto& a : addrs[0]["addr_info"])
    if (a["family"] == "inet" && a["local"] == "10.251.0.1" && a["prefixlen"] == 24) {
      found = true;
      EXPECT_EQ(a["broadcast"], "10.251.0.255");
    }
  EXPECT_TRUE(found);

  // ... and in the guest namespace.
  auto eth0 = ip_link(guest, "eth0");
  EXPECT_EQ(eth0["address"], "52:54:00:aa:00:10");
  EXPECT_EQ(eth0["mtu"], 1400);
  EXPECT_TRUE(has_flag(eth0, "UP"));
  auto routes = ip_json({"-n", guest, "-j", "route", "show", "default"});
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]["gateway"], "10.251.0.1");
  EXPECT_EQ(routes[0]["dev"], "eth0");
  // Nothing leaked into the host namespace on the way.
  EXPECT_NE(run_quiet({"ip", "-n", host, "link", "show", "dev", "eth0"}), 0);

  SpawnOptions in_guest;
  in_guest.netns = guest;
  auto ping = run({"busybox", "ping", "-c1", "-W2", "10.251.0.1"}, in_guest, 10s);
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ(ping->exit_code, 0) << ping->out << ping->err;

  // Reading back through Netlink.
  auto found_port = h.find_link("hc-g1-0");
  ASSERT_TRUE(found_port.ok());
  ASSERT_TRUE(found_port->has_value());
  const LinkInfo& info = **found_port;
  EXPECT_EQ(info.kind, "veth");
  EXPECT_EQ(info.master, "hcbr0");
  EXPECT_EQ(info.alias, "netlab:hc");
  EXPECT_TRUE(info.up);
  EXPECT_EQ(info.mtu, 1400);
  EXPECT_EQ(info.oper_state, "up");
  auto links = h.list_links();
  ASSERT_TRUE(links.ok());
  auto bridge_it = std::find_if(links->begin(), links->end(), [](const LinkInfo& l) { return l.name == "hcbr0"; });
  ASSERT_NE(bridge_it, links->end());
  EXPECT_EQ(bridge_it->kind, "bridge");
  EXPECT_EQ(bridge_it->mac, "52:54:00:aa:00:01");
  auto guest_addrs = g.list_addresses("eth0");
  ASSERT_TRUE(guest_addrs.ok());
  ASSERT_EQ(guest_addrs->size(), 1u);
  EXPECT_EQ((*guest_addrs)[0].str(), "10.251.0.10/24");
  auto guest_routes = g.list_routes();
  ASSERT_TRUE(guest_routes.ok());
  auto def = std::find_if(guest_routes->begin(), guest_routes->end(), [](const RouteInfo& r) { return !r.dest; });
  ASSERT_NE(def, guest_routes->end());
  ASSERT_TRUE(def->gateway.has_value());
  EXPECT_EQ(def->gateway->str(), "10.251.0.1");
  EXPECT_EQ(def->dev, "eth0");

  // The kernel's own choice of route (as `ip route get`), on the subnet and beyond it.
  auto on_link = g.route_to(*Ipv4::parse("10.251.0.1"));
  ASSERT_TRUE(on_link.ok()) << on_link.error().message;
  EXPECT_EQ(on_link->dev, "eth0");
  EXPECT_FALSE(on_link->gateway.has_value());
  auto beyond = g.route_to(*Ipv4::parse("198.51.100.7"));
  ASSERT_TRUE(beyond.ok()) << beyond.error().message;
  EXPECT_EQ(beyond->dev, "eth0");
  ASSERT_TRUE(beyond->gateway.has_value());
  EXPECT_EQ(beyond->gateway->str(), "10.251.0.1");
  EXPECT_EQ(beyond->dest->str(), "198.51.100.7/32");

  // Taking things apart again (the requests after route_to get their own acks).
  ASSERT_OK(g.del_route({.gateway = Ipv4::parse("10.251.0.1"), .dev = "eth0"}));
  auto nowhere = g.route_to(*Ipv4::parse("198.51.100.7"));
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.error().message.find("no route to 198.51.100.7 in namespace " + guest), std::string::npos)
      << nowhere.error().message;
  EXPECT_NE(nowhere.error().message.find("unreachable"), std::string::npos) << nowhere.error().message;
  ASSERT_OK(g.del_address("eth0", *Cidr::parse("10.251.0.10/24")));
  EXPECT_TRUE(ip_json({"-n", guest, "-j", "route", "show", "default"}).empty());
  ASSERT_OK(h.delete_link("hc-g1-0"));  // the peer goes with it
  EXPECT_TRUE(ip_json({"-n", guest, "-j", "link", "show", "type", "veth"}).empty());
}

// Settled links report their carrier even in a dump (which does not settle
// anything itself) and carry the very first packet sent over them.
TEST_F(NetlinkTest, SettledLinksAreOperationallyUpAndCarryTheFirstPacket) {
  std::string host = make("host");
  std::string guest = make("guest");
  Netlink h = open_or_fail(host);
  ASSERT_OK(h.create_bridge({.name = "hsbr0", .up = true}));
  ASSERT_OK(h.add_address("hsbr0", *Cidr::parse("10.252.0.1/24")));
  ASSERT_OK(h.create_veth(
      {.name = "hs-g1-0", .peer_name = "eth0", .peer_netns = guest, .master = "hsbr0", .up = true, .peer_up = true}));
  Netlink g = open_or_fail(guest);
  ASSERT_OK(g.add_address("eth0", *Cidr::parse("10.252.0.10/24")));
  ASSERT_OK(h.settle("hsbr0"));
  ASSERT_OK(h.settle("hs-g1-0"));
  ASSERT_OK(g.settle("eth0"));

  auto links = h.list_links();
  ASSERT_TRUE(links.ok()) << links.error().message;
  for (const char* name : {"hsbr0", "hs-g1-0"}) {
    auto it = std::find_if(links->begin(), links->end(), [&](const LinkInfo& l) { return l.name == name; });
    ASSERT_NE(it, links->end()) << name;
    EXPECT_EQ(it->oper_state, "up") << name;
  }
  SpawnOptions in_host;
  in_host.netns = host;
  auto ping = run({"busybox", "ping", "-c1", "-W1", "10.252.0.10"}, in_host, 10s);
  ASSERT_TRUE(ping.ok()) << ping.error().message;
  EXPECT_EQ(ping->exit_code, 0) << ping->out << ping->err;

  auto missing = h.settle("hs-nothing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("hs-nothing"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos) << missing.error().message;
}

TEST_F(NetlinkTest, TakenNamesAndMissingDevicesAreNamedInErrors) {
  std::string ns = make("err");
  Netlink nl = open_or_fail(ns);
  ASSERT_OK(nl.create_bridge({.name = "hcbr0"}));
  Status again = nl.create_bridge({.name = "hcbr0"});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("hcbr0"), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find("already taken"), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find(ns), std::string::npos) << again.error().message;

  Status veth = nl.create_veth({.name = "hcbr0", .peer_name = "x0"});
  ASSERT_FALSE(veth.ok());
  EXPECT_NE(veth.error().message.find("already taken"), std::string::npos) << veth.error().message;
  Status tap = nl.create_tap("hcbr0");
  ASSERT_FALSE(tap.ok());
  EXPECT_NE(tap.error().message.find("already taken"), std::string::npos) << tap.error().message;

  Status up = nl.set_up("nosuchdev");
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.error().message.find("nosuchdev"), std::string::npos) << up.error().message;
  Status addr = nl.add_address("nosuchdev", *Cidr::parse("10.0.0.1/24"));
  ASSERT_FALSE(addr.ok());
  EXPECT_NE(addr.error().message.find("nosuchdev"), std::string::npos) << addr.error().message;
  Status master = nl.set_master("hcbr0", "nosuchbr");
  ASSERT_FALSE(master.ok());
  EXPECT_NE(master.error().message.find("nosuchbr"), std::string::npos) << master.error().message;
  Status del = nl.delete_link("nosuchdev");
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.error().message.find("nosuchdev"), std::string::npos) << del.error().message;
  Status long_name = nl.create_bridge({.name = "a-name-longer-than-15"});
  ASSERT_FALSE(long_name.ok());
  EXPECT_NE(long_name.error().message.find("15 bytes"), std::string::npos) << long_name.error().message;

  ASSERT_OK(nl.add_address("hcbr0", *Cidr::parse("10.252.0.1/24")));
  Status dup_addr = nl.add_address("hcbr0", *Cidr::parse("10.252.0.1/24"));
  ASSERT_FALSE(dup_addr.ok());
  EXPECT_NE(dup_addr.error().message.find("already there"), std::string::npos) << dup_addr.error().message;
  Status unreachable = nl.add_route({.gateway = Ipv4::parse("10.99.0.1")});
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.error().message.find("10.99.0.1"), std::string::npos) << unreachable.error().message;
}

TEST_F(NetlinkTest, TapAndMacvtap) {
  std::string ns = make("tap");
  Netlink nl = open_or_fail(ns);
  ASSERT_OK(nl.create_bridge({.name = "hcbr0", .up = true}));
  ASSERT_OK(nl.create_tap("hc-vnet0", "netlab:hc"));
  ASSERT_OK(nl.set_master("hc-vnet0", "hcbr0"));
  ASSERT_OK(nl.set_up("hc-vnet0"));
  auto tap = ip_link(ns, "hc-vnet0");
  EXPECT_EQ(tap["linkinfo"]["info_kind"], "tun");
  EXPECT_EQ(tap["linkinfo"]["info_data"]["type"], "tap");
  EXPECT_EQ(tap["master"], "hcbr0");
  EXPECT_EQ(tap["ifalias"], "netlab:hc");
  // Persistent: it survives the fd that made it and is not in the root namespace.
  EXPECT_EQ(run_quiet({"ip", "link", "show", "dev", "hc-vnet0"}), 1);

  // macvtap needs a lower device: a veth pair inside the namespace stands in for the NIC.
  ASSERT_OK(nl.create_veth({.name = "hc-nic", .peer_name = "hc-lan"}));
  ASSERT_OK(nl.create_macvtap({.name = "hc-mvt0", .lower = "hc-nic"}, "netlab:hc"));
  auto mvt = ip_link(ns, "hc-mvt0");
  EXPECT_EQ(mvt["linkinfo"]["info_kind"], "macvtap");
  EXPECT_EQ(mvt["linkinfo"]["info_data"]["mode"], "bridge");
  EXPECT_EQ(mvt["link"], "hc-nic");
  EXPECT_EQ(mvt["ifalias"], "netlab:hc");
  auto info = nl.find_link("hc-mvt0");
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->kind, "macvtap");

  ASSERT_OK(nl.create_vxlan({.name = "hc-vx0", .vni = 42, .remote = Ipv4::parse("10.253.0.2"), .alias = "netlab:hc"}));
  auto vx = ip_link(ns, "hc-vx0");
  EXPECT_EQ(vx["linkinfo"]["info_kind"], "vxlan");
  EXPECT_EQ(vx["linkinfo"]["info_data"]["id"], 42);
  EXPECT_EQ(vx["linkinfo"]["info_data"]["remote"], "10.253.0.2");
  EXPECT_EQ(vx["linkinfo"]["info_data"]["port"], 4789);

  ASSERT_OK(nl.delete_link("hc-vnet0"));
  ASSERT_OK(nl.delete_link("hc-mvt0"));
  EXPECT_FALSE(nl.find_link("hc-vnet0")->has_value());
}

TEST_F(NetlinkTest, ChangesOnExistingLinks) {
  std::string ns = make("chg");
  std::string other = make("chg2");
  Netlink nl = open_or_fail(ns);
  ASSERT_OK(nl.create_bridge({.name = "hcbr0"}));
  ASSERT_OK(nl.create_veth({.name = "hc-v0", .peer_name = "hc-v1"}));
  ASSERT_OK(nl.set_master("hc-v0", "hcbr0"));
  EXPECT_EQ(ip_link(ns, "hc-v0")["master"], "hcbr0");
  ASSERT_OK(nl.set_nomaster("hc-v0"));
  EXPECT_FALSE(ip_link(ns, "hc-v0").contains("master"));
  ASSERT_OK(nl.set_mtu("hc-v0", 1300));
  ASSERT_OK(nl.set_mac("hc-v0", *Mac::parse("52:54:00:bb:00:01")));
  ASSERT_OK(nl.set_alias("hc-v0", "netlab:x"));
  ASSERT_OK(nl.set_up("hc-v0"));
  auto v0 = ip_link(ns, "hc-v0");
  EXPECT_EQ(v0["mtu"], 1300);
  EXPECT_EQ(v0["address"], "52:54:00:bb:00:01");
  EXPECT_EQ(v0["ifalias"], "netlab:x");
  EXPECT_TRUE(has_flag(v0, "UP"));
  ASSERT_OK(nl.set_down("hc-v0"));
  EXPECT_FALSE(has_flag(ip_link(ns, "hc-v0"), "UP"));
  ASSERT_OK(nl.rename("hc-v0", "hc-v0new"));
  EXPECT_TRUE(nl.find_link("hc-v0new")->has_value());
  EXPECT_FALSE(nl.find_link("hc-v0")->has_value());
  ASSERT_OK(nl.set_up("hc-v0new"));
  ASSERT_OK(nl.move_to_netns("hc-v1", other));
  EXPECT_FALSE(nl.find_link("hc-v1")->has_value());
  EXPECT_FALSE(ip_json({"-n", other, "-j", "link", "show", "dev", "hc-v1"}).empty());
  ASSERT_OK(nl.add_address("hc-v0new", *Cidr::parse("10.254.0.1/24")));
  ASSERT_OK(nl.add_route({.dest = Cidr::parse("10.254.8.0/22"), .gateway = Ipv4::parse("10.254.0.9"), .metric = 50}));
  auto routes = ip_json({"-n", ns, "-j", "route", "show", "10.254.8.0/22"});
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]["gateway"], "10.254.0.9");
  EXPECT_EQ(routes[0]["dev"], "hc-v0new");
  EXPECT_EQ(routes[0]["metric"], 50);
}

}  // namespace
}  // namespace netlab::host::testing
