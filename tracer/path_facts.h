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

/// Reads the facts for `nic` of `lab` towards `dst` from the namespaces on its
/// path (sysctl, links, addresses, routes, neighbours, the lab's dnsmasq pid
/// file, the lab's nft table). Facts that cannot be read are left at their
/// default (no finding); their errors are appended to *warnings.
PathFacts gather_facts(const std::string& lab, const model::NicPath& nic, model::Ipv4 dst,
                       std::vector<std::string>* warnings);

}  // namespace netlab::tracer
