// Text table and JSON document of a real trace.
#include <gtest/gtest.h>

#include "tracer/capture_set.h"
#include "tracer/label.h"
#include "tracer/output_json.h"
#include "tracer/output_text.h"

namespace netlab::tracer {
namespace {

std::vector<TracedPacket> nat_ping(CaptureSet* set) {
  auto loaded = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", false);
  EXPECT_TRUE(loaded.ok());
  *set = std::move(loaded.value());
  return trace_capture_set(*set);
}

TEST(OutputText, NumberedHopTable) {
  CaptureSet set;
  std::string text = format_text(nat_ping(&set));
  EXPECT_NE(text.find("packet 1: request  icmp echo-request 192.168.100.11 \u2192 203.0.113.1"), std::string::npos);
  EXPECT_NE(text.find("#  t(\u00b5s)"), std::string::npos);
  // first hop at offset 0, the nat point has no time and names the rewrite
  EXPECT_NE(text.find("1  0.000"), std::string::npos);
  EXPECT_NE(text.find("nat        src 192.168.100.11 \u2192 203.0.113.2"), std::string::npos);
  EXPECT_NE(text.find("packet 2: reply"), std::string::npos);
  EXPECT_EQ(format_text({}), "no packets in the capture set\n");
}

TEST(OutputJson, StableDocument) {
  CaptureSet set;
  auto doc = trace_to_json(set.hopmap.lab, nat_ping(&set));
  EXPECT_EQ(doc["schema"], "netlab.trace");
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["packets"].size(), 2u);
  const auto& p = doc["packets"][0];
  EXPECT_EQ(p["index"], 1);
  EXPECT_EQ(p["kind"], "request");
  EXPECT_EQ(p["dropped"], false);
  ASSERT_EQ(p["hops"].size(), 6u);
  const auto& nat = p["hops"][3];
  EXPECT_EQ(nat["role"], "nat");
  EXPECT_EQ(nat["device"], "");
  EXPECT_EQ(nat["direction"], "-");
  for (const char* key : {"index", "t_ns", "t_offset_ns", "netns", "device", "role", "direction", "change"})
    EXPECT_TRUE(nat.contains(key)) << key;
  EXPECT_EQ(p["hops"][0]["t_offset_ns"], 0);
  EXPECT_EQ(p["hops"][5]["netns"], "nlt-tr-wan");
  EXPECT_EQ(p["hops"][5]["t_offset_ns"], 87440);  // wan0 saw it 87.440 µs after the guest's eth0
}

}  // namespace
}  // namespace netlab::tracer
