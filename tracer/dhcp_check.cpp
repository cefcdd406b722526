// Each network's dnsmasq asked for an offer (see dhcp_check.h).
#include "tracer/dhcp_check.h"

#include <fstream>
#include <map>
#include <optional>
#include <random>

#include "netlab/host/dhcp_probe.h"
#include "netlab/host/dnsmasq.h"
#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/netlink.h"
#include "netlab/model/names.h"
#include "netlab/state/paths.h"

namespace netlab::tracer {
namespace {

using L = Check::Level;

/// Where a network's dnsmasq listens and where a probe can be sent from.
struct Segment {
  const model::Hop* bridge = nullptr;  // the "bridge" or "ovs" hop
  std::string guest, guest_netns, guest_device;  // the first light guest NIC on it ("" = none)
};

/// The ifindex the running dnsmasq was started on (DnsmasqFiles::bridge_index); 0 when unknown.
int started_on(const host::DnsmasqFiles& files) {
  std::ifstream in(files.bridge_index);
  int index = 0;
  return in >> index ? index : 0;
}

/// Sends the discover from `seg`'s light guest, else from a veth pair added to
/// its Linux bridge for the time of the probe. nullopt offer: no answer.
/// `from` says where it was sent from, for the message.
Result<std::optional<host::DhcpOffer>> probe(const std::string& lab, const Segment& seg, std::string* from) {
  if (!seg.guest.empty()) {
    *from = "a probe from " + seg.guest + "'s " + seg.guest_device + " (its lease untouched)";
    return host::dhcp_discover(seg.guest_netns, seg.guest_device, host::probe_mac());
  }
  if (seg.bridge->role != model::HopRole::bridge)
    return Error{"no light guest on an Open vSwitch network to probe from"};
  auto nl = host::Netlink::open(seg.bridge->netns);
  if (!nl) return nl.error();
  const std::string name = "nldp" + std::to_string(std::random_device{}() % 1000000);
  host::VethSpec spec;
  spec.name = name;
  spec.peer_name = name + "p";
  spec.alias = model::link_alias(lab, "doctor probe");
  spec.master = seg.bridge->device;
  spec.up = true;
  if (auto st = nl->create_veth(spec); !st) return st.error();
  Result<std::optional<host::DhcpOffer>> answer = std::optional<host::DhcpOffer>();
  if (auto st = nl->set_up(spec.peer_name); !st) answer = st.error();
  else answer = host::dhcp_discover(seg.bridge->netns, spec.peer_name, host::probe_mac());
  nl->delete_link(name);  // its peer goes with it
  *from = "a probe port doctor added to the bridge";
  return answer;
}

NetworkCheck check_one(const std::string& lab, const std::string& network, const Segment& seg) {
  NetworkCheck out{network, {"dhcp", L::kOk, ""}};
  Check& c = out.check;
  const host::DnsmasqFiles files = host::dnsmasq_files(state::lab_dir(lab), network);
  const std::string bridge = seg.bridge->device;
  const std::string in_ns = seg.bridge->netns.empty() ? "" : " in " + seg.bridge->netns;
  const auto pid = host::pid_running_conf(files.pid, files.conf);
  if (!pid) {
    c.level = L::kProblem;
    c.detail = "the dnsmasq of network " + network + " is not running: no DHCP on bridge " + bridge + in_ns +
               " (netlab up " + lab + " restarts it)";
    return out;
  }
  const std::string who = "the dnsmasq of network " + network + " (pid " + std::to_string(*pid) + ")";
  auto nl = host::Netlink::open(seg.bridge->netns);
  auto link = nl ? nl->find_link(bridge) : Result<std::optional<host::LinkInfo>>(nl.error());
  if (link && !link->has_value()) {
    c.level = L::kProblem;
    c.detail = who + " serves nobody: its bridge " + bridge + " does not exist" + in_ns + " (netlab up " + lab +
               " recreates it and restarts dnsmasq)";
    return out;
  }
  std::string from;
  auto answer = probe(lab, seg, &from);
  if (!answer) {
    c.level = L::kWarning;
    c.detail = who + " runs; no DHCP probe could be sent on bridge " + bridge + ": " + answer.error().message;
    return out;
  }
  if (*answer) {
    c.detail = who + " answers on bridge " + bridge + ": offered " + (*answer)->offered.str() + " to " + from;
    return out;
  }
  c.level = L::kProblem;
  c.detail = who + " runs but does not answer DHCP on bridge " + bridge + in_ns + ": " + from + " got no offer";
  const int was = started_on(files);
  if (link && link->has_value() && was != 0 && was != (*link)->ifindex)
    c.detail += "; it was started on an earlier bridge of that name (ifindex " + std::to_string(was) + ", now " +
                std::to_string((*link)->ifindex) + "), so it is bound to a device that is gone (netlab up " + lab +
                " restarts it)";
  return out;
}

}  // namespace

std::vector<NetworkCheck> check_dhcp_servers(const std::string& lab, const model::HopMap& map,
                                             const std::string& guest) {
  std::map<std::string, Segment> segments;  // by network, in name order
  std::map<std::string, bool> wanted;
  for (const auto& nic : map.nics) {
    const model::Hop* sw = model::switch_hop(nic);
    if (!sw) continue;
    Segment& seg = segments[nic.network];
    if (!seg.bridge) seg.bridge = sw;
    if (guest.empty() || nic.guest == guest) wanted[nic.network] = true;
    const model::Hop& first = nic.hops.front();
    if (seg.guest.empty() && first.role == model::HopRole::guest_nic && !first.netns.empty()) {
      seg.guest = nic.guest;
      seg.guest_netns = first.netns;
      seg.guest_device = first.device;
    }
  }
  std::vector<NetworkCheck> checks;
  for (const auto& [network, seg] : segments)
    if (wanted.count(network) && host::serves_dhcp(state::lab_dir(lab), network))
      checks.push_back(check_one(lab, network, seg));
  return checks;
}

}  // namespace netlab::tracer
