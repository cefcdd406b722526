// Every ready topology in topologies/ comes up in the sandbox, matches its file,
// lets its first light guest reach what its mode promises, and goes away.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lab_fixture.h"

namespace netlab::testing {
namespace {

class ReadyTopology : public LabTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ReadyTopology, ComesUpMatchesItsFileAndGoesAway) {
  const std::string file = std::string(NETLAB_SOURCE_DIR) + "/topologies/" + GetParam();
  std::ifstream in(file);
  std::string first_line;
  std::getline(in, first_line);
  while (first_line.rfind("name:", 0) != 0 && std::getline(in, first_line)) {
  }
  lab_ = first_line.substr(first_line.find(':') + 2);
  ASSERT_FALSE(lab_.empty());
  up_ok(file);
  auto status = nlohmann::json::parse(netlab({"status", lab_, "--json"}).out, nullptr, false);
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["phase"], "ready");
  EXPECT_TRUE(status["drift"].empty()) << status["drift"].dump();
  for (const auto& guest : status["guests"]) {
    if (guest["kind"] != "netns") continue;
    EXPECT_TRUE(guest["present"].get<bool>()) << guest.dump();
    for (const auto& nic : guest["nics"])
      if (nic["address_kind"] != "none") {
        EXPECT_NE(nic["address"], "") << guest.dump();
      }
  }
  EXPECT_NE(up_ok(file).out.find("nothing to do"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Topologies, ReadyTopology,
                         ::testing::Values("nat.yaml", "isolated.yaml", "routed.yaml", "bridged.yaml", "ovs.yaml",
                                           "mixed.yaml", "dual-stack.yaml"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           name = name.substr(0, name.find('.'));
                           std::replace(name.begin(), name.end(), '-', '_');  // gtest names: letters, digits, '_'
                           return name;
                         });

}  // namespace
}  // namespace netlab::testing
