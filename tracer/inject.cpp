// Frame injection on a guest's tap (see inject.h).
#include "tracer/inject.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

namespace netlab::tracer {
namespace {

constexpr uint8_t kIcmp = 1, kTcp = 6, kUdp = 17;

void put16(std::vector<uint8_t>* b, size_t at, uint16_t v) {
  (*b)[at] = static_cast<uint8_t>(v >> 8);
  (*b)[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) { return static_cast<uint32_t>(get16(p)) << 16 | get16(p + 2); }

uint32_t sum16(const uint8_t* p, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (len % 2 != 0) sum += static_cast<uint32_t>(p[len - 1] << 8);
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t local_port(uint32_t nonce) { return static_cast<uint16_t>(40000 + nonce % 20000); }


/// Answers an ARP request for the guest's address; true when `f` was one.
bool answer_arp(int fd, const InjectTarget& t, const uint8_t* f, size_t n) {
  if (n < 42 || get16(f + 12) != 0x0806 || get16(f + 20) != 1 || get32(f + 38) != t.guest_ip.value) return false;
  std::vector<uint8_t> r(42, 0);
  std::memcpy(r.data(), f + 6, 6);
  std::memcpy(r.data() + 6, t.guest_mac.bytes.data(), 6);
  put16(&r, 12, 0x0806);
  put16(&r, 14, 1);
  put16(&r, 16, 0x0800);
  r[18] = 6;
  r[19] = 4;
  put16(&r, 20, 2);
  std::memcpy(r.data() + 22, t.guest_mac.bytes.data(), 6);
  put32(&r, 28, t.guest_ip.value);
  std::memcpy(r.data() + 32, f + 22, 6);
  std::memcpy(r.data() + 38, f + 28, 4);
  (void)!::write(fd, r.data(), r.size());
  return true;
}

enum class Answer { kNone, kAnswered, kRefused };

/// Classifies a frame sent to the guest as the probe's answer (or not).
Answer classify(const InjectTarget& t, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce, uint16_t seq,
                const uint8_t* f, size_t n) {
  if (n < 34 || get16(f + 12) != 0x0800) return Answer::kNone;
  const uint8_t* ip = f + 14;
  size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if (n < 14 + ihl + 8 || get32(ip + 16) != t.guest_ip.value) return Answer::kNone;
  const uint8_t* l4 = ip + ihl;
  uint8_t proto = ip[9];
  if (proto == kIcmp && (l4[0] == 3 || l4[0] == 11)) return Answer::kRefused;  // an error about something we sent
  if (get32(ip + 12) != dst.value) return Answer::kNone;
  switch (spec.proto) {
    case ProbeProto::kIcmp:
      return proto == kIcmp && l4[0] == 0 && get16(l4 + 4) == static_cast<uint16_t>(nonce) && get16(l4 + 6) == seq
                 ? Answer::kAnswered
                 : Answer::kNone;
    case ProbeProto::kTcp:
      if (proto != kTcp || n < 14 + ihl + 20 || get16(l4 + 2) != local_port(nonce)) return Answer::kNone;
      if ((l4[13] & 0x04) != 0) return Answer::kRefused;
      return (l4[13] & 0x12) == 0x12 ? Answer::kAnswered : Answer::kNone;
    case ProbeProto::kUdp:
      return proto == kUdp && get16(l4 + 2) == local_port(nonce) ? Answer::kAnswered : Answer::kNone;
  }
  return Answer::kNone;
}

}  // namespace

std::vector<uint8_t> craft_probe_frame(const InjectTarget& t, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                       uint16_t seq) {
  const std::string payload = probe_payload(nonce);
  size_t l4len = spec.proto == ProbeProto::kTcp ? 20 : 8 + payload.size();
  std::vector<uint8_t> f(14 + 20 + l4len, 0);
  std::memcpy(f.data(), t.next_hop.bytes.data(), 6);
  std::memcpy(f.data() + 6, t.guest_mac.bytes.data(), 6);
  put16(&f, 12, 0x0800);
  const size_t ip = 14, l4 = 34;
  f[ip] = 0x45;
  put16(&f, ip + 2, static_cast<uint16_t>(20 + l4len));
  put16(&f, ip + 4, static_cast<uint16_t>(nonce + seq));
  put16(&f, ip + 6, 0x4000);  // DF
  f[ip + 8] = 64;
  f[ip + 9] = spec.proto == ProbeProto::kIcmp ? kIcmp : spec.proto == ProbeProto::kTcp ? kTcp : kUdp;
  put32(&f, ip + 12, t.guest_ip.value);
  put32(&f, ip + 16, dst.value);
  put16(&f, ip + 10, fold(sum16(f.data() + ip, 20)));
  if (spec.proto == ProbeProto::kIcmp) {
    f[l4] = 8;
    put16(&f, l4 + 4, static_cast<uint16_t>(nonce));
    put16(&f, l4 + 6, seq);
    std::memcpy(f.data() + l4 + 8, payload.data(), payload.size());
    put16(&f, l4 + 2, fold(sum16(f.data() + l4, l4len)));
    return f;
  }
  put16(&f, l4, local_port(nonce));
  put16(&f, l4 + 2, spec.port);
  if (spec.proto == ProbeProto::kTcp) {
    put32(&f, l4 + 4, nonce << 16 | seq);
    f[l4 + 12] = 5 << 4;
    f[l4 + 13] = 0x02;  // SYN
    put16(&f, l4 + 14, 64240);
  } else {
    put16(&f, l4 + 4, static_cast<uint16_t>(l4len));
    std::memcpy(f.data() + l4 + 8, payload.data(), payload.size());
  }
  uint32_t pseudo = sum16(f.data() + ip + 12, 8) + f[ip + 9] + static_cast<uint32_t>(l4len);
  uint16_t sum = fold(sum16(f.data() + l4, l4len, pseudo));
  if (spec.proto == ProbeProto::kUdp && sum == 0) sum = 0xffff;
  put16(&f, l4 + (spec.proto == ProbeProto::kTcp ? 16 : 6), sum);
  return f;
}

Result<ProbeOutcome> inject_probe(const InjectTarget& target, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                  int wait_ms) {
  int fd = -1, err = 0;
  Status entered = host::in_netns(target.netns, [&] {
    fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      err = errno;
      return;
    }
    ifreq req{};
    std::strncpy(req.ifr_name, target.tap.c_str(), IFNAMSIZ - 1);
    req.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(fd, TUNSETIFF, &req) != 0) {
      err = errno;
      ::close(fd);
      fd = -1;
    }
  });
  if (!entered) return entered.error();
  if (fd < 0) {
    return Error{"cannot attach to tap " + target.tap + " to inject the probe: " + std::strerror(err) +
                 (err == EBUSY ? " (its VM holds it)" : "")};
  }
  host::Fd tap(fd);
  // With carrier up, the bridge port starts forwarding (no STP in netlab's bridges); give it a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  ProbeOutcome out;
  out.echo_id = spec.proto == ProbeProto::kIcmp ? static_cast<uint16_t>(nonce) : 0;
  out.sport = spec.proto == ProbeProto::kIcmp ? 0 : local_port(nonce);
  uint8_t buf[65536];
  for (int i = 0; i < spec.count; ++i) {
    auto seq = static_cast<uint16_t>(i);
    auto frame = craft_probe_frame(target, spec, dst, nonce, seq);
    if (::write(tap.get(), frame.data(), frame.size()) < 0) {
      out.error = std::strerror(errno);
      continue;
    }
    ++out.sent;
    out.error = "no answer";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{tap.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      ssize_t n = ::read(tap.get(), buf, sizeof buf);
      if (n <= 0) continue;
      if (answer_arp(tap.get(), target, buf, static_cast<size_t>(n))) continue;
      Answer a = classify(target, spec, dst, nonce, seq, buf, static_cast<size_t>(n));
      if (a == Answer::kAnswered) {
        ++out.answered;
        out.error.clear();
        break;
      }
      if (a == Answer::kRefused) {
        ++out.refused;
        out.error = "refused";
        break;
      }
    }
  }
  return out;
}

}  // namespace netlab::tracer
