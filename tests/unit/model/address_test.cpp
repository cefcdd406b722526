// Ipv4, Cidr and Mac parsing and arithmetic (netlab/model/address.h).
#include "netlab/model/address.h"

#include <gtest/gtest.h>

namespace netlab::model {
namespace {

TEST(Ipv4, ParsesDottedQuad) {
  auto ip = Ipv4::parse("192.168.122.1");
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->value, 0xC0A87A01u);
  EXPECT_EQ(ip->str(), "192.168.122.1");
  EXPECT_EQ(Ipv4::parse("0.0.0.0")->value, 0u);
  EXPECT_EQ(Ipv4::parse("255.255.255.255")->value, 0xFFFFFFFFu);
}

TEST(Ipv4, RejectsMalformed) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "01.2.3.4", "1..2.3", "a.b.c.d",
                          "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "1234.1.1.1"})
    EXPECT_FALSE(Ipv4::parse(bad)) << bad;
}

TEST(Cidr, ParsesAndComputesBlock) {
  auto c = Cidr::parse("192.168.122.77/24");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 24);
  EXPECT_EQ(c->network().str(), "192.168.122.0");
  EXPECT_EQ(c->broadcast().str(), "192.168.122.255");
  EXPECT_EQ(c->block().str(), "192.168.122.0/24");
  EXPECT_EQ(c->str(), "192.168.122.77/24");
  EXPECT_TRUE(c->contains(*Ipv4::parse("192.168.122.0")));
  EXPECT_FALSE(c->contains(*Ipv4::parse("192.168.123.1")));
  EXPECT_EQ(Cidr::parse("0.0.0.0/0")->mask(), 0u);
  EXPECT_EQ(Cidr::parse("10.0.0.1/32")->mask(), 0xFFFFFFFFu);
}

TEST(Cidr, RejectsMalformed) {
  for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "/24", "10.0.0.0/2a"})
    EXPECT_FALSE(Cidr::parse(bad)) << bad;
}

TEST(Cidr, Overlaps) {
  auto a = *Cidr::parse("10.0.0.0/16");
  auto b = *Cidr::parse("10.0.5.0/24");
  auto c = *Cidr::parse("10.1.0.0/16");
  EXPECT_TRUE(a.overlaps(b));
  EXPECT_TRUE(b.overlaps(a));
  EXPECT_FALSE(a.overlaps(c));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->overlaps(c));
}

TEST(Mac, ParsesBothSeparators) {
  auto m = Mac::parse("52:54:00:AB:cd:0f");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->str(), "52:54:00:ab:cd:0f");
  EXPECT_EQ(Mac::parse("52-54-00-ab-cd-0f"), m);
  EXPECT_FALSE(m->is_multicast());
  EXPECT_TRUE(Mac::parse("01:00:5e:00:00:01")->is_multicast());
}

TEST(Mac, RejectsMalformed) {
  for (const char* bad : {"", "52:54:00:ab:cd", "52:54:00:ab:cd:0g", "52:54:00:ab:cd:0f:11", "525400abcd0f",
                          "52.54.00.ab.cd.0f", "52:54:00:ab:cd:0"})
    EXPECT_FALSE(Mac::parse(bad)) << bad;
}

}  // namespace
}  // namespace netlab::model
