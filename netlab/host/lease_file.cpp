#include "netlab/host/lease_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace netlab::host {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> colon_parts(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    out.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) return out;
    start = colon + 1;
  }
}

std::optional<Lease> parse_line(std::string_view line) {
  std::vector<std::string_view> w = words(line);
  if (w.size() != 5) return std::nullopt;
  Lease lease;
  auto [end, ec] = std::from_chars(w[0].data(), w[0].data() + w[0].size(), lease.expiry);
  if (ec != std::errc() || end != w[0].data() + w[0].size() || lease.expiry < 0) return std::nullopt;
  std::optional<model::Mac> mac = model::Mac::parse(w[1]);
  std::optional<model::Ipv4> ip = model::Ipv4::parse(w[2]);
  if (!mac || !ip) return std::nullopt;
  lease.mac = *mac;
  lease.ip = *ip;
  if (w[3] != "*") lease.hostname = std::string(w[3]);
  if (w[4] != "*") lease.client_id = std::string(w[4]);
  return lease;
}

std::optional<Lease6> parse_line6(std::string_view line) {
  std::vector<std::string_view> w = words(line);
  if (w.size() != 5) return std::nullopt;
  Lease6 lease;
  auto [end, ec] = std::from_chars(w[0].data(), w[0].data() + w[0].size(), lease.expiry);
  if (ec != std::errc() || end != w[0].data() + w[0].size() || lease.expiry < 0) return std::nullopt;
  std::string_view iaid = w[1];
  if (iaid.starts_with('T')) {
    lease.temporary = true;
    iaid.remove_prefix(1);
  }
  auto [iend, iec] = std::from_chars(iaid.data(), iaid.data() + iaid.size(), lease.iaid);
  if (iaid.empty() || iec != std::errc() || iend != iaid.data() + iaid.size()) return std::nullopt;
  std::optional<model::Ipv6> ip = model::Ipv6::parse(w[2]);
  if (!ip) return std::nullopt;
  lease.ip = *ip;
  if (w[3] != "*") lease.hostname = std::string(w[3]);
  if (w[4] != "*") lease.duid = std::string(w[4]);
  return lease;
}

/// The bytes of colon-separated hex ("0:1:0:1:32:a1", dnsmasq's and dhclient's
/// form: a byte may have one digit); nullopt when it is not that.
std::optional<std::vector<uint8_t>> hex_bytes(std::string_view text) {
  std::vector<uint8_t> out;
  for (std::string_view part : colon_parts(text)) {
    if (part.empty() || part.size() > 2) return std::nullopt;
    uint8_t b = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), b, 16);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    out.push_back(b);
  }
  return out;
}

}  // namespace

std::optional<model::Mac> duid_mac(std::string_view duid) {
  auto bytes = hex_bytes(duid);
  if (!bytes || bytes->size() < 4 || (*bytes)[2] != 0 || (*bytes)[3] != 1 || (*bytes)[0] != 0) return std::nullopt;
  size_t at = 0;
  if ((*bytes)[1] == 1) at = 8;       // type 2 bytes, hardware type 2, time 4, then the address
  else if ((*bytes)[1] == 3) at = 4;  // type, hardware type, then the address
  else return std::nullopt;
  if (bytes->size() != at + 6) return std::nullopt;
  model::Mac mac;
  std::copy(bytes->begin() + static_cast<long>(at), bytes->end(), mac.bytes.begin());
  return mac;
}

bool lease6_of(const Lease6& lease, const model::Mac& mac) {
  if (auto from_duid = duid_mac(lease.duid)) return *from_duid == mac;
  const uint32_t low = static_cast<uint32_t>(mac.bytes[2]) << 24 | static_cast<uint32_t>(mac.bytes[3]) << 16 |
                       static_cast<uint32_t>(mac.bytes[4]) << 8 | mac.bytes[5];
  return lease.iaid == low;
}

std::vector<Lease6> parse_leases6(std::string_view text) {
  std::vector<Lease6> leases;
  bool v6 = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a cut line (see parse_leases)
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.starts_with("duid ")) {
      v6 = true;
      continue;
    }
    if (!v6) continue;
    if (std::optional<Lease6> lease = parse_line6(line)) leases.push_back(std::move(*lease));
  }
  return leases;
}

std::vector<Lease> parse_leases(std::string_view text) {
  std::vector<Lease> leases;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    // A line without its newline may be cut by a concurrent rewrite: only complete lines count.
    if (nl == std::string_view::npos) break;
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.starts_with("duid ")) continue;
    if (std::optional<Lease> lease = parse_line(line)) leases.push_back(std::move(*lease));
  }
  return leases;
}

namespace {

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read lease file " + path + ": " + std::strerror(errno)};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

Result<std::vector<Lease>> read_leases(const std::string& path) {
  Result<std::string> text = read_text(path);
  if (!text) return text.error();
  return parse_leases(*text);
}

Result<std::vector<Lease6>> read_leases6(const std::string& path) {
  Result<std::string> text = read_text(path);
  if (!text) return text.error();
  return parse_leases6(*text);
}

}  // namespace netlab::host
