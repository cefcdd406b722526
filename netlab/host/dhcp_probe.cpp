// A DHCPDISCOVER out of one device and its DHCPOFFER (see dhcp_probe.h), over
// an AF_PACKET datagram socket: the kernel adds the Ethernet header (our
// device's MAC as source, broadcast as destination); IP and UDP are built here
// because the probe has no address to send from.
#include "netlab/host/dhcp_probe.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

constexpr uint16_t kServerPort = 67, kClientPort = 68;
constexpr uint8_t kMagic[4] = {99, 130, 83, 99};
constexpr size_t kIpHeader = 20, kUdpHeader = 8, kBootpFixed = 236;
constexpr uint8_t kOptionType = 53, kOptionServer = 54, kOptionEnd = 255, kDiscover = 1, kOffer = 2;

uint32_t random_u32() {
  static thread_local std::mt19937 gen{std::random_device{}()};
  return gen();
}

void put16(std::vector<uint8_t>& p, size_t at, uint16_t v) {
  p[at] = static_cast<uint8_t>(v >> 8);
  p[at + 1] = static_cast<uint8_t>(v);
}

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

uint16_t ip_checksum(const uint8_t* header, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += get16(header + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

/// 0.0.0.0:68 -> 255.255.255.255:67, BOOTREQUEST with the broadcast flag,
/// options: message type DISCOVER, end. UDP checksum 0 (none, allowed in IPv4).
std::vector<uint8_t> discover_packet(uint32_t xid, const model::Mac& mac) {
  const size_t bootp = 300;  // the BOOTP minimum, padded with zeros
  std::vector<uint8_t> p(kIpHeader + kUdpHeader + bootp, 0);
  p[0] = 0x45;
  put16(p, 2, static_cast<uint16_t>(p.size()));
  p[8] = 64;   // TTL
  p[9] = 17;   // UDP
  std::memset(&p[16], 0xff, 4);
  put16(p, 10, ip_checksum(p.data(), kIpHeader));
  uint8_t* udp = &p[kIpHeader];
  put16(p, kIpHeader, kClientPort);
  put16(p, kIpHeader + 2, kServerPort);
  put16(p, kIpHeader + 4, static_cast<uint16_t>(kUdpHeader + bootp));
  uint8_t* b = udp + kUdpHeader;
  b[0] = 1;  // BOOTREQUEST
  b[1] = 1;  // Ethernet
  b[2] = 6;
  b[4] = static_cast<uint8_t>(xid >> 24);
  b[5] = static_cast<uint8_t>(xid >> 16);
  b[6] = static_cast<uint8_t>(xid >> 8);
  b[7] = static_cast<uint8_t>(xid);
  b[10] = 0x80;  // broadcast flag: the offer comes back to ff:ff:ff:ff:ff:ff
  std::memcpy(b + 28, mac.bytes.data(), 6);
  std::memcpy(b + kBootpFixed, kMagic, 4);
  uint8_t* o = b + kBootpFixed + 4;
  o[0] = kOptionType;
  o[1] = 1;
  o[2] = kDiscover;
  o[3] = kOptionEnd;
  return p;
}

/// The offer in an IP datagram, when it is a DHCPOFFER to port 68 with `xid`.
std::optional<DhcpOffer> parse_offer(const uint8_t* p, size_t len, uint32_t xid) {
  if (len < kIpHeader || (p[0] >> 4) != 4 || p[9] != 17) return std::nullopt;
  const size_t ihl = size_t{p[0] & 0x0fu} * 4;
  if (ihl < kIpHeader || len < ihl + kUdpHeader + kBootpFixed + 4) return std::nullopt;
  const uint8_t* udp = p + ihl;
  if (get16(udp + 2) != kClientPort) return std::nullopt;
  const uint8_t* b = udp + kUdpHeader;
  const size_t blen = len - ihl - kUdpHeader;
  if (b[0] != 2 || get32(b + 4) != xid || std::memcmp(b + kBootpFixed, kMagic, 4) != 0) return std::nullopt;
  DhcpOffer offer;
  offer.offered.value = get32(b + 16);
  bool is_offer = false;
  for (size_t i = kBootpFixed + 4; i < blen;) {
    const uint8_t code = b[i];
    if (code == kOptionEnd) break;
    if (code == 0) {
      ++i;
      continue;
    }
    if (i + 1 >= blen || i + 2 + b[i + 1] > blen) break;
    const uint8_t n = b[i + 1];
    if (code == kOptionType && n == 1) is_offer = b[i + 2] == kOffer;
    if (code == kOptionServer && n == 4) offer.server.value = get32(b + i + 2);
    i += 2 + n;
  }
  if (!is_offer) return std::nullopt;
  return offer;
}

}  // namespace

model::Mac probe_mac() {
  model::Mac mac;
  const uint32_t r = random_u32();
  mac.bytes = {0x02, 0x6e, 0x6c, static_cast<uint8_t>(r >> 16), static_cast<uint8_t>(r >> 8), static_cast<uint8_t>(r)};
  return mac;
}

Result<std::optional<DhcpOffer>> dhcp_discover(const std::string& netns, const std::string& device,
                                               const model::Mac& client_mac, std::chrono::milliseconds timeout) {
  const std::string where = device + (netns.empty() ? "" : " in namespace " + netns);
  Fd sock;
  unsigned ifindex = 0;
  int err = 0;
  Status entered = in_netns(netns, [&] {
    ifindex = ::if_nametoindex(device.c_str());
    if (ifindex == 0) {
      err = errno;
      return;
    }
    sock = Fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP)));
    if (!sock.valid()) err = errno;
  });
  if (!entered) return entered.error();
  if (ifindex == 0) return Error{"DHCP probe: no device " + where + ": " + std::strerror(err)};
  if (!sock.valid()) return Error{"DHCP probe: cannot open a packet socket on " + where + ": " + std::strerror(err)};
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_IP);
  addr.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Error{"DHCP probe: cannot bind to " + where + ": " + std::strerror(errno)};

  const uint32_t xid = random_u32();
  const std::vector<uint8_t> packet = discover_packet(xid, client_mac);
  sockaddr_ll to = addr;
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  auto send = [&]() -> Status {
    if (::sendto(sock.get(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
      return Error{"DHCP probe: cannot send on " + where + ": " + std::strerror(errno)};
    return {};
  };
  // A first discover can meet a port still learning (or a busy server): two more follow.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<Clock::time_point> resend = {start, start + std::chrono::milliseconds(300), start + std::chrono::seconds(1)};
  size_t sent = 0;
  std::array<uint8_t, 2048> buf{};
  for (;;) {
    const auto now = Clock::now();
    while (sent < resend.size() && resend[sent] <= now) {
      if (auto st = send(); !st) return st.error();
      ++sent;
    }
    const auto until = sent < resend.size() ? std::min(resend[sent], start + timeout) : start + timeout;
    if (now >= start + timeout) return std::optional<DhcpOffer>();
    const int wait_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count()) + 1;
    pollfd pfd{sock.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, wait_ms);
    if (ready < 0 && errno != EINTR) return Error{"DHCP probe: poll on " + where + ": " + std::strerror(errno)};
    if (ready <= 0) continue;
    const ssize_t n = ::recv(sock.get(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) continue;
    if (auto offer = parse_offer(buf.data(), static_cast<size_t>(n), xid)) return std::optional<DhcpOffer>(*offer);
  }
}

}  // namespace netlab::host
