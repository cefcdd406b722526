#include "netlab/host/lease_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace netlab::host {
namespace {

TEST(LeaseFile, ParsesDnsmasqLines) {
  // As dnsmasq 2.90 writes them (a lease with a hostname and client id, one without).
  std::string text =
      "1767225600 52:54:00:12:34:56 192.168.100.77 guest1 01:52:54:00:12:34:56\n"
      "0 0a:1b:2c:3d:4e:5f 192.168.100.5 * *\n";
  std::vector<Lease> leases = parse_leases(text);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].expiry, 1767225600);
  EXPECT_EQ(leases[0].mac.str(), "52:54:00:12:34:56");
  EXPECT_EQ(leases[0].ip.str(), "192.168.100.77");
  EXPECT_EQ(leases[0].hostname, "guest1");
  EXPECT_EQ(leases[0].client_id, "01:52:54:00:12:34:56");
  EXPECT_EQ(leases[1].expiry, 0);  // infinite lease
  EXPECT_EQ(leases[1].hostname, "");
  EXPECT_EQ(leases[1].client_id, "");
}

TEST(LeaseFile, SkipsIpv6DuidMalformedAndCutLines) {
  std::string text =
      "duid 00:01:00:01:2c:5e:1a:2b:52:54:00:00:00:01\n"
      "1767225600 1234 fd00::10 host6 00:01:00:01\n"
      "garbage line\n"
      "-5 52:54:00:00:00:01 192.168.100.2 * *\n"
      "1767225600 52:54:00:00:00:02 192.168.100.300 * *\n"
      "1767225600 52:54:00:00:00:03 192.168.100.3 ok *\n"
      "1767225600 52:54:00:00:00:04 192.168.10";  // cut by a concurrent rewrite
  std::vector<Lease> leases = parse_leases(text);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].ip.str(), "192.168.100.3");
  EXPECT_EQ(leases[0].hostname, "ok");
}

TEST(LeaseFile, EmptyTextNoLeases) { EXPECT_TRUE(parse_leases("").empty()); }

TEST(LeaseFile, ReadsAFileAndReportsAMissingOne) {
  char path[] = "/tmp/netlab-host-leases-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  { std::ofstream(path) << "1767225600 52:54:00:00:00:09 10.0.0.9 g9 *\n"; }
  Result<std::vector<Lease>> leases = read_leases(path);
  unlink(path);
  ASSERT_TRUE(leases.ok()) << leases.error().message;
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].hostname, "g9");
  Result<std::vector<Lease>> missing = read_leases(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace netlab::host
