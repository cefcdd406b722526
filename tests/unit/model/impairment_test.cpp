// Link impairment values (netlab/model/impairment.h) in tc's units, and the
// loader's `impair:` mapping.
#include "netlab/model/impairment.h"

#include <gtest/gtest.h>

#include "netlab/model/loader.h"

namespace netlab::model {
namespace {

TEST(Impairment, TimesInTcUnits) {
  EXPECT_EQ(*parse_impair_time("40ms"), 40'000'000u);
  EXPECT_EQ(*parse_impair_time("1.5s"), 1'500'000'000u);
  EXPECT_EQ(*parse_impair_time("250us"), 250'000u);
  EXPECT_EQ(*parse_impair_time("5msec"), 5'000'000u);
  EXPECT_EQ(*parse_impair_time("800ns"), 800u);
  EXPECT_FALSE(parse_impair_time("40"));       // tc would read microseconds: a unit is required
  EXPECT_FALSE(parse_impair_time("40 ms"));
  EXPECT_FALSE(parse_impair_time("-1ms"));
  EXPECT_FALSE(parse_impair_time("61s"));
  EXPECT_TRUE(parse_impair_time("40").error().bad_input);
  EXPECT_EQ(format_impair_time(40'000'000), "40ms");
  EXPECT_EQ(format_impair_time(1'500'000'000), "1.5s");
  EXPECT_EQ(format_impair_time(250'000), "250us");
}

TEST(Impairment, PercentagesAsNetemProbabilities) {
  EXPECT_EQ(*parse_impair_percent("100%"), 0xffffffffu);
  EXPECT_EQ(*parse_impair_percent("0%"), 0u);
  EXPECT_EQ(format_impair_percent(*parse_impair_percent("1%")), "1%");
  EXPECT_EQ(format_impair_percent(*parse_impair_percent("0.1%")), "0.1%");
  EXPECT_EQ(format_impair_percent(*parse_impair_percent("25%")), "25%");
  EXPECT_FALSE(parse_impair_percent("1"));
  EXPECT_FALSE(parse_impair_percent("101%"));
  EXPECT_FALSE(parse_impair_percent("%"));
}

TEST(Impairment, RatesInBitsOrTcByteUnits) {
  EXPECT_EQ(*parse_impair_rate("10mbit"), 1'250'000u);
  EXPECT_EQ(*parse_impair_rate("10Mbit"), 1'250'000u);
  EXPECT_EQ(*parse_impair_rate("512kbit"), 64'000u);
  EXPECT_EQ(*parse_impair_rate("1gbit"), 125'000'000u);
  EXPECT_EQ(*parse_impair_rate("1mibit"), 131'072u);
  EXPECT_EQ(*parse_impair_rate("100kbps"), 100'000u);  // tc: bps is bytes per second
  EXPECT_FALSE(parse_impair_rate("10"));
  EXPECT_FALSE(parse_impair_rate("10mb"));
  EXPECT_FALSE(parse_impair_rate("4bit"));
  EXPECT_FALSE(parse_impair_rate("40gbit"));
  EXPECT_EQ(format_impair_rate(1'250'000), "10mbit");
  EXPECT_EQ(format_impair_rate(187'500), "1.5mbit");
}

TEST(Impairment, DescribedInTcOrder) {
  Impairment imp;
  EXPECT_TRUE(imp.none());
  EXPECT_EQ(describe(imp), "none");
  ASSERT_TRUE(set_impair_parameter(&imp, "loss", "1%"));
  ASSERT_TRUE(set_impair_parameter(&imp, "delay", "40ms"));
  ASSERT_TRUE(set_impair_parameter(&imp, "jitter", "5ms"));
  ASSERT_TRUE(set_impair_parameter(&imp, "rate", "10mbit"));
  ASSERT_TRUE(set_impair_parameter(&imp, "reorder", "25%"));
  EXPECT_EQ(describe(imp), "delay 40ms jitter 5ms loss 1% rate 10mbit reorder 25%");
  EXPECT_EQ(impairment_problem(imp), "");
  EXPECT_FALSE(set_impair_parameter(&imp, "latency", "1ms"));
  Impairment no_delay;
  ASSERT_TRUE(set_impair_parameter(&no_delay, "jitter", "5ms"));
  EXPECT_NE(impairment_problem(no_delay), "");
}

TEST(Impairment, LoadedPerNic) {
  auto loaded = load_string(R"(name: imp
networks:
  default: {subnet: 10.30.0.0/24}
guests:
  a:
    nics:
      - network: default
        address: 10.30.0.11/24
        impair: {delay: 50ms, loss: 100%}
      - {network: default, address: 10.30.0.12/24}
)", "imp.yaml");
  ASSERT_TRUE(loaded.ok()) << format_all(loaded.diagnostics);
  const auto& nics = loaded.topology.guests.at(0).nics;
  ASSERT_TRUE(nics.at(0).impair);
  EXPECT_EQ(nics[0].impair->delay_ns, 50'000'000u);
  EXPECT_EQ(nics[0].impair->loss, 0xffffffffu);
  EXPECT_FALSE(nics.at(1).impair);
}

}  // namespace
}  // namespace netlab::model
