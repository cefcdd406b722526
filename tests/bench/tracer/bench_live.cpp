// Live capture benchmark (root). Builds a sandbox NAT lab with the real netlab
// binary, opens the live capture on 4 hop devices of g1's path (guest NIC,
// veth, bridge, uplink) with the probe-style BPF filter, and lets g1 send a
// bounded UDP stream to the simulated WAN (198.51.100.1) from its own
// namespace: a connected UDP socket and sendmmsg in batches of 32, paced to
// the target rate, a fixed packet count. Reports per device what libpcap
// received and dropped (pcap_stats) and the frames decoded, and the rate the
// capture handled. Prints one JSON object. Usage:
//   tracer_bench_live NETLAB_BINARY [--rate PPS] [--count N] [--lab NAME] [--snaplen BYTES] [--senders K] [--no-capture]
// (--no-capture: the same stream without capture, to see what the kernel path alone sustains.)
// (--blocks: libpcap's TPACKET_V3 block ring instead of immediate mode.)
// (--senders K: K sockets in g1, each on its own thread pinned to CPU i mod ncpu, each
// sending rate/K pps: a veth forwards in its sender's softirq, so one sender keeps
// the whole path on one core.)
// (libpcap's immediate mode uses TPACKET_V2, whose ring slots are snaplen-sized:
// the snaplen decides how many frames the 32 MB ring holds.)
#include <arpa/inet.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "netlab/host/netns.h"
#include "netlab/host/process.h"
#include "netlab/model/hopmap.h"
#include "tracer/capture_live.h"

using namespace netlab;
using Clock = std::chrono::steady_clock;

namespace {

struct SendResult {
  uint64_t sent = 0;
  double seconds = 0;
  std::string error;
};

/// Sends `count` UDP datagrams of 64 bytes payload to dst:port at `rate` pps from namespace `netns`.
SendResult send_stream(const std::string& netns, const std::string& dst, uint16_t port, uint64_t count, uint64_t rate) {
  SendResult r;
  if (rate == 0 || count == 0) return r;
  Status st = host::in_netns(netns, [&] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      r.error = std::strerror(errno);
      return;
    }
    int sndbuf = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ::inet_pton(AF_INET, dst.c_str(), &sa.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) {
      r.error = std::strerror(errno);
      ::close(fd);
      return;
    }
    constexpr int kBatch = 32;
    std::vector<std::array<char, 64>> payload(kBatch);
    std::vector<iovec> iov(kBatch);
    std::vector<mmsghdr> msgs(kBatch);
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {payload[i].data(), payload[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    auto start = Clock::now();
    while (r.sent < count) {
      // Pacing: do not run ahead of sent/rate.
      auto due = start + std::chrono::nanoseconds(r.sent * 1000000000ull / rate);
      while (Clock::now() < due) {
      }
      int n = static_cast<int>(std::min<uint64_t>(kBatch, count - r.sent));
      for (int i = 0; i < n; ++i) {
        uint64_t seq = r.sent + static_cast<uint64_t>(i);
        std::snprintf(payload[i].data(), payload[i].size(), "netlab-bench %llu", static_cast<unsigned long long>(seq));
      }
      int got = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
      if (got < 0) {
        if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) continue;
        r.error = std::strerror(errno);
        break;
      }
      r.sent += static_cast<uint64_t>(got);
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(fd);
  });
  if (!st) r.error = st.error().message;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NETLAB_BINARY [--rate PPS] [--count N] [--lab NAME]\n", argv[0]);
    return 2;
  }
  std::string netlab = argv[1];
  uint64_t rate = 200000, count = 400000;
  int snaplen = 256;
  int senders = 1;
  bool capture = true;
  bool blocks = false;
  std::string lab = "lbn";
  for (int i = 2; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--no-capture" || k == "--blocks") {
      (k == "--blocks" ? blocks : capture) = k == "--blocks";
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    if (k == "--rate") rate = std::stoull(argv[i + 1]);
    else if (k == "--count") count = std::stoull(argv[i + 1]);
    else if (k == "--lab") lab = argv[i + 1];
    else if (k == "--snaplen") snaplen = std::stoi(argv[i + 1]);
    else if (k == "--senders") senders = std::max(1, std::stoi(argv[i + 1]));
  }
  const std::string topo = "/tmp/" + lab + "-bench.yaml";
  std::ofstream(topo) << "name: " << lab << R"(
networks:
  default:
    mode: nat
    subnet: 192.168.122.0/24
    dhcp: {range: 192.168.122.100-192.168.122.199}
guests:
  g1:
    nics: [{network: default}]
  g2:
    nics: [{network: default}]
)";
  auto up = host::run({netlab, "up", topo, "--sandbox"}, {}, std::chrono::seconds(60));
  if (!up || up->exit_code != 0) {
    std::fprintf(stderr, "netlab up failed: %s\n", up ? up->err.c_str() : up.error().message.c_str());
    return 1;
  }
  int rc = 0;
  {
    auto read = model::read_hopmap_file("/run/netlab/" + lab + "/" + model::kHopMapFile);
    if (!read) {
      std::fprintf(stderr, "%s\n", read.error().message.c_str());
      rc = 1;  // still take the lab down below
    }
    const model::HopMap map = read ? *read : model::HopMap{};
    auto all = tracer::targets_for(map, "g1", "");
    std::vector<tracer::CaptureTarget> four;
    for (const auto& t : all) {
      if (four.size() < 4) four.push_back(t);  // guest NIC, veth, bridge, uplink
    }
    tracer::LiveOptions lo;
    lo.filter = "host 198.51.100.1 and (udp port 9999 or icmp)";
    lo.keep_frames = false;
    lo.buffer_bytes = 32 << 20;
    lo.snaplen = snaplen;
    lo.immediate = !blocks;
    auto cap = tracer::LiveCapture::open(capture ? four : std::vector<tracer::CaptureTarget>{}, lo);
    if (!cap) {
      std::fprintf(stderr, "capture: %s\n", cap.error().message.c_str());
      rc = 1;
    } else {
      std::atomic<int> running{senders};
      std::vector<SendResult> parts(static_cast<size_t>(senders));
      std::vector<std::thread> threads;
      const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
      auto t0 = Clock::now();
      for (int i = 0; i < senders; ++i) {
        const uint64_t share = count / senders + (static_cast<uint64_t>(i) < count % senders ? 1 : 0);
        threads.emplace_back([&, i, share] {
          cpu_set_t set;
          CPU_ZERO(&set);
          CPU_SET(static_cast<unsigned>(i) % cpus, &set);
          ::sched_setaffinity(0, sizeof set, &set);
          parts[static_cast<size_t>(i)] = send_stream(map.lab + "-g1", "198.51.100.1", 9999, share, rate / senders);
          --running;
        });
      }
      while (running > 0) {
        if (capture) cap->poll(20);
        else usleep(20000);
      }
      for (auto& t : threads) t.join();
      SendResult sent;
      for (const auto& p : parts) {
        sent.sent += p.sent;
        sent.seconds = std::max(sent.seconds, p.seconds);
        if (sent.error.empty()) sent.error = p.error;
      }
      cap->drain(50, 2000);
      double wall = std::chrono::duration<double>(Clock::now() - t0).count();
      auto stats = cap->stats();
      uint64_t frames = cap->frames(), dropped = 0;
      std::printf("{\n  \"snaplen\": %d, \"senders\": %d, \"rate_target_pps\": %llu, \"count\": %llu, \"sent\": %llu, \"send_seconds\": %.3f,"
                  " \"send_pps\": %.0f,\n",
                  snaplen, senders, static_cast<unsigned long long>(rate), static_cast<unsigned long long>(count),
                  static_cast<unsigned long long>(sent.sent), sent.seconds, sent.sent / sent.seconds);
      std::printf("  \"devices\": [\n");
      for (size_t i = 0; i < stats.size(); ++i) {
        dropped += stats[i].dropped;
        std::printf("    {\"device\": \"%s/%s\", \"pcap_received\": %llu, \"pcap_dropped\": %llu, \"decoded\": %llu}%s\n",
                    four[i].netns.c_str(), four[i].device.c_str(), static_cast<unsigned long long>(stats[i].received),
                    static_cast<unsigned long long>(stats[i].dropped), static_cast<unsigned long long>(stats[i].decoded),
                    i + 1 < stats.size() ? "," : "");
      }
      std::printf("  ],\n  \"frames_decoded\": %llu, \"pcap_dropped\": %llu, \"capture_wall_s\": %.3f,"
                  " \"handled_pps_all_devices\": %.0f%s%s\n}\n",
                  static_cast<unsigned long long>(frames), static_cast<unsigned long long>(dropped), wall,
                  frames / sent.seconds, sent.error.empty() ? "" : ", \"send_error\": ",
                  sent.error.empty() ? "" : ("\"" + sent.error + "\"").c_str());
    }
  }
  auto down = host::run({netlab, "down", lab}, {}, std::chrono::seconds(60));
  if (!down || down->exit_code != 0) rc = 1;
  std::remove(topo.c_str());
  return rc;
}
