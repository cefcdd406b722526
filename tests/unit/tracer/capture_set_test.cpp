// Capture-set loading: file naming, hop map errors, roles.
#include "tracer/capture_set.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace netlab::tracer {
namespace {
namespace fs = std::filesystem;

TEST(CaptureSet, FileNames) {
  std::string ns, dev;
  EXPECT_EQ(capture_file_name("nat-host", "nat-default"), "nat-host__nat-default.pcap");
  ASSERT_TRUE(parse_capture_file_name("nat-host__nat-default.pcap", &ns, &dev));
  EXPECT_EQ(ns, "nat-host");
  EXPECT_EQ(dev, "nat-default");
  ASSERT_TRUE(parse_capture_file_name("__eth0.pcapng", &ns, &dev));
  EXPECT_EQ(ns, "");
  EXPECT_EQ(dev, "eth0");
  ASSERT_TRUE(parse_capture_file_name("a__b__c.pcap", &ns, &dev));
  EXPECT_EQ(ns, "a__b");
  EXPECT_EQ(dev, "c");
  EXPECT_FALSE(parse_capture_file_name("hopmap.json", &ns, &dev));
  EXPECT_FALSE(parse_capture_file_name("nounderscores.pcap", &ns, &dev));
  EXPECT_FALSE(parse_capture_file_name("ns__.pcap", &ns, &dev));
}

TEST(CaptureSet, LoadsRealCapturesWithRoles) {
  auto set = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", false);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->hopmap.lab, "nlt-tr");
  ASSERT_EQ(set->devices.size(), 7u);
  EXPECT_EQ(set->devices[0].netns, "nlt-tr-g1");
  EXPECT_EQ(set->devices[0].name, "eth0");
  EXPECT_EQ(set->devices[0].role, model::HopRole::guest_nic);
  EXPECT_EQ(set->devices[0].linktype, static_cast<uint32_t>(kLinkEthernet));
  EXPECT_EQ(set->records.size(), 10u);  // 2 frames on 5 devices, none on tr-g2 and g2's eth0
  EXPECT_TRUE(set->frames.empty());
}

TEST(CaptureSet, Errors) {
  auto missing = load_capture_set("/nonexistent/netlab-trace", false);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);

  fs::path dir = fs::temp_directory_path() / ("netlab-tracer-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto no_hopmap = load_capture_set(dir.string(), false);
  ASSERT_FALSE(no_hopmap.ok());
  EXPECT_NE(no_hopmap.error().message.find("hopmap.json"), std::string::npos);

  std::ofstream(dir / "hopmap.json") << "{\"lab\": \"x\", \"nics\": [ {\"guest\": 1} ] }";
  auto bad = load_capture_set(dir.string(), false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("hopmap.json"), std::string::npos);

  std::ofstream(dir / "hopmap.json", std::ios::trunc) << "{\"lab\": \"x\", \"nics\": []}";
  auto empty = load_capture_set(dir.string(), false);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no <netns>__<device>.pcap"), std::string::npos);

  std::ofstream(dir / "ns__dev.pcap") << "not a pcap";
  auto garbage = load_capture_set(dir.string(), false);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("ns__dev.pcap"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace netlab::tracer
