// pcapng export: our reader and tshark both read it back, with one interface
// per device and a hop comment on every packet.
#include "tracer/pcapng_writer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "tracer/label.h"
#include "tracer/reader.h"

namespace netlab::tracer {
namespace {
namespace fs = std::filesystem;

/// Runs argv (no shell) and returns its stdout; sets *rc to the exit status (-1 if it could not start).
std::string run(const std::vector<std::string>& argv, int* rc) {
  int fds[2];
  if (pipe(fds) != 0) { *rc = -1; return {}; }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = read(fds[0], buf.data(), buf.size())) > 0) out.append(buf.data(), static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class PcapngExport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto set = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", true);
    ASSERT_TRUE(set.ok()) << set.error().message;
    set_ = std::move(set.value());
    packets_ = trace_capture_set(set_);
    path_ = (fs::temp_directory_path() / ("netlab-trace-" + std::to_string(getpid()) + ".pcapng")).string();
    ASSERT_TRUE(write_trace_pcapng(path_, packets_, set_).ok());
  }
  void TearDown() override { fs::remove(path_); }

  CaptureSet set_;
  std::vector<TracedPacket> packets_;
  std::string path_;
};

TEST_F(PcapngExport, ReadBackWithLibpcap) {
  std::vector<PacketRecord> recs;
  auto info = read_capture(path_, 0, &recs, nullptr);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->linktype, static_cast<uint32_t>(kLinkEthernet));
  ASSERT_EQ(recs.size(), 10u);  // 5 devices saw the request, 5 the reply
  for (size_t i = 1; i < recs.size(); ++i) EXPECT_LE(recs[i - 1].t_ns, recs[i].t_ns);
  // epb_flags carry the hop's direction: the guest's eth0 sent the first frame.
  EXPECT_EQ(recs[0].dir, Direction::out);
  EXPECT_EQ(pcapng_directions(path_).size(), 10u);
}

TEST_F(PcapngExport, ReadableByTshark) {
  int rc = 0;
  std::string out = run({"tshark", "-r", path_, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name",
                         "-e", "frame.comment", "-e", "ip.src"},
                        &rc);
  if (rc == 127 || rc == -1) GTEST_SKIP() << "tshark not installed";
  ASSERT_EQ(rc, 0) << out;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) lines.push_back(out.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 10u) << out;
  EXPECT_EQ(lines[0], "nlt-tr-g1/eth0|packet 1 request, hop 1 nlt-tr-g1/eth0 guest-nic out|192.168.100.11");
  bool saw_uplink = false;
  for (const auto& l : lines) {
    if (l.rfind("nlt-tr-host/tr-up|packet 1 request, hop 5 nlt-tr-host/tr-up uplink out|203.0.113.2", 0) == 0)
      saw_uplink = true;
  }
  EXPECT_TRUE(saw_uplink) << out;
}

TEST(PcapngWriterErrors, NeedsFramesAndAWritablePath) {
  auto set = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", false);
  ASSERT_TRUE(set.ok());
  auto packets = trace_capture_set(*set);
  EXPECT_FALSE(write_trace_pcapng("/tmp/never-written.pcapng", packets, *set).ok());
  auto with_frames = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", true);
  ASSERT_TRUE(with_frames.ok());
  EXPECT_FALSE(write_trace_pcapng("/nonexistent-dir/x.pcapng", packets, *with_frames).ok());
}

}  // namespace
}  // namespace netlab::tracer
