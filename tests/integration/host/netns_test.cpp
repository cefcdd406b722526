// Named namespaces must be the same objects iproute2 sees.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "host_fixture.h"
#include "netlab/host/netns.h"
#include "netlab/host/netlink.h"
#include "netlab/host/sysctl.h"

namespace netlab::host::testing {
namespace {

using NetnsTest = HostTest;

bool ip_lists(const std::string& name) {
  auto list = ip_json({"-j", "netns", "list"});
  return std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.value("name", "") == name; });
}

TEST_F(NetnsTest, CreateIsSeenByIproute2AndDeleteRemovesIt) {
  std::string ns = make("a");
  EXPECT_TRUE(netns_exists(ns));
  auto names = list_netns();
  EXPECT_NE(std::find(names.begin(), names.end(), ns), names.end());
  EXPECT_TRUE(ip_lists(ns));
  // The loopback is up, and the namespace has nothing else.
  auto links = ip_json({"-n", ns, "-j", "link", "show"});
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0]["ifname"], "lo");
  auto flags = links[0]["flags"];
  EXPECT_NE(std::find(flags.begin(), flags.end(), "UP"), flags.end());

  ASSERT_TRUE(delete_netns(ns).ok());
  EXPECT_FALSE(netns_exists(ns));
  EXPECT_FALSE(ip_lists(ns));
  struct stat st {};
  EXPECT_NE(stat(netns_path(ns).c_str(), &st), 0);
}

/// The inode number of an identity ("<dev>:<inode>:<time>").
std::string inode_of(const std::string& identity) {
  const size_t first = identity.find(':');
  return identity.substr(first + 1, identity.find(':', first + 1) - first - 1);
}

TEST_F(NetnsTest, ANamespaceRecreatedUnderTheSameNameHasAnotherIdentityEvenWithTheSameInode) {
  std::string ns = make("reborn");
  const std::string made = netns_identity(ns);
  ASSERT_FALSE(made.empty());
  EXPECT_EQ(netns_identity(ns), made);  // stable while it lives
  EXPECT_TRUE(same_netns(made, netns_identity(ns)));
  // The kernel frees a deleted namespace's inode number once it has cleaned it
  // up, and gives it to the next one made: re-create until that happens (up to 10 s).
  std::string again;
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(delete_netns(ns).ok());
    ASSERT_TRUE(create_netns(ns).ok());
    again = netns_identity(ns);
    if (inode_of(again) == inode_of(made)) break;
    usleep(20000);
  }
  ASSERT_FALSE(again.empty());
  EXPECT_NE(again, made);
  EXPECT_FALSE(same_netns(made, again)) << made << " vs " << again;
  std::printf("figure: recreated namespace %s inode as the first (%s, then %s)\n",
              inode_of(again) == inode_of(made) ? "reused the" : "did not reuse the", made.c_str(), again.c_str());
}

TEST_F(NetnsTest, LoopbackCanStayDown) {
  std::string ns = adopt("lodown");
  ASSERT_TRUE(create_netns(ns, Loopback::down).ok());
  auto links = ip_json({"-n", ns, "-j", "link", "show", "lo"});
  ASSERT_EQ(links.size(), 1u);
  auto flags = links[0]["flags"];
  EXPECT_EQ(std::find(flags.begin(), flags.end(), "UP"), flags.end());
}

TEST_F(NetnsTest, Ipv6CanBeOffFromTheStart) {
  std::string ns = adopt("nov6");
  ASSERT_TRUE(create_netns(ns, Loopback::up, Ipv6::off).ok());
  auto off = get_sysctl(ns, "net/ipv6/conf/default/disable_ipv6");
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_EQ(*off, "1");
  EXPECT_EQ(*get_sysctl("", "net/ipv6/conf/default/disable_ipv6"), "0");
  // Devices made afterwards have IPv6 off (lo, made with the namespace, keeps ::1).
  ASSERT_EQ(run_quiet({"ip", "-n", ns, "link", "add", "v6a", "type", "veth", "peer", "name", "v6b"}), 0);
  ASSERT_EQ(run_quiet({"ip", "-n", ns, "link", "set", "v6a", "up"}), 0);
  EXPECT_EQ(*get_sysctl(ns, "net/ipv6/conf/v6a/disable_ipv6"), "1");
  std::string with_v6 = make("v6");
  EXPECT_EQ(*get_sysctl(with_v6, "net/ipv6/conf/default/disable_ipv6"), "0");
}

TEST_F(NetnsTest, TakenNameIsAnErrorAndKeepsTheFirst) {
  std::string ns = make("dup");
  Status again = create_netns(ns);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("nlt-hc-dup"), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find("already taken"), std::string::npos) << again.error().message;
  EXPECT_TRUE(netns_exists(ns));
}

TEST_F(NetnsTest, NamespacesMadeByIproute2AreUsable) {
  std::string ns = adopt("byip");
  ASSERT_EQ(run_quiet({"ip", "netns", "add", ns}), 0);
  EXPECT_TRUE(netns_exists(ns));
  auto nl = Netlink::open(ns);
  ASSERT_TRUE(nl.ok()) << nl.error().message;
  auto lo = nl->find_link("lo");
  ASSERT_TRUE(lo.ok());
  EXPECT_TRUE(lo->has_value());
  ASSERT_TRUE(delete_netns(ns).ok());
  EXPECT_FALSE(ip_lists(ns));
}

TEST_F(NetnsTest, BadNamesAndMissingNamespacesAreErrors) {
  EXPECT_FALSE(create_netns("nlt-hc-a/b").ok());
  EXPECT_FALSE(create_netns("..").ok());
  Status del = delete_netns("nlt-hc-missing");
  ASSERT_FALSE(del.ok());
  EXPECT_NE(del.error().message.find("does not exist"), std::string::npos) << del.error().message;
  auto fd = NetnsFd::open("nlt-hc-missing");
  ASSERT_FALSE(fd.ok());
  EXPECT_NE(fd.error().message.find("nlt-hc-missing"), std::string::npos);
  EXPECT_FALSE(in_netns("nlt-hc-missing", [] {}).ok());
}

TEST_F(NetnsTest, RunInNetnsSeesTheNamespaceAndLeavesTheCallerAlone) {
  std::string ns = make("run");
  auto outer = NetnsFd::open("");
  ASSERT_TRUE(outer.ok());
  struct stat before {};
  ASSERT_EQ(fstat(outer->get(), &before), 0);

  auto inode_inside = run_in_netns(ns, [] {
    struct stat st {};
    stat("/proc/thread-self/ns/net", &st);
    return st.st_ino;
  });
  ASSERT_TRUE(inode_inside.ok());
  struct stat named {};
  ASSERT_EQ(stat(netns_path(ns).c_str(), &named), 0);
  EXPECT_EQ(*inode_inside, named.st_ino);
  EXPECT_NE(*inode_inside, before.st_ino);

  struct stat after {};
  ASSERT_EQ(stat("/proc/thread-self/ns/net", &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);

  // Status and Result returns pass through unchanged.
  Status failed = run_in_netns(ns, [] { return Status(Error{"inner failure"}); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "inner failure");
  Result<int> value = run_in_netns(ns, [] { return Result<int>(7); });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
}

}  // namespace
}  // namespace netlab::host::testing
