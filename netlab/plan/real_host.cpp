// The uplink found and the refusals of a real host (see real_host.h).
#include "netlab/plan/real_host.h"

#include "netlab/model/lab_hosts.h"

#include "netlab/host/nic_managers.h"
#include "netlab/model/diagnostic.h"
#include "netlab/model/names.h"
#include "netlab/plan/target.h"

namespace netlab::plan {
namespace {

using model::NetworkMode;

bool needs_uplink(const model::Topology& topo) {
  for (const auto& net : topo.networks)
    if (net.mode == NetworkMode::nat || net.mode == NetworkMode::route) return true;
  return false;
}

bool enslaves(const model::Network& net) {
  return net.mode == NetworkMode::bridge && net.attach == model::Attach::bridge &&
         net.switch_kind == model::SwitchKind::linux_bridge;
}

/// Whose device this is for the lab: its own bridges do not clash with it.
bool lab_device(const model::Topology& topo, const std::string& dev) {
  for (const auto& net : topo.networks)
    if (model::bridge_name(topo, net) == dev) return true;
  return false;
}

Error refuse(const model::Position& pos, const std::string& message, const std::string& hint) {
  return Error{model::Diagnostic{pos, message, hint}.format(), /*bad_input=*/true};
}

/// A block of `subnet`'s size after it that overlaps nothing in `taken`, for a hint.
std::optional<model::Cidr> free_block(const model::Cidr& subnet, const std::vector<model::Cidr>& taken) {
  const uint64_t size = uint64_t{1} << (32 - subnet.prefix);
  uint64_t at = subnet.network().value;
  for (int i = 0; i < 256; ++i) {
    at += size;
    if (at + size > 0xffffffffull) return std::nullopt;
    model::Cidr candidate{model::Ipv4{static_cast<uint32_t>(at)}, subnet.prefix};
    bool clash = false;
    for (const auto& t : taken) clash = clash || t.overlaps(candidate);
    if (!clash) return candidate;
  }
  return std::nullopt;
}

}  // namespace

Result<UplinkChoice> choose_uplink(const model::Topology& topo, bool sandbox, Sockets& sockets) {
  if (!topo.host.uplink.empty()) return UplinkChoice{topo.host.uplink, "named by host.uplink"};
  if (sandbox) return UplinkChoice{sandbox_net::kDefaultUplink, "the sandbox's"};
  if (!needs_uplink(topo)) return UplinkChoice{};  // bridge-mode and isolated networks name their own NICs
  auto nl = sockets.netlink("");
  if (!nl) return nl.error();
  UplinkChoice choice;
  if (topo.host.upstream) {
    auto route = (*nl)->route_to(*topo.host.upstream);
    if (!route) {
      return refuse(topo.host.pos.at("upstream"),
                    "the host has no route to upstream " + topo.host.upstream->str() + ", so its uplink is unknown",
                    "name the uplink with 'host: uplink:', or give an upstream address the host can reach");
    }
    choice.device = route->dev;
    choice.how = "the NIC of the route to host.upstream " + topo.host.upstream->str() +
                 (route->gateway ? " via " + route->gateway->str() : "");
  } else {
    auto routes = (*nl)->list_routes();
    if (!routes) return routes.error();
    const host::RouteInfo* best = nullptr;
    for (const auto& r : *routes)
      if (!r.dest && !r.dev.empty() && (!best || r.metric < best->metric)) best = &r;
    if (!best) {
      return refuse(topo.host.pos.node.line ? topo.host.pos.node : topo.pos.node,
                    "the host has no default route, so netlab cannot tell its uplink",
                    "name the NIC that leads out with 'host: uplink:', or set 'host: upstream:' to an outside address");
    }
    choice.device = best->dev;
    choice.how = "the NIC of the default route" + (best->gateway ? " via " + best->gateway->str() : std::string());
  }
  // Once enslaved by one of the lab's bridges, the NIC's addresses live on that bridge.
  for (const auto& net : topo.networks)
    if (enslaves(net) && net.uplink == choice.device) {
      choice.how += "; " + choice.device + " is a port of bridge " + model::bridge_name(topo, net) +
                    " (network " + net.name + "), which holds its addresses";
      choice.device = model::bridge_name(topo, net);
    }
  return choice;
}

Status check_real_host(const model::Topology& topo, bool force, Sockets& sockets) {
  // OVN's hosts are namespaces of the sandbox; real hypervisors (`libvirt:` URIs) are not driven yet.
  if (model::uses_ovn(topo) || topo.hosts.size() > 1) {
    Error e{"lab '" + topo.name + "' has OVN networks or several hosts: such labs run in the sandbox only (--sandbox)"};
    e.bad_input = true;
    return e;
  }
  auto nl = sockets.netlink("");
  if (!nl) return nl.error();
  auto routes = (*nl)->list_routes();
  if (!routes) return routes.error();
  auto addresses = (*nl)->list_all_addresses();
  if (!addresses) return addresses.error();
  for (const auto& net : topo.networks) {
    if (!enslaves(net)) continue;
    auto link = (*nl)->find_link(net.uplink);
    if (!link) return link.error();
    if (!link->has_value() || (*link)->master == model::bridge_name(topo, net)) continue;  // missing, or done
    if (force) continue;
    for (const auto& r : *routes)
      if (!r.dest && r.dev == net.uplink)
        return refuse(net.pos.at("uplink"),
                      "network " + net.name + " would enslave " + net.uplink + ", which carries the host's default route",
                      "netlab moves its addresses and routes to the bridge in one step and back on `down`; "
                      "use --force to do it, or --sandbox to try it safely");
    for (const auto& m : host::nic_managers(net.uplink, (*link)->ifindex))
      return refuse(net.pos.at("uplink"),
                    "network " + net.name + " would enslave " + net.uplink + ", which " + m.program + " (pid " +
                        std::to_string(m.pid) + ") configures: " + m.evidence,
                    "it would go on configuring " + net.uplink + " inside the bridge; hand the bridge to it instead "
                    "(see docs/real-host.md), or use --force");
  }
  for (const auto& net : topo.networks) {
    if (!net.subnet || net.mode == NetworkMode::bridge) continue;  // a bridge-mode subnet is the LAN's own
    const model::Cidr block = net.subnet->block();
    std::vector<model::Cidr> taken;
    std::string clash;
    for (const auto& a : *addresses) {
      if (a.cidr.address.value >> 24 == 127 || lab_device(topo, a.dev)) continue;
      taken.push_back(a.cidr.block());
      if (clash.empty() && a.cidr.block().overlaps(block))
        clash = a.cidr.str() + " on " + a.dev + ", an address the host has already";
    }
    for (const auto& r : *routes) {
      if (!r.dest || r.dest->prefix == 0 || lab_device(topo, r.dev)) continue;
      taken.push_back(r.dest->block());
      if (clash.empty() && r.dest->block().overlaps(block))
        clash = "the host's route " + r.dest->block().str() + (r.dev.empty() ? "" : " on " + r.dev);
    }
    if (clash.empty()) continue;
    auto free = free_block(block, taken);
    return refuse(net.pos.at("subnet"), "subnet " + block.str() + " of network " + net.name + " overlaps " + clash,
                  free ? "pick a free subnet, e.g. " + free->str() + " (and move 'gateway' and the dhcp range with it)"
                       : "pick a subnet the host does not use");
  }
  return {};
}

}  // namespace netlab::plan
