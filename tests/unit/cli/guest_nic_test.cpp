// The GUEST[:NIC] argument shared by `netlab capture` and `netlab impair`.
#include "netlab/cli/guest_nic.h"

#include <gtest/gtest.h>

namespace netlab::cli {
namespace {

TEST(GuestNic, GuestAloneMeansEveryNic) {
  auto t = parse_guest_nic("g1");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->guest, "g1");
  EXPECT_EQ(t->nic, "");
}

TEST(GuestNic, GuestAndOneNic) {
  auto t = parse_guest_nic("web-1:eth1");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->guest, "web-1");
  EXPECT_EQ(t->nic, "eth1");
}

TEST(GuestNic, EmptyPartsAndASecondColonAreBadInput) {
  const std::pair<const char*, const char*> cases[] = {{"", "no guest before the ':'"},
                                                       {":eth0", "no guest before the ':'"},
                                                       {"g1:", "no NIC after the ':'"},
                                                       {"g1:eth0:x", "one ':' at most"}};
  for (const auto& [text, why] : cases) {
    auto t = parse_guest_nic(text);
    ASSERT_FALSE(t) << text;
    EXPECT_TRUE(t.error().bad_input) << text;
    EXPECT_EQ(t.error().message, "'" + std::string(text) + "': expected GUEST or GUEST:NIC (" + why + ")");
  }
}

}  // namespace
}  // namespace netlab::cli
