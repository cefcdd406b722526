// A dual-stack lab in the planner and apply(), without root: the IPv6 steps
// (bridge and sandbox addresses, forwarding, routes back upstream, dnsmasq's
// router advertisements, guests' static addresses, DHCPv6 clients and SLAAC
// waits), the nft
// rules per nat66, an IPv4-only lab left as it was, and idempotency.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_host.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/planner.h"
#include "netlab/state/journal.h"
#include "netlab/state/lab_state.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

using model::Cidr6;
using model::Ipv6;

model::Topology dual_lab(bool nat66 = false, bool slaac = false) {
  model::Topology t;
  t.name = "dual";
  auto net = make_network("lan", model::NetworkMode::nat, "192.168.150.0/24");
  net.dhcp = model::Dhcp{*model::Ipv4::parse("192.168.150.100"), *model::Ipv4::parse("192.168.150.199")};
  model::Ipv6Net v6;
  v6.subnet = Cidr6::parse("fd00:10::/64");
  if (slaac) v6.slaac = true;
  else v6.dhcp = model::Dhcp6{*Ipv6::parse("fd00:10::100"), *Ipv6::parse("fd00:10::1ff")};
  v6.nat66 = nat66;
  net.ipv6 = v6;
  t.networks.push_back(net);
  t.guests.push_back(make_guest("g1", "lan", "dhcp"));
  auto g3 = make_guest("g333", "lan", "192.168.150.10/24");
  g3.nics[0].address6 = Cidr6::parse("fd00:10::10/64");
  t.guests.push_back(g3);
  return t;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(Ipv6Plan, DualStackNatLabStepsInTheSandbox) {
  FakeObserved observed;
  auto steps = make(dual_lab(), sandbox_target("dual"), observed);
  auto lines = describe_all(steps);
  // IPv6 stays on in the sandbox of a dual-stack lab.
  auto namespaces = all_of<CreateNetns>(steps);
  ASSERT_GE(namespaces.size(), 2u);
  EXPECT_EQ(namespaces[0].name, "dual-host");
  EXPECT_FALSE(namespaces[0].ipv6_off);
  EXPECT_FALSE(namespaces[1].ipv6_off);
  EXPECT_TRUE(has(lines, "set net/ipv6/conf/all/forwarding=1 in dual-host")) << ::testing::PrintToString(lines);
  EXPECT_TRUE(has(lines, "set net/ipv6/conf/all/forwarding=1 in dual-wan"));
  // The upstream: the WAN link, the remote server, and the way back to the routed prefix.
  EXPECT_TRUE(has(lines, "add address 2001:db8:0:ff::2/64 to eth0 in dual-host"));
  EXPECT_TRUE(has(lines, "add address 2001:db8:100::1/128 to lo in dual-wan"));
  EXPECT_TRUE(has(lines, "add route default via 2001:db8:0:ff::1 dev eth0 in dual-host"));
  EXPECT_TRUE(has(lines, "add route fd00:10::/64 via 2001:db8:0:ff::2 dev wan0 in dual-wan"));
  // The bridge holds the gateway; dnsmasq advertises the prefix and serves DHCPv6.
  EXPECT_TRUE(has(lines, "add address fd00:10::1/64 to dual-lan in dual-host"));
  auto dns = all_of<StartDnsmasq>(steps);
  ASSERT_EQ(dns.size(), 1u);
  ASSERT_TRUE(dns[0].config.ipv6);
  EXPECT_EQ(dns[0].config.ipv6->listen_address.str(), "fd00:10::1");
  EXPECT_EQ(dns[0].config.ipv6->range_start->str(), "fd00:10::100");
  EXPECT_TRUE(dns[0].config.ipv6->advertise_router);
  // Routed IPv6 in the lab's table, no IPv6 masquerade.
  auto nft = all_of<ApplyNft>(steps);
  ASSERT_EQ(nft.size(), 1u);
  EXPECT_NE(nft[0].ruleset.find("ip6 saddr fd00:10::/64"), std::string::npos);
  EXPECT_EQ(nft[0].ruleset.find("ip6 saddr fd00:10::/64 ip6 daddr != fd00:10::/64"), std::string::npos);
  // Guests keep IPv6 on their NIC; the static one gets its address and route, the other waits for SLAAC.
  for (const auto& v : all_of<CreateVeth>(steps)) {
    if (v.peer_netns.rfind("dual-g", 0) == 0) {
      EXPECT_TRUE(v.peer_ipv6) << v.peer_netns;
    }
  }
  EXPECT_TRUE(has(lines, "set net/ipv6/conf/eth0/accept_dad=0 in dual-g1"));
  EXPECT_TRUE(has(lines, "add address fd00:10::10/64 to eth0 in dual-g333"));
  EXPECT_TRUE(has(lines, "set net/ipv6/conf/eth0/autoconf=0 in dual-g333"));  // no SLAAC address beside it
  EXPECT_TRUE(has(lines, "add route default via fd00:10::1 dev eth0 in dual-g333"));
  // The DHCP guest runs a DHCPv6 client for the range, and makes no SLAAC address beside its lease.
  EXPECT_TRUE(has(lines, "set net/ipv6/conf/eth0/autoconf=0 in dual-g1"));
  EXPECT_TRUE(all_of<AwaitAddress6>(steps).empty());
  auto leases = all_of<ObtainLease6>(steps);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].netns, "dual-g1");
  EXPECT_EQ(leases[0].device, "eth0");
  EXPECT_EQ(leases[0].run_dir, "/run/netlab/dual");
  EXPECT_EQ(leases[0].prefix, 64);
  EXPECT_TRUE(leases[0].await_router);  // a nat network: the advertisement's default route is awaited too
  EXPECT_TRUE(has(lines, "obtain a DHCPv6 lease in fd00:10::100-fd00:10::1ff for g1 on eth0 (dhclient -6 in dual-g1, left "
                         "running), and wait for its default route"))
      << ::testing::PrintToString(lines);
  // The lab owns the client by its pid file, recognised by its lease file.
  auto owned = owned_object(Action{leases[0]});
  ASSERT_TRUE(owned);
  EXPECT_EQ(owned->kind, state::ObjectKind::process);
  EXPECT_EQ(owned->name, "/run/netlab/dual/dhclient6/dual-g1.eth0.pid");
  EXPECT_EQ(owned->detail, "/run/netlab/dual/dhclient6/dual-g1.eth0.leases");
}

TEST(Ipv6Plan, SlaacNetworkWaitsForTheKernelsAddress) {
  FakeObserved observed;
  auto steps = make(dual_lab(false, true), sandbox_target("dual"), observed);
  auto lines = describe_all(steps);
  EXPECT_FALSE(has(lines, "set net/ipv6/conf/eth0/autoconf=0 in dual-g1"));
  EXPECT_TRUE(all_of<ObtainLease6>(steps).empty());
  auto waits = all_of<AwaitAddress6>(steps);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].netns, "dual-g1");
  EXPECT_EQ(waits[0].subnet.str(), "fd00:10::/64");
  EXPECT_TRUE(waits[0].await_router);
}

TEST(Ipv6Plan, AnIsolatedNetworkAdvertisesNoRouterSoNoDefaultRouteIsAwaited) {
  for (bool slaac : {false, true}) {
    auto topo = dual_lab(false, slaac);
    topo.networks[0].mode = model::NetworkMode::isolated;
    FakeObserved observed;
    auto steps = make(topo, sandbox_target("dual"), observed);
    for (const auto& s : all_of<ObtainLease6>(steps)) EXPECT_FALSE(s.await_router);
    for (const auto& s : all_of<AwaitAddress6>(steps)) EXPECT_FALSE(s.await_router);
    EXPECT_EQ(all_of<ObtainLease6>(steps).size() + all_of<AwaitAddress6>(steps).size(), 1u) << slaac;
    for (const auto& line : describe_all(steps)) EXPECT_EQ(line.find("default route"), std::string::npos) << line;
  }
}

TEST(Ipv6Plan, Dhcp6ClientIsNeededWhenGoneOrItsAddressLeftTheRange) {
  const ObtainLease6 step{"dual-g1", "eth0", "g1", "/run/netlab/dual", *Ipv6::parse("fd00:10::100"),
                          *Ipv6::parse("fd00:10::1ff"), 64};
  const auto files = host::dhcp6_client_files(step.run_dir, step.netns, step.device);
  FakeObserved observed;
  EXPECT_TRUE(needed(Action{step}, observed));  // nothing there
  observed.process_pid_files.insert(files.pid);
  EXPECT_TRUE(needed(Action{step}, observed));  // running, but no address yet
  observed.addrs6[{"dual-g1", "eth0"}] = {*Cidr6::parse("fd00:10::5054:ff:fe00:1/64")};
  EXPECT_TRUE(needed(Action{step}, observed));  // an address of the prefix, not of the range
  observed.addrs6[{"dual-g1", "eth0"}].push_back(*Cidr6::parse("fd00:10::1a0/64"));
  EXPECT_FALSE(needed(Action{step}, observed));  // running and leased
  observed.process_pid_files.erase(files.pid);
  EXPECT_TRUE(needed(Action{step}, observed));  // the client died: drift
}

TEST(Ipv6Plan, Dhcp6RangeIsPartOfTheGuestsDigest) {
  auto digest = [](const model::Topology& t) {
    const Desired d = desired_of(t, sandbox_target("dual"));
    return step_digests(d.steps, d.owners).at("g1");
  };
  auto moved = dual_lab();
  moved.networks[0].ipv6->dhcp->range_end = *Ipv6::parse("fd00:10::17f");
  EXPECT_NE(digest(dual_lab()), digest(moved));
  EXPECT_NE(digest(dual_lab()), digest(dual_lab(false, true)));
  EXPECT_EQ(digest(dual_lab()), digest(dual_lab()));
}

TEST(Ipv6Plan, RemovedGuestsClientIsStoppedBeforeItsNamespaceGoes) {
  FakeObserved observed;
  const auto target = sandbox_target("dual");
  const auto files = host::dhcp6_client_files(target.run_dir, "dual-g1", "eth0");
  Owned owned = described_by(dual_lab(), target);
  owned.objects.push_back({state::ObjectKind::netns, "", "dual-g1", ""});
  owned.objects.push_back({state::ObjectKind::process, "dual-g1", files.pid, files.leases});
  observed.namespaces.insert("dual-g1");
  observed.process_pid_files.insert(files.pid);
  auto without = dual_lab();
  without.guests.erase(without.guests.begin());  // g1 goes
  auto steps = make(without, target, observed, owned);
  std::vector<std::string> removed;
  for (const auto& r : all_of<RemoveObject>(steps)) removed.push_back(state::to_string(r.object.kind) + std::string(" ") + r.object.name);
  ASSERT_EQ(removed.size(), 2u) << ::testing::PrintToString(removed);
  EXPECT_EQ(removed[0], "process " + files.pid);  // a process keeps its namespace alive: it goes first
  EXPECT_EQ(removed[1], "netns dual-g1");
}

TEST(Ipv6Plan, Nat66MasqueradesAndNeedsNoRouteUpstream) {
  FakeObserved observed;
  auto steps = make(dual_lab(true), sandbox_target("dual"), observed);
  auto lines = describe_all(steps);
  EXPECT_FALSE(has(lines, "add route fd00:10::/64 via 2001:db8:0:ff::2 dev wan0 in dual-wan"));
  auto nft = all_of<ApplyNft>(steps);
  ASSERT_EQ(nft.size(), 1u);
  EXPECT_NE(nft[0].ruleset.find("ip6 saddr fd00:10::/64 ip6 daddr != fd00:10::/64 oifname \"eth0\" counter masquerade"),
            std::string::npos)
      << nft[0].ruleset;
}

TEST(Ipv6Plan, Ipv4OnlyLabKeepsIpv6Off) {
  FakeObserved observed;
  auto steps = make(nat_lab(), sandbox_target("nat"), observed);
  for (const auto& n : all_of<CreateNetns>(steps)) {
    if (n.name == "nat-host" || n.name == "nat-wan") {
      EXPECT_TRUE(n.ipv6_off) << n.name;
    }
  }
  for (const auto& v : all_of<CreateVeth>(steps)) EXPECT_FALSE(v.peer_ipv6);
  EXPECT_TRUE(all_of<AddAddress6>(steps).empty());
  EXPECT_TRUE(all_of<AwaitAddress6>(steps).empty());
  for (const auto& line : describe_all(steps)) EXPECT_EQ(line.find("ipv6"), std::string::npos) << line;
}

TEST(Ipv6Plan, ApplyBuildsItAndASecondPlanIsEmpty) {
  ScratchRunDir dir;
  ASSERT_TRUE(dir.ok());
  FakeObserved observed;
  FakeHost host(observed);
  host.lease_address = *model::Cidr::parse("192.168.150.100/24");  // a lease in the lab's own subnet
  host.slaac_address = *Cidr6::parse("fd00:10::5054:ff:fe00:1/64");
  host.lease6_address = *Cidr6::parse("fd00:10::1a0/64");  // in the DHCPv6 range
  host.advertised_route_after = 3;  // the advertisement's default route comes after the lease
  const auto steps = make(dual_lab(), sandbox_target("dual"), observed);
  state::remove_lab_dir("dual");
  auto journal = state::Journal::open("dual");
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  auto result = apply(steps, *journal, host);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& w = host.writes;
  // The guests' NICs keep IPv6; the sandbox's own devices of an IPv4-only lab would not.
  EXPECT_EQ(std::find(w.begin(), w.end(), "set_no_ipv6_addresses dual-g1/eth0"), w.end());
  // The bridge's address comes before dnsmasq, which binds to it.
  auto at = [&](const std::string& prefix) {
    return std::find_if(w.begin(), w.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
  };
  EXPECT_LT(at("add_address6 dual-host/dual-lan fd00:10::1/64"), at("start_dnsmasq dual-host/lan"));
  // Per-device settings go with their device: not journalled for restoring.
  for (const auto& o : state::read_journal("dual")) EXPECT_EQ(o.name.find("accept_dad"), std::string::npos) << o.name;
  // The DHCPv6 client is journalled before it starts, after the link it runs on is up.
  const auto files = host::dhcp6_client_files("/run/netlab/dual", "dual-g1", "eth0");
  const auto journal_objects = state::read_journal("dual");
  EXPECT_NE(std::find(journal_objects.begin(), journal_objects.end(),
                      state::OwnedObject{state::ObjectKind::process, "dual-g1", files.pid, files.leases}),
            journal_objects.end());
  EXPECT_LT(at("set_up dual-g1/eth0"), at("start_dhcp6_client dual-g1/eth0"));
  // The step returned only once the guest could route IPv6 out: it read until the route came.
  EXPECT_EQ(host.default_route6_reads, 4);
  for (const auto& s : make(dual_lab(), sandbox_target("dual"), observed)) ADD_FAILURE() << describe(s);
  state::remove_lab_dir("dual");
}

}  // namespace
}  // namespace netlab::plan
