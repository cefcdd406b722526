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

TEST(LeaseFile, ParsesIpv6LeasesAfterTheDuidLine) {
  // As dnsmasq wrote it here for dhclient -6 (DUID-LLT, then -D LL), beside an IPv4 lease.
  std::string text =
      "1796150000 52:54:00:12:34:56 192.168.100.77 a *\n"
      "duid 00:01:00:01:32:a1:c2:2e:de:2a:94:56:10:d7\n"
      "1796150213 2799381663 fd00:99::1f5 * 00:01:00:01:32:a1:c2:33:4a:16:a6:db:2c:9f\n"
      "0 T12 fd00:99::1a0 b 0:3:0:1:52:54:0:12:34:56\n"
      "1796150213 notanumber fd00:99::1f6 * *\n"
      "1796150213 7 192.168.1.1 * *\n"
      "1796150213 8 fd00:99::1f7 * *";  // cut: no newline yet
  std::vector<Lease6> leases = parse_leases6(text);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].expiry, 1796150213);
  EXPECT_EQ(leases[0].iaid, 2799381663u);
  EXPECT_FALSE(leases[0].temporary);
  EXPECT_EQ(leases[0].ip.str(), "fd00:99::1f5");
  EXPECT_EQ(leases[0].hostname, "");
  EXPECT_EQ(leases[0].duid, "00:01:00:01:32:a1:c2:33:4a:16:a6:db:2c:9f");
  EXPECT_EQ(leases[1].expiry, 0);
  EXPECT_TRUE(leases[1].temporary);
  EXPECT_EQ(leases[1].iaid, 12u);
  EXPECT_EQ(leases[1].hostname, "b");
  // The IPv4 reader still sees only its own line.
  ASSERT_EQ(parse_leases(text).size(), 1u);
  // No duid line: no IPv6 leases, even from lines that look like them.
  EXPECT_TRUE(parse_leases6("1796150213 2799381663 fd00:99::1f5 * *\n").empty());
}

TEST(LeaseFile, MatchesAnIpv6LeaseToItsNicByDuidOrIaid) {
  const model::Mac mac = *model::Mac::parse("4a:16:a6:db:2c:9f");
  const model::Mac other = *model::Mac::parse("52:54:00:12:34:56");
  EXPECT_EQ(duid_mac("00:01:00:01:32:a1:c2:33:4a:16:a6:db:2c:9f"), mac);  // DUID-LLT
  EXPECT_EQ(duid_mac("0:3:0:1:52:54:0:12:34:56"), other);                  // DUID-LL, one-digit bytes
  EXPECT_EQ(duid_mac("00:02:00:00:ab:11:01:02:03:04"), std::nullopt);       // DUID-EN
  EXPECT_EQ(duid_mac("00:03:00:06:52:54:00:12:34:56"), std::nullopt);       // not Ethernet
  EXPECT_EQ(duid_mac("00:03:00:01:52:54:00:12:34"), std::nullopt);          // short
  EXPECT_EQ(duid_mac("zz"), std::nullopt);
  Lease6 lease;
  lease.duid = "00:01:00:01:32:a1:c2:33:4a:16:a6:db:2c:9f";
  lease.iaid = 1;
  EXPECT_TRUE(lease6_of(lease, mac));
  EXPECT_FALSE(lease6_of(lease, other));
  lease.duid = "00:02:00:00:ab:11:01:02:03:04";  // no MAC in it: the IAID from the MAC's last four bytes
  lease.iaid = 0xa6db2c9f;
  EXPECT_TRUE(lease6_of(lease, mac));
  EXPECT_FALSE(lease6_of(lease, other));
}

}  // namespace
}  // namespace netlab::host
