#include "netlab/host/udhcpc_script.h"

#include <charconv>
#include <map>

namespace netlab::host {
namespace {

std::optional<uint32_t> parse_uint(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// "key=value" words of one line; values hold no spaces (lists are comma-joined).
std::map<std::string, std::string, std::less<>> fields(std::string_view line) {
  std::map<std::string, std::string, std::less<>> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    std::string_view word = line.substr(start, i - start);
    size_t eq = word.find('=');
    if (eq != std::string_view::npos) out.emplace(std::string(word.substr(0, eq)), std::string(word.substr(eq + 1)));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t next = text.find(sep, pos);
    if (next == std::string_view::npos) next = text.size();
    if (next > pos) out.push_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

}  // namespace

std::string render_udhcpc_script(const std::string& busybox_path) {
  // Fixed text: only the busybox path (chosen by netlab, not the user) is inserted, single-quoted.
  std::string bb = "'" + busybox_path + "'";
  return "#!" + busybox_path + " sh\n"
         "# netlab udhcpc script: configures $interface, prints one netlab-lease line per lease.\n"
         "BB=" + bb + "\n"
         "event=\"$1\"\n"
         "case \"$event\" in\n"
         "  deconfig)\n"
         "    $BB ip -4 addr flush dev \"$interface\"\n"
         "    $BB ip link set dev \"$interface\" up\n"
         "    ;;\n"
         "  bound|renew)\n"
         "    if [ \"$event\" = bound ]; then $BB ip -4 addr flush dev \"$interface\"; fi\n"
         "    $BB ip addr add \"$ip/${mask:-24}\" dev \"$interface\" 2>/dev/null\n"
         "    if [ -n \"$mtu\" ]; then $BB ip link set dev \"$interface\" mtu \"$mtu\"; fi\n"
         "    first_router=\"\"\n"
         "    for r in $router; do first_router=\"$r\"; break; done\n"
         "    if [ -n \"$first_router\" ]; then\n"
         "      $BB ip route del default dev \"$interface\" 2>/dev/null\n"
         "      $BB ip route add default via \"$first_router\" dev \"$interface\"\n"
         "    fi\n"
         "    dns_list=\"\"\n"
         "    for d in $dns; do dns_list=\"${dns_list:+$dns_list,}$d\"; done\n"
         "    echo \"netlab-lease event=$event interface=$interface ip=$ip mask=${mask:-24} router=$first_router"
         " serverid=$serverid lease=$lease mtu=$mtu dns=$dns_list\"\n"
         "    ;;\n"
         "esac\n"
         "exit 0\n";
}

Result<DhcpLease> parse_udhcpc_output(std::string_view output) {
  std::string_view last;
  size_t pos = 0;
  while (pos < output.size()) {
    size_t nl = output.find('\n', pos);
    if (nl == std::string_view::npos) nl = output.size();
    std::string_view line = output.substr(pos, nl - pos);
    if (line.starts_with(kLeaseLineMarker) && line.size() > kLeaseLineMarker.size() &&
        line[kLeaseLineMarker.size()] == ' ')
      last = line;
    pos = nl + 1;
  }
  if (last.empty()) return Error{"udhcpc reported no lease"};
  auto f = fields(last.substr(kLeaseLineMarker.size()));
  auto get = [&](std::string_view key) -> std::string {
    auto it = f.find(key);
    return it == f.end() ? std::string() : it->second;
  };
  DhcpLease lease;
  lease.event = get("event");
  lease.interface = get("interface");
  if (lease.event != "bound" && lease.event != "renew") return Error{"udhcpc lease line with event '" + lease.event + "'"};
  std::optional<model::Ipv4> ip = model::Ipv4::parse(get("ip"));
  std::optional<uint32_t> mask = parse_uint(get("mask"));
  if (!ip || !mask || *mask > 32) return Error{"udhcpc lease line without a valid ip/mask: " + std::string(last)};
  lease.address = {*ip, static_cast<int>(*mask)};
  if (std::string r = get("router"); !r.empty()) {
    lease.router = model::Ipv4::parse(r);
    if (!lease.router) return Error{"udhcpc lease line with invalid router '" + r + "'"};
  }
  if (std::string s = get("serverid"); !s.empty()) lease.server = model::Ipv4::parse(s);
  std::optional<uint32_t> seconds = parse_uint(get("lease"));
  if (!seconds) return Error{"udhcpc lease line without a lease time: " + std::string(last)};
  lease.lease_seconds = *seconds;
  if (std::optional<uint32_t> mtu = parse_uint(get("mtu"))) lease.mtu = static_cast<int>(*mtu);
  const std::string dns = get("dns");
  for (std::string_view d : split(dns, ','))
    if (std::optional<model::Ipv4> addr = model::Ipv4::parse(d)) lease.dns.push_back(*addr);
  return lease;
}

}  // namespace netlab::host
