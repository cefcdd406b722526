// Probe construction and sending (see probe.h).
#include "tracer/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

namespace netlab::tracer {
namespace {

using host::Fd;

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

uint16_t checksum(const uint8_t* data, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (len % 2 != 0) sum += static_cast<uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

/// A destination of either family, as the socket calls take it.
struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family() const { return ss.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

SockAddr to_sockaddr(model::Ipv4 ip, uint16_t port) {
  SockAddr a;
  auto* sa = reinterpret_cast<sockaddr_in*>(&a.ss);
  sa->sin_family = AF_INET;
  sa->sin_addr.s_addr = htonl(ip.value);
  sa->sin_port = htons(port);
  a.len = sizeof(sockaddr_in);
  return a;
}

SockAddr to_sockaddr(const model::Ipv6& ip, uint16_t port) {
  SockAddr a;
  auto* sa = reinterpret_cast<sockaddr_in6*>(&a.ss);
  sa->sin6_family = AF_INET6;
  std::memcpy(&sa->sin6_addr, ip.bytes.data(), 16);
  sa->sin6_port = htons(port);
  a.len = sizeof(sockaddr_in6);
  return a;
}

std::string errno_text(int err) { return std::strerror(err); }

/// The echo id an ICMP(v6) error about one of our echoes carries, from the
/// error's body `inner` (after its 8-byte header, `avail` bytes); -1 when it
/// embeds no echo request. IPv4 errors embed an IPv4 header of any length, ICMPv6
/// errors the IPv6 header of our own echo (no extension headers).
int embedded_echo_id(bool v6, const uint8_t* inner, size_t avail) {
  size_t ihl2 = v6 ? 40 : static_cast<size_t>(inner[0] & 0x0f) * 4;
  if (avail < ihl2 + 8) return -1;
  if (v6 ? inner[6] != IPPROTO_ICMPV6 : inner[9] != IPPROTO_ICMP) return -1;
  const uint8_t* echo = inner + ihl2;
  return echo[4] << 8 | echo[5];
}

/// One ICMP (IPv4) or ICMPv6 echo request with id/seq and the payload; waits
/// for its reply or an error about it. An ICMPv6 socket computes the checksum
/// itself and receives messages without the IPv6 header.
void icmp_probe(int fd, const SockAddr& dst, uint16_t id, uint16_t seq, const std::string& payload, int wait_ms,
                ProbeOutcome* out) {
  const bool v6 = dst.family() == AF_INET6;
  const uint8_t echo_request = v6 ? 128 : ICMP_ECHO, echo_reply = v6 ? 129 : ICMP_ECHOREPLY;
  std::vector<uint8_t> pkt(8 + payload.size());
  pkt[0] = echo_request;
  pkt[4] = static_cast<uint8_t>(id >> 8);
  pkt[5] = static_cast<uint8_t>(id);
  pkt[6] = static_cast<uint8_t>(seq >> 8);
  pkt[7] = static_cast<uint8_t>(seq);
  std::memcpy(pkt.data() + 8, payload.data(), payload.size());
  if (!v6) {
    uint16_t sum = checksum(pkt.data(), pkt.size());
    pkt[2] = static_cast<uint8_t>(sum >> 8);
    pkt[3] = static_cast<uint8_t>(sum);
  }
  if (::sendto(fd, pkt.data(), pkt.size(), 0, dst.get(), dst.len) < 0) {
    out->error = errno_text(errno);
    return;
  }
  ++out->sent;
  auto deadline = Clock::now() + std::chrono::milliseconds(wait_ms);
  uint8_t buf[2048];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    int left = remaining_ms(deadline);
    if (left == 0 || ::poll(&p, 1, left) <= 0) {
      out->error = "no answer";
      return;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < (v6 ? 8 : 20)) continue;
    size_t ihl = v6 ? 0 : static_cast<size_t>(buf[0] & 0x0f) * 4;
    if (static_cast<size_t>(n) < ihl + 8) continue;
    const uint8_t* icmp = buf + ihl;
    if (icmp[0] == echo_reply) {
      uint16_t rid = static_cast<uint16_t>(icmp[4] << 8 | icmp[5]);
      uint16_t rseq = static_cast<uint16_t>(icmp[6] << 8 | icmp[7]);
      if (rid == id && rseq == seq) {
        ++out->answered;
        out->error.clear();
        return;
      }
      continue;
    }
    const bool unreachable = v6 ? icmp[0] == 1 : icmp[0] == ICMP_DEST_UNREACH;
    const bool exceeded = v6 ? icmp[0] == 3 : icmp[0] == ICMP_TIME_EXCEEDED;
    if (!unreachable && !exceeded) continue;
    if (embedded_echo_id(v6, icmp + 8, static_cast<size_t>(n) - ihl - 8) != id) continue;
    ++out->refused;
    out->error = unreachable ? std::string("destination unreachable (ICMP") + (v6 ? "v6" : "") + " code " +
                                   std::to_string(icmp[1]) + ")"
                             : "time exceeded";
    return;
  }
}

/// The probe's source port, which the tracer's BPF filter and conntrack lookup key on.
void record_source_port(int fd, ProbeOutcome* out) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return;
  // sin_port and sin6_port sit at the same offset.
  out->sport = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
}

/// Sends `payload` on a connected socket and waits up to `wait_ms` for what comes back.
void tcp_exchange(int fd, const std::string& payload, int wait_ms, ProbeOutcome* out) {
  if (::send(fd, payload.data(), payload.size(), MSG_NOSIGNAL) < 0) {
    out->error = "sending the payload: " + errno_text(errno);
    return;
  }
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) {
    out->error = "no answer to the payload";
    return;
  }
  char buf[4096];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n > 0) out->answer_bytes += static_cast<int>(n);
  else if (n < 0) out->error = "reading the answer: " + errno_text(errno);
}

void tcp_probe(const SockAddr& sa, const std::string& payload, int wait_ms, ProbeOutcome* out) {
  Fd fd(::socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    out->error = errno_text(errno);
    return;
  }
  int rc = ::connect(fd.get(), sa.get(), sa.len);
  if (rc < 0 && errno != EINPROGRESS) {
    out->error = errno_text(errno);
    return;
  }
  ++out->sent;
  record_source_port(fd.get(), out);
  pollfd p{fd.get(), POLLOUT, 0};
  if (rc < 0 && ::poll(&p, 1, wait_ms) <= 0) {
    out->error = "connection timed out";
    return;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err == 0) {
    ++out->answered;
    out->error.clear();
    if (!payload.empty()) tcp_exchange(fd.get(), payload, wait_ms, out);
  } else {
    if (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH) ++out->refused;
    out->error = errno_text(err);
  }
}

void udp_probe(const SockAddr& sa, const std::string& payload, int wait_ms, ProbeOutcome* out) {
  Fd fd(::socket(sa.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    out->error = errno_text(errno);
    return;
  }
  if (::connect(fd.get(), sa.get(), sa.len) < 0 ||
      ::send(fd.get(), payload.data(), payload.size(), 0) < 0) {
    out->error = errno_text(errno);
    return;
  }
  ++out->sent;
  record_source_port(fd.get(), out);
  pollfd p{fd.get(), POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) {
    out->error = "no answer";
    return;
  }
  char buf[2048];
  if (ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0); n >= 0) {
    ++out->answered;
    out->answer_bytes += static_cast<int>(n);
    out->error.clear();
  } else {
    if (errno == ECONNREFUSED) ++out->refused;
    out->error = errno_text(errno);
  }
}

}  // namespace

Result<ProbeSpec> parse_probe_proto(const std::string& text) {
  ProbeSpec spec;
  if (text == "icmp") return spec;
  auto colon = text.find(':');
  std::string name = text.substr(0, colon);
  if ((name != "tcp" && name != "udp") || colon == std::string::npos) {
    return Error{"--proto must be icmp, tcp:PORT or udp:PORT, not '" + text + "'"};
  }
  std::string port = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return Error{"--proto " + text + ": the port must be a number from 1 to 65535"};
  }
  spec.proto = name == "tcp" ? ProbeProto::kTcp : ProbeProto::kUdp;
  spec.port = static_cast<uint16_t>(value);
  return spec;
}

std::string probe_proto_text(const ProbeSpec& spec) {
  switch (spec.proto) {
    case ProbeProto::kIcmp: return "icmp";
    case ProbeProto::kTcp: return "tcp:" + std::to_string(spec.port);
    case ProbeProto::kUdp: return "udp:" + std::to_string(spec.port);
  }
  return "icmp";
}

namespace {

std::string bpf_filter(const ProbeSpec& spec, const std::string& dst, const char* icmp) {
  std::string host = "host " + dst;
  switch (spec.proto) {
    case ProbeProto::kIcmp: return host + " and " + icmp;
    case ProbeProto::kTcp: return host + " and (tcp port " + std::to_string(spec.port) + " or " + icmp + ")";
    case ProbeProto::kUdp: return host + " and (udp port " + std::to_string(spec.port) + " or " + icmp + ")";
  }
  return host;
}

/// `family` is "ip" or "ip6"; `icmp` the match of the probe's ICMP.
std::string nft_match(const ProbeSpec& spec, const std::string& family, const std::string& src,
                      const std::string& dst, bool reply, const char* icmp) {
  std::string m = reply ? family + " saddr " + dst : family + " saddr " + src + " " + family + " daddr " + dst;
  switch (spec.proto) {
    case ProbeProto::kIcmp: return m + " " + icmp;
    case ProbeProto::kTcp:
      return m + (reply ? " tcp sport " : " tcp dport ") + std::to_string(spec.port);
    case ProbeProto::kUdp:
      return m + (reply ? " udp sport " : " udp dport ") + std::to_string(spec.port);
  }
  return m;
}

}  // namespace

std::string probe_bpf_filter(const ProbeSpec& spec, model::Ipv4 dst) { return bpf_filter(spec, dst.str(), "icmp"); }

std::string probe_bpf_filter(const ProbeSpec& spec, const model::Ipv6& dst) {
  // Plus the neighbour solicitations asking for dst (NDP's "who-has", sent to a
  // multicast address, so `host` misses them): type 135 and its target, 4 bytes at a time.
  std::string ns = "(icmp6 and ip6[40] == 135";
  for (int i = 0; i < 4; ++i) {
    const auto* b = dst.bytes.data() + 4 * i;
    const uint32_t word = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", word);
    ns += " and ip6[" + std::to_string(48 + 4 * i) + ":4] == " + hex;
  }
  return "(" + bpf_filter(spec, dst.str(), "icmp6") + ") or " + ns + ")";
}

std::string probe_nft_match(const ProbeSpec& spec, model::Ipv4 src, model::Ipv4 dst, bool reply) {
  return nft_match(spec, "ip", src.str(), dst.str(), reply, "ip protocol icmp");
}

std::string probe_nft_match(const ProbeSpec& spec, const model::Ipv6& src, const model::Ipv6& dst, bool reply) {
  return nft_match(spec, "ip6", src.str(), dst.str(), reply, "meta l4proto ipv6-icmp");
}

std::string probe_payload(uint32_t nonce) { return "netlab-trace " + std::to_string(nonce); }

std::string dns_query(uint16_t id, const std::string& name) {
  std::string q{static_cast<char>(id >> 8), static_cast<char>(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string label = name.substr(start, std::min<size_t>(dot - start, 63));
    if (!label.empty()) {
      q += static_cast<char>(label.size());
      q += label;
    }
    start = dot + 1;
  }
  q += std::string{0, 0, 1, 0, 1};  // end of name, QTYPE A, QCLASS IN
  return q;
}

namespace {

Result<ProbeOutcome> send_probe_to(const std::string& netns, const ProbeSpec& spec, const SockAddr& dst,
                                   uint32_t nonce, int wait_ms) {
  std::optional<Error> failure;
  ProbeOutcome out;
  const bool v6 = dst.family() == AF_INET6;
  Status entered = host::in_netns(netns, [&] {
    std::string payload = spec.payload.empty() ? probe_payload(nonce) : spec.payload;
    if (spec.proto == ProbeProto::kUdp && spec.port == 53) {  // a DNS server answers only a DNS query
      std::string name = spec.payload.empty() ? "netlab-trace-" + std::to_string(nonce) + ".invalid" : spec.payload;
      payload = dns_query(static_cast<uint16_t>(nonce), name);
    }
    if (spec.proto == ProbeProto::kIcmp) {
      Fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, v6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP}));
      if (fd.get() < 0) {
        failure = Error{std::string("cannot open an ICMP") + (v6 ? "v6" : "") + " socket in namespace " + netns + ": " +
                        errno_text(errno)};
        return;
      }
      out.echo_id = static_cast<uint16_t>(nonce);
      for (int i = 0; i < spec.count; ++i) icmp_probe(fd.get(), dst, out.echo_id, static_cast<uint16_t>(i), payload,
                                                      wait_ms, &out);
    } else {
      for (int i = 0; i < spec.count; ++i) {
        if (spec.proto == ProbeProto::kTcp) tcp_probe(dst, spec.payload, wait_ms, &out);
        else udp_probe(dst, payload, wait_ms, &out);
      }
    }
  });
  if (!entered) return entered.error();
  if (failure) return *failure;
  return out;
}

}  // namespace

Result<ProbeOutcome> send_probe(const std::string& netns, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                int wait_ms) {
  return send_probe_to(netns, spec, to_sockaddr(dst, spec.port), nonce, wait_ms);
}

Result<ProbeOutcome> send_probe(const std::string& netns, const ProbeSpec& spec, const model::Ipv6& dst,
                                uint32_t nonce, int wait_ms) {
  return send_probe_to(netns, spec, to_sockaddr(dst, spec.port), nonce, wait_ms);
}

}  // namespace netlab::tracer
