// The run directory's safety: fixed modes whatever the umask, no symbolic link
// followed, no lab name that escapes the run root.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "netlab/state/journal.h"
#include "netlab/state/lab_state.h"
#include "netlab/state/lock.h"
#include "netlab/state/paths.h"

namespace netlab::state {
namespace {
namespace fs = std::filesystem;

LabState state_of(const std::string& lab) {
  LabState s;
  s.lab = lab;
  return s;
}

class RunDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netlab-state-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    top_ = tmpl;
    ::setenv("NETLAB_RUN_DIR", (top_ + "/run").c_str(), 1);
    old_umask_ = ::umask(0);
  }
  void TearDown() override {
    ::umask(old_umask_);
    ::unsetenv("NETLAB_RUN_DIR");
    fs::remove_all(top_);
  }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::string top_;
  mode_t old_umask_ = 0;
};

// read_journal reads the lines append() writes without nlohmann, any other
// JSON line through it: both must give what was recorded.
TEST_F(RunDir, JournalReadsBackWhatWasRecordedAndForgotten) {
  auto journal = Journal::open("jr");
  ASSERT_TRUE(journal);
  const OwnedObject ns{ObjectKind::netns, "", "jr-g1", "4026532100"};
  const OwnedObject veth{ObjectKind::link, "jr-host", "jr-g1-0", "veth"};
  const OwnedObject gone{ObjectKind::link, "jr-host", "jr-g2-0", ""};
  const OwnedObject uplink{ObjectKind::uplink, "", "eth0", R"({"addresses":["10.0.0.2/24"],"note":"a \\ and \"quote\""})"};
  for (const auto& o : {ns, veth, gone, uplink}) ASSERT_TRUE(journal->record(o));
  ASSERT_TRUE(journal->forget(gone));
  {
    std::ofstream out(lab_dir("jr") + "/journal", std::ios::app);
    out << R"({"name": "jr-spaced", "kind": "link", "netns": "jr-host", "detail": ""})" << "\n";  // nlohmann reads it
    out << R"({"detail":"","forget":false,"kind":"process","name":"dnsmasq","netns":"jr-host"})" << "\n";
    out << R"({"detail":"","kind":"link","name":"jr-cut)" << "\n";  // cut short by a crash: skipped
  }
  const std::vector<OwnedObject> expected{ns, veth, uplink, {ObjectKind::link, "jr-host", "jr-spaced", ""},
                                          {ObjectKind::process, "jr-host", "dnsmasq", ""}};
  EXPECT_EQ(read_journal("jr"), expected);
}

// A journal rewritten holds one line per object still owned, and reads the same.
TEST_F(RunDir, ACompactedJournalReadsTheSameInFewerLines) {
  auto journal = Journal::open("jc");
  ASSERT_TRUE(journal);
  const OwnedObject made{ObjectKind::netns, "", "jc-g1", ""};
  const OwnedObject identified{ObjectKind::netns, "", "jc-g1", "4:4026532100"};  // the newest identity counts
  const OwnedObject forward{ObjectKind::sysctl, "jc-host", "net/ipv4/ip_forward", "0"};
  const OwnedObject forward_again{ObjectKind::sysctl, "jc-host", "net/ipv4/ip_forward", "1"};  // the first counts
  const OwnedObject gone{ObjectKind::link, "jc-host", "jc-g2-0", "veth"};
  for (const auto& o : {made, forward, gone, identified, forward_again}) ASSERT_TRUE(journal->record(o));
  ASSERT_TRUE(journal->forget(gone));
  for (int i = 0; i < 3; ++i) {  // a guest added and removed again and again
    ASSERT_TRUE(journal->record(gone));
    ASSERT_TRUE(journal->forget(gone));
  }
  size_t lines = 0;
  const auto before = read_journal("jc", &lines);
  EXPECT_EQ(lines, 12u);
  EXPECT_EQ(before, (std::vector<OwnedObject>{identified, forward}));
  ASSERT_TRUE(compact_journal("jc"));
  EXPECT_EQ(read_journal("jc", &lines), before);
  EXPECT_EQ(lines, 2u);
  EXPECT_EQ(mode_of(lab_dir("jc") + "/journal"), 0644u);
  EXPECT_FALSE(fs::exists(lab_dir("jc") + "/journal.compact"));
}

TEST_F(RunDir, ModesDoNotDependOnTheUmask) {
  auto lock = LabLock::acquire("modes");
  ASSERT_TRUE(lock) << lock.error().message;
  ASSERT_TRUE(write_state(state_of("modes")));
  auto journal = Journal::open("modes");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(write_lab_file("modes", "hopmap.json", "{}"));
  EXPECT_EQ(mode_of(run_root()), 0755u);
  EXPECT_EQ(mode_of(lab_dir("modes")), 0755u);
  EXPECT_EQ(mode_of(lock_path("modes")), 0644u);
  for (const char* f : {"state.json", "journal", "hopmap.json"})
    EXPECT_EQ(mode_of(lab_dir("modes") + "/" + f), 0644u) << f;
  for (const auto& e : fs::directory_iterator(lab_dir("modes")))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

TEST_F(RunDir, ALabDirectoryLeftWorldWritableIsFixed) {
  fs::create_directories(lab_dir("old"));
  ::chmod(lab_dir("old").c_str(), 0777);
  ASSERT_TRUE(write_state(state_of("old")));
  EXPECT_EQ(mode_of(lab_dir("old")), 0755u);
}

TEST_F(RunDir, SymbolicLinksAreRefusedNotFollowed) {
  const std::string victim = top_ + "/victim";
  std::ofstream(victim) << "precious";
  fs::create_directories(lab_dir("links"));
  fs::create_symlink(victim, lab_dir("links") + "/state.json");
  EXPECT_FALSE(write_state(state_of("links")));
  fs::create_symlink(victim, lab_dir("links") + "/journal");
  EXPECT_FALSE(Journal::open("links"));
  fs::create_symlink(victim, lock_path("links"));
  EXPECT_FALSE(LabLock::acquire("links"));
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "precious");
  // A lab directory that is a link to elsewhere.
  fs::create_directories(top_ + "/elsewhere");
  fs::create_symlink(top_ + "/elsewhere", lab_dir("linked"));
  EXPECT_FALSE(write_state(state_of("linked")));
  EXPECT_TRUE(fs::is_empty(top_ + "/elsewhere"));
}

TEST_F(RunDir, NamesThatEscapeTheRunRootAreRefused) {
  std::ofstream(top_ + "/sentinel") << "x";
  for (const char* name : {"..", ".", "", "a/b", "../run"}) {
    EXPECT_FALSE(LabLock::acquire(name)) << name;
    EXPECT_FALSE(remove_lab_dir(name)) << name;
    EXPECT_FALSE(Journal::open(name)) << name;
    EXPECT_FALSE(write_lab_file(name, "x", "y")) << name;
  }
  EXPECT_TRUE(fs::exists(top_ + "/sentinel"));
  EXPECT_FALSE(fs::exists(run_root() + "/.lock"));
  EXPECT_FALSE(fs::exists(run_root() + "/...lock"));
}

}  // namespace
}  // namespace netlab::state
