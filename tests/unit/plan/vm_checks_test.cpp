// check_vms: a kvm guest's image, format and memory against this machine, with
// the position of the offending key; no root, images made in a scratch folder.
#include "netlab/plan/vm_checks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "netlab/model/loader.h"

namespace netlab::plan {
namespace {

class VmChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/netlab-vmcheck-XXXXXX";
    ASSERT_NE(::mkdtemp(path), nullptr);
    dir_ = path;
    std::ofstream(dir_ + "/disk.qcow2") << "QFI\xfb" << std::string(60, '\0');
    std::ofstream(dir_ + "/disk.raw") << std::string(64, '\0');
    std::filesystem::create_directories(dir_ + "/images/netlab-test");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<model::Diagnostic> check(const std::string& guest_body, int64_t memory = 4096) {
    const std::string text = "name: vc\nnetworks:\n  net: {mode: nat, subnet: 10.9.0.0/24}\nguests:\n  vm:\n    kind: kvm\n" +
                             guest_body + "\n    nics: [{network: net}]\n";
    auto loaded = model::load_string(text, "vc.yaml");
    EXPECT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
    return check_vms(loaded.topology, dir_ + "/images", memory);
  }

  std::string dir_;
};

TEST_F(VmChecks, GoodImagesPass) {
  EXPECT_TRUE(check("    disk: {image: " + dir_ + "/disk.qcow2}").empty());
  EXPECT_TRUE(check("    disk: {image: " + dir_ + "/disk.raw, format: raw, provisioning: thick}").empty());
}

TEST_F(VmChecks, MissingImageIsNamedAtItsKey) {
  auto d = check("    disk: {image: " + dir_ + "/nope.qcow2}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos.line, 7);
  EXPECT_NE(d[0].message.find("does not exist"), std::string::npos) << d[0].message;
}

TEST_F(VmChecks, Qcow2GivenAsRawIsRefusedAtFormat) {
  auto d = check("    disk:\n      image: " + dir_ + "/disk.qcow2\n      format: raw");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos.line, 9);
  EXPECT_NE(d[0].message.find("is qcow2, not raw"), std::string::npos) << d[0].message;
}

TEST_F(VmChecks, UnbuiltTestImageSaysHowToBuildIt) {
  auto d = check("    disk: {image: netlab-test}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].hint.find("make-guest-image.sh"), std::string::npos);
}

TEST_F(VmChecks, GuestWithoutDiskNeedsTheTestImageAndIsNamedAtTheGuest) {
  auto d = check("");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos.line, 5);  // the guest's own key: there is no disk: to point at
  EXPECT_NE(d[0].message.find("image 'netlab-test' of guest 'vm' is not built on this machine (a kvm guest without "
                              "'disk:' boots it)"),
            std::string::npos)
      << d[0].message;
}

TEST_F(VmChecks, MemoryBeyondTheMachineIsRefusedAtMemory) {
  auto d = check("    memory: 8G\n    disk: {image: " + dir_ + "/disk.qcow2}", 4096);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos.line, 7);
  EXPECT_NE(d[0].message.find("more than this machine has (4096 MiB)"), std::string::npos) << d[0].message;
}

}  // namespace
}  // namespace netlab::plan
