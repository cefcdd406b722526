#pragma once
// The live tracer's adapter that reads PathFacts (explain.h) from the system:
// sysctl, links, addresses and routes (host::Netlink), the neighbour cache
// (neighbours.h), the network's dnsmasq (its pid file) and the lab's nft table
// (ruleset_json.h). The pure parts, where the path's places are and what the
// links say, are separate functions so they are tested without a system.
#include <map>
#include <string>
#include <vector>

#include "netlab/host/netlink.h"
#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "tracer/explain.h"
#include "tracer/ruleset_json.h"

namespace netlab::tracer {

/// Where a NIC's path is: the guest's namespace and device, the host namespace
/// (its route/nat point, else its first veth/tap), and every hop with a device.
struct PathPlaces {
  std::string guest_netns, guest_device, host_netns;
  bool host_found = false;  // the path has a host hop (host_netns "" is then the real host)
  std::vector<model::Hop> devices;
};
PathPlaces path_places(const model::NicPath& nic);

/// Links down and MTU mismatches along `devices`, from the links listed in
/// each namespace (`links_by_ns`); appended to f->links_down and f->mtu_mismatch.
void link_findings(const std::vector<model::Hop>& devices,
                   const std::map<std::string, std::vector<host::LinkInfo>>& links_by_ns, PathFacts* f);

/// True when the lab's table holds a masquerade rule of `network`
/// (comment "netlab:<lab>:<network>").
bool has_masquerade_rule(const Ruleset& ruleset, const std::string& lab, const std::string& network);

/// True when the lab's table holds a DNAT rule for `proto` port `port` (a `forward:`).
bool has_dnat_rule(const Ruleset& ruleset, const std::string& lab, const std::string& proto, uint16_t port);

/// Adds an inbound trace's facts to *f: the DNAT rule of the probe's port in
/// the lab's table (in `host_netns`), and the ports the forward's guest listens
/// on (a light guest's namespace, from `nic`).
void gather_inbound_facts(const std::string& lab, const std::string& host_netns, const model::NicPath& nic,
                          const ProbeSpec& spec, const Inbound& inbound, PathFacts* f,
                          std::vector<std::string>* warnings);

/// Reads the facts for `nic` of `lab` towards `dst` from the namespaces on its
/// path (sysctl, links, addresses, routes, neighbours, the lab's dnsmasq pid
/// file, the lab's nft table). Facts that cannot be read are left at their
/// default (no finding); their errors are appended to *warnings.
PathFacts gather_facts(const std::string& lab, const model::NicPath& nic, model::Ipv4 dst,
                       std::vector<std::string>* warnings);
/// The same for an IPv6 probe from `src` (:: when the guest has none) to
/// `dst`: the guest's global IPv6 address and IPv6 routes, IPv6 forwarding and
/// routes in the host namespace, failed NDP neighbours (PathFacts::ipv6 set).
PathFacts gather_facts6(const std::string& lab, const model::NicPath& nic, const model::Ipv6& dst,
                        const model::Ipv6& src, std::vector<std::string>* warnings);

}  // namespace netlab::tracer
