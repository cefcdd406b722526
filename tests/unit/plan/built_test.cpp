// The record of what a lab's last completed `up` built (plan/built.h): what it
// holds reads back the same; a record cut short, or with a field that would
// break its lines, is no record (then `up` derives it from the lab's file).
#include <gtest/gtest.h>

#include "netlab/model/loader.h"
#include "netlab/plan/built.h"
#include "netlab/plan/guest_keys.h"
#include "test_labs.h"

namespace netlab::plan {
namespace {

Built record_of(const std::string& yaml) {
  auto loaded = model::load_string(yaml, "b.yaml");
  EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
  const Target target = sandbox_target("b");
  const Desired d = desired_of(loaded.topology, target);
  return built_record(loaded.topology, target, step_digests(d.steps, d.owners),
                      guest_input_keys(loaded.topology, target), guest_object_keys(d));
}

const char* kLab = R"(name: b
networks:
  lan: {subnet: 192.168.122.0/24}
guests:
  g1: {nics: [{network: lan}]}
  g2: {nics: [{network: lan, address: 192.168.122.20/24}]}
)";

void expect_same(const Built& a, const Built& b) {
  EXPECT_EQ(a.digests, b.digests);
  EXPECT_EQ(a.keys, b.keys);
  EXPECT_EQ(a.objects, b.objects);
  EXPECT_EQ(a.described.labels, b.described.labels);
  EXPECT_EQ(a.described.lease_files, b.described.lease_files);
  EXPECT_EQ(a.described.lease_file_of_pid, b.described.lease_file_of_pid);
  ASSERT_EQ(a.described.leased_nics.size(), b.described.leased_nics.size());
  for (const auto& [ns, nics] : a.described.leased_nics) {
    ASSERT_EQ(b.described.leased_nics.at(ns).size(), nics.size()) << ns;
    for (size_t i = 0; i < nics.size(); ++i) {
      EXPECT_EQ(b.described.leased_nics.at(ns)[i].device, nics[i].device);
      EXPECT_EQ(b.described.leased_nics.at(ns)[i].network, nics[i].network);
    }
  }
}

TEST(Built, ReadsBackWhatWasWritten) {
  const Built built = record_of(kLab);
  EXPECT_EQ(built.digests.size(), 3u);  // the lab's own, g1, g2
  EXPECT_EQ(built.described.leased_nics.count("b-g1"), 1u);
  EXPECT_EQ(built.described.labels.at("netns||b-g2"), "guest g2 (namespace b-g2)");
  EXPECT_EQ(built.keys.size(), 2u);  // each light guest's input key, with the objects its steps make
  EXPECT_EQ(built.objects.at("g2"), (std::vector<std::string>{"netns||b-g2", "link|b-host|b-g2-0"}));
  auto text = built_to_text(built);
  ASSERT_TRUE(text);
  auto back = built_from_text(*text);
  ASSERT_TRUE(back);
  expect_same(built, *back);
}

TEST(Built, ARecordCutShortOrOfAnotherVersionIsNone) {
  const std::string text = *built_to_text(record_of(kLab));
  EXPECT_FALSE(built_from_text(text.substr(0, text.size() - 4)));  // "end" cut
  EXPECT_FALSE(built_from_text(text.substr(0, text.size() / 2)));
  EXPECT_FALSE(built_from_text("netlab built 1\nend\n"));  // an older netlab's: no guest keys
  EXPECT_FALSE(built_from_text("netlab built 3\nend\n"));
  EXPECT_FALSE(built_from_text(""));
  std::string unknown = text;
  unknown.insert(unknown.find('\n') + 1, "colour\tblue\n");
  EXPECT_FALSE(built_from_text(unknown));
}

TEST(Built, AFieldWithATabOrANewlineIsNotWritten) {
  Built built = record_of(kLab);
  built.described.labels["x"] = "two\nlines";
  EXPECT_FALSE(built_to_text(built));
  built.described.labels["x"] = "a\ttab";
  EXPECT_FALSE(built_to_text(built));
}

}  // namespace
}  // namespace netlab::plan
