#include "netlab/host/lease_file.h"

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

}  // namespace

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

Result<std::vector<Lease>> read_leases(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read lease file " + path + ": " + std::strerror(errno)};
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_leases(buf.str());
}

}  // namespace netlab::host
