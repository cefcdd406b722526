// Edit distance and "did you mean" (netlab/model/suggest.h).
#include "netlab/model/suggest.h"

#include <gtest/gtest.h>

namespace netlab::model {
namespace {

TEST(EditDistance, CountsEachEditOnce) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("subnet", "subnet"), 0u);
  EXPECT_EQ(edit_distance("subnt", "subnet"), 1u);     // deletion
  EXPECT_EQ(edit_distance("subnett", "subnet"), 1u);   // insertion
  EXPECT_EQ(edit_distance("subnex", "subnet"), 1u);    // substitution
  EXPECT_EQ(edit_distance("nta", "nat"), 1u);          // transposition
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(DidYouMean, SuggestsOnlyCloseWords) {
  std::vector<std::string> keys{"mode", "switch", "subnet", "gateway", "dhcp"};
  EXPECT_EQ(did_you_mean("subnt", keys), "did you mean 'subnet'?");
  EXPECT_EQ(did_you_mean("gatway", keys), "did you mean 'gateway'?");
  EXPECT_EQ(did_you_mean("dchp", keys), "did you mean 'dhcp'?");
  EXPECT_EQ(did_you_mean("colour", keys), "");
  EXPECT_EQ(did_you_mean("", keys), "");
  EXPECT_EQ(did_you_mean("x", {"y"}), "");  // replacing every character is no typo
  EXPECT_EQ(did_you_mean(std::string(1000, 'a'), keys), "");
}

TEST(JoinChoices, ReadsAsASentence) {
  EXPECT_EQ(join_choices({}), "");
  EXPECT_EQ(join_choices({"a"}), "a");
  EXPECT_EQ(join_choices({"a", "b"}), "a or b");
  EXPECT_EQ(join_choices({"nat", "route", "isolated"}), "nat, route or isolated");
}

}  // namespace
}  // namespace netlab::model
