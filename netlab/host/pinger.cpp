#include "netlab/host/pinger.h"

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

uint16_t checksum(const uint8_t* data, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (len & 1) sum += static_cast<uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

Status Pinger::start(const std::string& netns, const model::Ipv4& to, std::chrono::milliseconds interval) {
  int fd = -1;
  int err = 0;
  auto entered = in_netns(netns, [&] {
    fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    err = errno;
  });
  if (!entered) return entered.error();
  if (fd < 0) return Error{"cannot open an ICMP socket in " + netns + ": " + std::strerror(err)};
  fd_ = fd;
  to_ = to;
  interval_ = interval;
  id_ = static_cast<uint16_t>(::getpid() ^ 0x6d67);
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return {};
}

void Pinger::run() {
  using clock = std::chrono::steady_clock;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_addr.s_addr = htonl(to_.value);
  auto last_answer = clock::now();
  auto next_send = last_answer;
  std::vector<bool> answered;  // by sequence number
  int loss_run = 0;
  long first_answered = -1;  // the figures count from the first answer on
  uint16_t seq = 0;
  while (!stop_) {
    const auto now = clock::now();
    if (now >= next_send) {
      uint8_t packet[64] = {};
      packet[0] = ICMP_ECHO;
      packet[4] = static_cast<uint8_t>(id_ >> 8);
      packet[5] = static_cast<uint8_t>(id_);
      packet[6] = static_cast<uint8_t>(seq >> 8);
      packet[7] = static_cast<uint8_t>(seq);
      const uint16_t sum = checksum(packet, sizeof packet);
      packet[2] = static_cast<uint8_t>(sum >> 8);
      packet[3] = static_cast<uint8_t>(sum);
      ::sendto(fd_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
      answered.push_back(false);
      ++seq;
      next_send += interval_;
      if (next_send < now) next_send = now + interval_;  // a stalled thread does not burst
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_send - clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, wait.count()))) <= 0) continue;
    uint8_t buf[1500];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < static_cast<ssize_t>(sizeof(iphdr))) continue;
    const size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
    if (static_cast<size_t>(n) < ihl + 8) continue;
    const uint8_t* icmp = buf + ihl;
    uint32_t src = 0;
    std::memcpy(&src, buf + 12, 4);
    if (icmp[0] != ICMP_ECHOREPLY || ntohl(src) != to_.value) continue;
    if ((icmp[4] << 8 | icmp[5]) != id_) continue;
    const size_t s = static_cast<size_t>(icmp[6] << 8 | icmp[7]);
    if (s >= answered.size() || answered[s]) continue;
    answered[s] = true;
    const auto at = clock::now();
    if (first_answered < 0) first_answered = static_cast<long>(s);
    else figures_.longest_gap =
        std::max(figures_.longest_gap, std::chrono::duration_cast<std::chrono::microseconds>(at - last_answer));
    last_answer = at;
    received_++;
  }
  // A request of the last interval had no time to be answered: not counted.
  size_t counted = answered.size();
  if (counted > 0 && !answered.back()) --counted;
  const size_t first = first_answered < 0 ? counted : static_cast<size_t>(first_answered);
  figures_.sent = static_cast<int>(counted - std::min(first, counted));
  figures_.received = received_.load();
  for (size_t i = first; i < counted; ++i) {
    loss_run = answered[i] ? 0 : loss_run + 1;
    figures_.longest_loss_run = std::max(figures_.longest_loss_run, loss_run);
  }
}

PingFigures Pinger::stop() {
  if (thread_.joinable()) {
    std::this_thread::sleep_for(interval_);  // the last request's answer may still be on its way
    stop_ = true;
    thread_.join();
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return figures_;
}

}  // namespace netlab::host
