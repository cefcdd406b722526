// Derived device names (netlab/model/names.h): readable where they fit, a stable
// hashed form otherwise, at most 15 bytes, never two alike within a lab.
#include "netlab/model/names.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace netlab::model {
namespace {

Topology lab_with(const std::string& name, const std::vector<std::string>& networks,
                  const std::vector<std::pair<std::string, size_t>>& guests) {
  Topology t;
  t.name = name;
  for (const auto& n : networks) {
    Network net;
    net.name = n;
    t.networks.push_back(net);
  }
  for (const auto& [g, nics] : guests) {
    Guest guest;
    guest.name = g;
    for (size_t i = 0; i < nics; ++i) {
      Nic nic;
      nic.network = networks.empty() ? "" : networks.front();
      guest.nics.push_back(nic);
    }
    t.guests.push_back(guest);
  }
  return t;
}

TEST(Names, NameRule) {
  EXPECT_TRUE(is_valid_name("kvm-networking-course"));
  EXPECT_TRUE(is_valid_name("Web_01"));
  EXPECT_TRUE(is_valid_name("1st"));
  EXPECT_TRUE(is_valid_name(std::string(40, 'a')));
  EXPECT_FALSE(is_valid_name(std::string(41, 'a')));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("-a"));
  EXPECT_FALSE(is_valid_name("_a"));
  EXPECT_FALSE(is_valid_name("a.b"));
  EXPECT_FALSE(is_valid_name("a b"));
  EXPECT_FALSE(is_valid_name("ä"));
}

TEST(Names, TheLabNameIsGuessedFromATopLevelNameLine) {
  EXPECT_EQ(guess_lab_name("# a lab\nname: demo\nnetworks: {}\n"), "demo");
  EXPECT_EQ(guess_lab_name("networks:\n  lan:\n    name: inner\nname: 'quoted'  # the lab\n"), "quoted");
  EXPECT_EQ(guess_lab_name("name: \"dq\"\r\n"), "dq");
  EXPECT_EQ(guess_lab_name("name:lab"), "lab");
  // No guess: none at the top level, an empty value, or one breaking the name rule.
  EXPECT_EQ(guess_lab_name("  name: indented\n"), "");
  EXPECT_EQ(guess_lab_name("{name: flow}"), "");
  EXPECT_EQ(guess_lab_name("name:\n"), "");
  EXPECT_EQ(guess_lab_name("name: ../etc\n"), "");
  EXPECT_EQ(guess_lab_name("name: a b\n"), "");
  EXPECT_EQ(guess_lab_name(""), "");
}

TEST(Names, ReadableFormWhereItFits) {
  // The names netlab always used: a lab made before derived names keeps them.
  Topology t = lab_with("nat", {"default"}, {{"g1", 2}});
  DeviceNames names(t);
  EXPECT_EQ(names.bridge(t.networks[0]), "nat-default");
  EXPECT_EQ(names.host_nic(t.guests[0], 0), "nat-g1-0");
  EXPECT_EQ(names.host_nic(t.guests[0], 1), "nat-g1-1");
  EXPECT_EQ(bridge_name(t, t.networks[0]), "nat-default");
  EXPECT_EQ(host_nic_name(t, t.guests[0], 1), "nat-g1-1");
  EXPECT_EQ(guest_namespace(t, t.guests[0]), "nat-g1");
}

TEST(Names, HashedFormIsStableAcrossRunsAndMachines) {
  Topology t = lab_with("kvm-networking-course", {"office-backbone"}, {{"webserver-frontend-01", 2}});
  DeviceNames names(t);
  // Fixed values: FNV-1a is defined on bytes, so these hold on every machine and compiler.
  EXPECT_EQ(names.bridge(t.networks[0]), hashed_bridge_name("kvm-networking-course", "office-backbone"));
  EXPECT_EQ(names.host_nic(t.guests[0], 0), hashed_host_nic_name("kvm-networking-course", "webserver-frontend-01", 0));
  EXPECT_EQ(hashed_bridge_name("kvm-networking-course", "office-backbone"), "nl832e48f2-br");
  EXPECT_EQ(hashed_host_nic_name("kvm-networking-course", "webserver-frontend-01", 0), "nl796bae42-0");
  EXPECT_EQ(hashed_host_nic_name("kvm-networking-course", "webserver-frontend-01", 12), "nla7e3b4ae-12");
  // Namespaces keep the full form: they have no 15-byte limit.
  EXPECT_EQ(guest_namespace(t, t.guests[0]), "kvm-networking-course-webserver-frontend-01");
}

TEST(Names, ExplicitNamesAreUsedAsGivenAndAvoided) {
  Topology t = lab_with("lab", {"a", "b"}, {{"g", 1}});
  t.networks[0].bridge = "lab-b";  // takes b's readable name
  t.networks[1].bridge = "";
  t.host.uplink = "lab-g-0";       // takes g's readable NIC name
  DeviceNames names(t);
  EXPECT_EQ(names.bridge(t.networks[0]), "lab-b");
  EXPECT_EQ(names.bridge(t.networks[1]), hashed_bridge_name("lab", "b"));
  EXPECT_EQ(names.host_nic(t.guests[0], 0), hashed_host_nic_name("lab", "g", 0));
}

TEST(Names, ReadableCollisionsResolvedDeterministically) {
  // Network "g-0" and guest "g" NIC 0 both read "l-g-0": the bridge keeps it, the NIC is hashed.
  Topology t = lab_with("l", {"g-0"}, {{"g", 1}});
  DeviceNames names(t);
  EXPECT_EQ(names.bridge(t.networks[0]), "l-g-0");
  EXPECT_EQ(names.host_nic(t.guests[0], 0), hashed_host_nic_name("l", "g", 0));
}

TEST(Names, IndependentOfDeclarationOrder) {
  Topology a = lab_with("order", {"n"}, {{"guest-number-one", 1}, {"guest-number-two", 1}});
  Topology b = lab_with("order", {"n"}, {{"guest-number-two", 1}, {"guest-number-one", 1}});
  DeviceNames na(a), nb(b);
  EXPECT_EQ(na.host_nic(a.guests[0], 0), nb.host_nic(b.guests[1], 0));
  EXPECT_EQ(na.host_nic(a.guests[1], 0), nb.host_nic(b.guests[0], 0));
}

TEST(Names, HundredThousandRandomLongNamesStayShortUniqueAndStable) {
  std::mt19937 rng(20261201);
  const std::string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  std::uniform_int_distribution<size_t> len(16, 40), pick(0, chars.size() - 1), nics(1, 3);
  std::set<std::string> used;
  std::vector<std::pair<std::string, size_t>> guests;
  while (guests.size() < 100000) {
    std::string name(1, 'g');
    for (size_t n = len(rng); name.size() < n;) name += chars[pick(rng)];
    if (used.insert(name).second) guests.push_back({name, nics(rng)});
  }
  std::vector<std::string> networks;
  for (int i = 0; i < 50; ++i) networks.push_back("network-with-a-long-name-" + std::to_string(i));
  Topology t = lab_with("a-lab-with-a-rather-long-name-for-a-course", networks, guests);
  DeviceNames first(t), again(t);
  std::set<std::string> seen;
  size_t count = 0, too_long = 0, unstable = 0;
  std::vector<std::string> duplicates;
  auto check = [&](const std::string& dev, const std::string& again_dev) {
    ++count;
    too_long += dev.size() > kMaxIfName;
    unstable += dev != again_dev;
    if (!seen.insert(dev).second) duplicates.push_back(dev);
  };
  for (const auto& net : t.networks) check(first.bridge(net), again.bridge(net));
  for (const auto& g : t.guests)
    for (size_t i = 0; i < g.nics.size(); ++i) check(first.host_nic(g, i), again.host_nic(g, i));
  EXPECT_EQ(too_long, 0u);
  EXPECT_EQ(unstable, 0u);
  EXPECT_EQ(duplicates, std::vector<std::string>{});
  EXPECT_GE(count, 100050u);
}

TEST(Names, AliasCarriesLabGuestAndNic) {
  EXPECT_EQ(link_alias("lab", nic_alias_part("web", "eth0")), "netlab:lab guest=web nic=eth0");
  EXPECT_EQ(link_alias("lab", bridge_alias_part("office")), "netlab:lab network=office");
  EXPECT_EQ(link_alias("lab", ""), "netlab:lab");
  EXPECT_EQ(lab_of_alias("netlab:lab guest=web nic=eth0"), "lab");
  EXPECT_EQ(lab_of_alias("netlab:lab"), "lab");  // the bare tag of labs made before
  EXPECT_EQ(lab_of_alias("something else"), std::nullopt);
  EXPECT_EQ(lab_of_alias("netlab:"), std::nullopt);
}

TEST(Names, FriendlyNextToKernelName) {
  EXPECT_EQ(with_friendly("nl3f9a2c1b-0", friendly_nic("web", "eth0")), "web:eth0 (nl3f9a2c1b-0)");
  EXPECT_EQ(with_friendly("eth0", ""), "eth0");
  EXPECT_EQ(with_friendly("", "network x"), "network x");
}

TEST(Names, NftTableNamesKeepTheOldFormAndNeverMeet) {
  EXPECT_EQ(nft_table_name("kvm-course"), "netlab_kvm_course");  // as before
  EXPECT_EQ(nft_table_name("kvm_course"), "netlab_kvm-course");
  EXPECT_NE(nft_table_name("a-b"), nft_table_name("a_b"));
}

// A light guest's logical port is its friendly name; a VM's a fixed UUID per
// lab, guest and NIC (libvirt's interfaceid), mapped back for status.
TEST(Names, OvnLogicalPortsOfVmsAreFixedUuids) {
  Topology t = lab_with("lab", {"net"}, {{"vm", 2}, {"light", 1}});
  t.guests[0].kind = GuestKind::kvm;
  const std::string a = ovn_logical_port(t, t.guests[0], 0);
  const std::string b = ovn_logical_port(t, t.guests[0], 1);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
  EXPECT_EQ(a, ovn_logical_port(t, t.guests[0], 0));  // the same on every call
  EXPECT_EQ(ovn_logical_port(t, t.guests[1], 0), "light:eth0");
  EXPECT_EQ(ovn_port_label(t, a), "vm:eth0");
  EXPECT_EQ(ovn_port_label(t, b), "vm:eth1");
  EXPECT_EQ(ovn_port_label(t, "light:eth0"), "light:eth0");
  EXPECT_EQ(ovn_port_label(t, "cr-lrp-x"), "cr-lrp-x");  // not a NIC of the lab
  Topology other = t;
  other.name = "lab2";
  EXPECT_NE(ovn_logical_port(other, other.guests[0], 0), a);
  EXPECT_EQ(uuid_from_name("k"), uuid_from_name("k"));
  EXPECT_NE(uuid_from_name("k"), uuid_from_name("k2"));
}

}  // namespace
}  // namespace netlab::model
