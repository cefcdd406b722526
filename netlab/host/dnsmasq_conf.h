#pragma once
// The dnsmasq configuration of one network, rendered from plain values (pure,
// unit-tested). Close to what libvirt writes for its networks, plus `no-ping`
// (a lease in ~0.1 s instead of ~3 s) and per-network log and lease files.
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// A static DHCP reservation: dhcp-host=<mac>,<ip>[,<name>].
struct StaticHost {
  model::Mac mac;
  model::Ipv4 ip;
  std::string name;  ///< optional hostname; "" = none
};

/// The IPv6 side of a dual-stack network, as libvirt's <ip family='ipv6'>:
/// router advertisements for the prefix, and DHCPv6 from a range (stateful)
/// or SLAAC only.
struct Dnsmasq6Config {
  model::Ipv6 listen_address;       ///< the IPv6 gateway on the bridge
  int prefix = 64;
  std::optional<model::Ipv6> range_start;  ///< DHCPv6 range; absent = SLAAC only
  std::optional<model::Ipv6> range_end;
  std::string lease_time = "1h";
  /// The RA names the bridge as default router; false (isolated) advertises
  /// the prefix with router lifetime 0, so guests route nothing into it.
  bool advertise_router = true;
};

/// Everything dnsmasq needs for one network of one lab.
struct DnsmasqConfig {
  std::string lab;
  std::string network;
  std::string bridge;               ///< the only interface dnsmasq binds to
  model::Ipv4 listen_address;       ///< the gateway address on the bridge
  int prefix = 24;                  ///< the subnet's prefix length (gives the netmask)
  std::optional<model::Ipv4> range_start;  ///< DHCP range; absent = DNS only, no DHCP
  std::optional<model::Ipv4> range_end;
  /// Offer the gateway as the default router (DHCP option 3). libvirt's isolated
  /// networks offer none, so guests do not route their traffic into a dead end.
  bool advertise_router = true;
  std::string lease_time = "1h";    ///< dnsmasq syntax: seconds, or with m/h/d, or "infinite"
  std::vector<StaticHost> hosts;
  bool dns = true;                  ///< false: port=0, no DNS service at all
  std::string domain;               ///< optional local domain ("" = none)
  std::optional<int> mtu;           ///< DHCP option 26 when set
  std::string run_dir;              ///< the lab's run directory, e.g. /run/netlab/<lab>
  std::optional<Dnsmasq6Config> ipv6;  ///< dual-stack: RA and DHCPv6 / SLAAC too
};

/// The files of one network's dnsmasq under the run directory.
struct DnsmasqFiles {
  std::string conf;    ///< <run_dir>/dnsmasq-<network>.conf
  std::string pid;     ///< .pid
  std::string leases;  ///< .leases
  std::string log;     ///< .log
  /// .bridge: the ifindex of the bridge the running daemon was started on. dnsmasq
  /// binds its DHCP socket to that device; a bridge deleted and recreated under
  /// the same name has another ifindex, and the old daemon serves nobody.
  std::string bridge_index;
};

/// The paths dnsmasq of `network` uses under `run_dir`.
DnsmasqFiles dnsmasq_files(const std::string& run_dir, const std::string& network);

/// Renders the conf file: interface=<bridge>, bind-interfaces, except-interface=lo,
/// listen-address, dhcp-range with netmask and lease time, option:router, static
/// dhcp-host lines, no-ping, dhcp-authoritative, dhcp-leasefile, pid-file,
/// log-facility, log-dhcp, no-resolv, no-hosts, strict-order; port=0 without DNS.
/// With `ipv6`: a second listen-address, enable-ra, a dhcp-range for the prefix
/// (start,end,slaac,prefix,lease for DHCPv6 — the A flag lets light guests,
/// which have no DHCPv6 client, take a SLAAC address in the same prefix — or
/// prefix,ra-only,prefix for SLAAC only), the DNS server option, and for a
/// network without a router ra-param with router lifetime 0.
/// An Error when a text field holds a newline, a comma or '=' where dnsmasq would
/// read it as syntax, or when the range or run directory is missing or invalid.
Result<std::string> render_dnsmasq_conf(const DnsmasqConfig& config);

}  // namespace netlab::host
