#include "netlab/host/dnsmasq_conf.h"

#include <sstream>

namespace netlab::host {
namespace {

/// A value dnsmasq reads verbatim up to the end of the line (paths, names).
bool safe_value(const std::string& text) {
  for (char c : text)
    if (c == '\n' || c == '\r' || c == '\0') return false;
  return true;
}

/// A value inside a comma-separated option (hostnames, lease time, domain).
bool safe_field(const std::string& text) {
  if (!safe_value(text)) return false;
  for (char c : text)
    if (c == ',' || c == '=' || c == ' ' || c == '#') return false;
  return true;
}

std::string netmask(int prefix) {
  uint32_t mask = prefix <= 0 ? 0 : (prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1));
  return model::Ipv4{mask}.str();
}

}  // namespace

DnsmasqFiles dnsmasq_files(const std::string& run_dir, const std::string& network) {
  std::string base = run_dir + "/dnsmasq-" + network;
  return {base + ".conf", base + ".pid", base + ".leases", base + ".log", base + ".bridge"};
}

Result<std::string> render_dnsmasq_conf(const DnsmasqConfig& c) {
  if (c.bridge.empty() || !safe_field(c.bridge)) return Error{"dnsmasq: invalid bridge name '" + c.bridge + "'"};
  if (c.network.empty() || !safe_field(c.network) || c.network.find('/') != std::string::npos)
    return Error{"dnsmasq: invalid network name '" + c.network + "'"};
  if (!safe_value(c.lab)) return Error{"dnsmasq: invalid lab name"};
  if (c.run_dir.empty() || c.run_dir[0] != '/' || !safe_value(c.run_dir))
    return Error{"dnsmasq: the run directory must be an absolute path"};
  if (c.prefix < 1 || c.prefix > 30) return Error{"dnsmasq: prefix /" + std::to_string(c.prefix) + " leaves no DHCP room"};
  if (c.range_start.has_value() != c.range_end.has_value())
    return Error{"dnsmasq: a DHCP range needs both a start and an end"};
  if (c.range_start && *c.range_end < *c.range_start) return Error{"dnsmasq: DHCP range end before its start"};
  if (!safe_field(c.lease_time) || c.lease_time.empty()) return Error{"dnsmasq: invalid lease time '" + c.lease_time + "'"};
  if (!safe_field(c.domain)) return Error{"dnsmasq: invalid domain '" + c.domain + "'"};
  if (c.mtu && (*c.mtu < 68 || *c.mtu > 65535)) return Error{"dnsmasq: invalid MTU " + std::to_string(*c.mtu)};
  for (const StaticHost& h : c.hosts)
    if (!safe_field(h.name)) return Error{"dnsmasq: invalid host name '" + h.name + "'"};
  if (c.ipv6) {
    const Dnsmasq6Config& v6 = *c.ipv6;
    if (v6.prefix != 64) return Error{"dnsmasq: router advertisements need a /64, not /" + std::to_string(v6.prefix)};
    if (v6.range_start.has_value() != v6.range_end.has_value())
      return Error{"dnsmasq: a DHCPv6 range needs both a start and an end"};
    if (v6.range_start && *v6.range_end < *v6.range_start) return Error{"dnsmasq: DHCPv6 range end before its start"};
    if (!safe_field(v6.lease_time) || v6.lease_time.empty())
      return Error{"dnsmasq: invalid lease time '" + v6.lease_time + "'"};
  }

  const DnsmasqFiles files = dnsmasq_files(c.run_dir, c.network);
  std::ostringstream out;
  out << "# netlab:" << c.lab << ":" << c.network << " - written by netlab, do not edit\n";
  out << "strict-order\n";
  out << "interface=" << c.bridge << "\n";
  out << "bind-interfaces\n";
  out << "except-interface=lo\n";
  out << "listen-address=" << c.listen_address.str() << "\n";
  if (c.ipv6) out << "listen-address=" << c.ipv6->listen_address.str() << "\n";
  if (!c.dns) out << "port=0\n";
  if (!c.domain.empty()) {
    out << "domain=" << c.domain << "\n";
    out << "local=/" << c.domain << "/\n";
    out << "expand-hosts\n";
  }
  if (c.range_start) {
    out << "dhcp-range=" << c.range_start->str() << "," << c.range_end->str() << "," << netmask(c.prefix) << ","
        << c.lease_time << "\n";
    out << "dhcp-lease-max=" << (c.range_end->value - c.range_start->value + 1 + c.hosts.size()) << "\n";
  }
  if (c.ipv6) {
    const Dnsmasq6Config& v6 = *c.ipv6;
    const model::Ipv6 prefix = model::Cidr6{v6.listen_address, v6.prefix}.network();
    out << "enable-ra\n";
    if (v6.range_start)
      out << "dhcp-range=" << v6.range_start->str() << "," << v6.range_end->str() << ",slaac," << v6.prefix << ","
          << v6.lease_time << "\n";
    else
      out << "dhcp-range=" << prefix.str() << ",ra-only," << v6.prefix << "\n";
    if (!v6.advertise_router) out << "ra-param=" << c.bridge << ",60,0\n";
    if (c.dns) out << "dhcp-option=option6:dns-server,[" << v6.listen_address.str() << "]\n";
  }
  if (c.range_start || !c.hosts.empty() || (c.ipv6 && c.ipv6->range_start)) {
    if (c.range_start || !c.hosts.empty()) {
      if (c.advertise_router) out << "dhcp-option=option:router," << c.listen_address.str() << "\n";
      else out << "dhcp-option=option:router\n";  // an empty option 3: no default route, as libvirt's isolated networks
      if (c.dns) out << "dhcp-option=option:dns-server," << c.listen_address.str() << "\n";
      if (c.mtu) out << "dhcp-option=option:mtu," << *c.mtu << "\n";
    }
    for (const StaticHost& h : c.hosts) {
      out << "dhcp-host=" << h.mac.str() << "," << h.ip.str();
      if (!h.name.empty()) out << "," << h.name;
      out << "\n";
    }
    out << "dhcp-no-override\n";
    out << "dhcp-authoritative\n";
    out << "no-ping\n";
    out << "dhcp-leasefile=" << files.leases << "\n";
    out << "log-dhcp\n";
  }
  out << "pid-file=" << files.pid << "\n";
  out << "log-facility=" << files.log << "\n";
  out << "no-resolv\n";
  out << "no-hosts\n";
  return out.str();
}

}  // namespace netlab::host
