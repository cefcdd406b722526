// The shared file helpers: bounded reads, symlink-refusing writes, modes that do
// not depend on the umask.
#include "netlab/model/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace netlab::model {
namespace {
namespace fs = std::filesystem;

class FileIo : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netlab-file-io-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    old_umask_ = ::umask(0);  // the worst caller: everything it creates would be 0777/0666
  }
  void TearDown() override {
    ::umask(old_umask_);
    fs::remove_all(dir_);
  }
  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string dir_;
  mode_t old_umask_ = 0;
};

TEST_F(FileIo, WriteGivesTheModeWhateverTheUmask) {
  ASSERT_TRUE(write_file(dir_ + "/a", "hello", 0644));
  EXPECT_EQ(mode_of(dir_ + "/a"), 0644u);
  ASSERT_TRUE(write_file(dir_ + "/b", "secret", 0600));
  EXPECT_EQ(mode_of(dir_ + "/b"), 0600u);
  ASSERT_TRUE(write_file(dir_ + "/a", "again", 0644));  // replacing an existing file
  EXPECT_EQ(slurp(dir_ + "/a"), "again");
  EXPECT_EQ(entries(), (std::vector<std::string>{"a", "b"}));  // no temporary file left
}

TEST_F(FileIo, WriteRefusesASymlinkAndLeavesItsTargetAlone) {
  const std::string victim = dir_ + "/victim";
  ASSERT_TRUE(write_file(victim, "precious", 0644));
  fs::create_symlink(victim, dir_ + "/out.svg");
  auto written = write_file(dir_ + "/out.svg", "<svg/>");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("symbolic link"), std::string::npos) << written.error().message;
  EXPECT_EQ(slurp(victim), "precious");
  EXPECT_TRUE(fs::is_symlink(dir_ + "/out.svg"));
  // A dangling link too: following it would create a file wherever it points.
  fs::create_symlink(dir_ + "/nowhere", dir_ + "/dangling");
  EXPECT_FALSE(write_file(dir_ + "/dangling", "x"));
  EXPECT_FALSE(fs::exists(dir_ + "/nowhere"));
}

TEST_F(FileIo, ALinkPlantedAfterCreateIsRefusedAtCommit) {
  const std::string victim = dir_ + "/victim";
  ASSERT_TRUE(write_file(victim, "precious"));
  auto out = OutputFile::create(dir_ + "/late");
  ASSERT_TRUE(out);
  ASSERT_TRUE(out->write("data"));
  fs::create_symlink(victim, dir_ + "/late");
  EXPECT_FALSE(out->commit());
  EXPECT_EQ(slurp(victim), "precious");
}

TEST_F(FileIo, AnUncommittedFileLeavesNothing) {
  {
    auto out = OutputFile::create(dir_ + "/never");
    ASSERT_TRUE(out);
    ASSERT_TRUE(out->write("half"));
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(FileIo, MakeDirectorySetsTheModeAndRefusesALink) {
  ASSERT_TRUE(make_directory(dir_ + "/run/lab", 0700));
  EXPECT_EQ(mode_of(dir_ + "/run/lab"), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/run"), 0755u);
  ::chmod((dir_ + "/run/lab").c_str(), 0777);  // left so by an older run
  ASSERT_TRUE(make_directory(dir_ + "/run/lab", 0700));
  EXPECT_EQ(mode_of(dir_ + "/run/lab"), 0700u);
  fs::create_directory(dir_ + "/elsewhere");
  fs::create_symlink(dir_ + "/elsewhere", dir_ + "/run/other");
  auto made = make_directory(dir_ + "/run/other", 0700);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("symbolic link"), std::string::npos) << made.error().message;
  EXPECT_EQ(mode_of(dir_ + "/elsewhere"), 0777u);  // untouched (created under umask 0)
}

TEST_F(FileIo, ReadStopsAtTheBound) {
  auto zero = read_file_bounded("/dev/zero", 1 << 20);  // would never end without the bound
  ASSERT_FALSE(zero);
  EXPECT_TRUE(zero.error().bad_input);
  EXPECT_NE(zero.error().message.find("larger than 1 MiB"), std::string::npos) << zero.error().message;
  ASSERT_TRUE(write_file(dir_ + "/small", "abc"));
  auto small = read_file_bounded(dir_ + "/small", 3);
  ASSERT_TRUE(small);
  EXPECT_EQ(*small, "abc");
  EXPECT_FALSE(read_file_bounded(dir_ + "/small", 2));
  EXPECT_FALSE(read_file_bounded(dir_ + "/absent"));
}

TEST_F(FileIo, ReadsWholeFilesWhateverTheirStatSays) {
  std::string big(300000, 'x');  // several reads' worth
  big[123456] = 'y';
  ASSERT_TRUE(write_file(dir_ + "/big", big));
  auto read = read_file_bounded(dir_ + "/big");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, big);
  ASSERT_TRUE(write_file(dir_ + "/empty", ""));
  auto empty = read_file_bounded(dir_ + "/empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");
  // procfs says 0 bytes and has more.
  auto status = read_file_bounded("/proc/self/status");
  ASSERT_TRUE(status);
  EXPECT_NE(status->find("Name:"), std::string::npos);
  EXPECT_NE(status->find("VmRSS:"), std::string::npos);
}

TEST_F(FileIo, AReaderOfTheReplacedFileKeepsItsWholeOldText) {
  ASSERT_TRUE(write_file(dir_ + "/state", "old text", 0600));
  std::ifstream old_reader(dir_ + "/state");
  ASSERT_TRUE(write_file(dir_ + "/state", "the new text", 0600));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old_reader), {}), "old text");
  EXPECT_EQ(slurp(dir_ + "/state"), "the new text");
  EXPECT_EQ(mode_of(dir_ + "/state"), 0600u);
  EXPECT_EQ(entries(), (std::vector<std::string>{"state"}));  // the old one is gone, no temporary left
}

}  // namespace
}  // namespace netlab::model
