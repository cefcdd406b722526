// Moving a NIC's addresses and routes to the bridge it joins, and back (see uplink_move.h).
#include "netlab/host/uplink_move.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace netlab::host {
namespace {

using nlohmann::json;

bool same_address(const IpAddress& a, const IpAddress& b) {
  return a.family == b.family && a.local == b.local && a.prefix == b.prefix && a.peer == b.peer;
}

/// Addresses the move carries: all but IPv6 link-local and temporary ones.
bool moves(const IpAddress& a) {
  if (a.family != AF_INET6) return true;
  return a.scope != RT_SCOPE_LINK && !(a.flags & IFA_F_TEMPORARY);
}

/// Routes the move carries: through the NIC, not derived by the kernel from an address.
bool moves(const IpRoute& r, const std::string& nic) {
  return r.dev == nic && r.protocol != RTPROT_KERNEL && r.table != RT_TABLE_LOCAL;
}

/// Each route of `routes` onto `dev` with one replace each. Routes without a
/// gateway first; a route whose gateway is reached by another moved route is
/// retried once that one is in, until a round makes no progress.
Status replace_routes(Netlink& nl, std::vector<IpRoute> routes, const std::string& dev) {
  for (auto& r : routes) r.dev = dev;
  std::stable_sort(routes.begin(), routes.end(),
                   [](const IpRoute& a, const IpRoute& b) { return a.gateway.empty() && !b.gateway.empty(); });
  while (!routes.empty()) {
    std::vector<IpRoute> failed;
    Error first;
    for (const auto& r : routes) {
      if (auto st = nl.replace_ip_route(r); !st) {
        if (failed.empty()) first = st.error();
        failed.push_back(r);
      }
    }
    if (failed.size() == routes.size()) return first;
    routes = std::move(failed);
  }
  return {};
}

json to_json(const IpAddress& a) {
  return {{"family", a.family == AF_INET6 ? 6 : 4}, {"local", a.local},     {"peer", a.peer},
          {"broadcast", a.broadcast},              {"prefix", a.prefix},   {"scope", a.scope},
          {"flags", a.flags},                      {"label", a.label},     {"valid_lft", a.valid_lft},
          {"preferred_lft", a.preferred_lft}};
}

json to_json(const IpRoute& r) {
  json metrics = json::object();
  for (const auto& [k, v] : r.metrics) metrics[std::to_string(k)] = v;
  return {{"family", r.family == AF_INET6 ? 6 : 4},
          {"table", r.table},
          {"dst", r.dst},
          {"dst_len", r.dst_len},
          {"gateway", r.gateway},
          {"prefsrc", r.prefsrc},
          {"dev", r.dev},
          {"metric", r.metric},
          {"protocol", r.protocol},
          {"scope", r.scope},
          {"type", r.type},
          {"tos", r.tos},
          {"flags", r.flags},
          {"pref", r.pref},
          {"metrics", metrics}};
}

IpAddress address_from(const json& j) {
  IpAddress a;
  a.family = j.at("family").get<int>() == 6 ? AF_INET6 : AF_INET;
  a.local = j.at("local").get<std::string>();
  a.peer = j.value("peer", "");
  a.broadcast = j.value("broadcast", "");
  a.prefix = j.at("prefix").get<int>();
  a.scope = j.value("scope", 0);
  a.flags = j.value("flags", 0u);
  a.label = j.value("label", "");
  a.valid_lft = j.value("valid_lft", IpAddress::kForever);
  a.preferred_lft = j.value("preferred_lft", IpAddress::kForever);
  return a;
}

IpRoute route_from(const json& j) {
  IpRoute r;
  r.family = j.at("family").get<int>() == 6 ? AF_INET6 : AF_INET;
  r.table = j.value("table", 254u);
  r.dst = j.value("dst", "");
  r.dst_len = j.value("dst_len", 0);
  r.gateway = j.value("gateway", "");
  r.prefsrc = j.value("prefsrc", "");
  r.dev = j.value("dev", "");
  r.metric = j.value("metric", 0u);
  r.protocol = j.value("protocol", 0);
  r.scope = j.value("scope", 0);
  r.type = j.value("type", 0);
  r.tos = j.value("tos", 0);
  r.flags = j.value("flags", 0u);
  r.pref = j.value("pref", -1);
  if (j.contains("metrics"))
    for (const auto& [k, v] : j.at("metrics").items()) r.metrics[std::stoi(k)] = v.get<uint32_t>();
  return r;
}

}  // namespace

Result<UplinkSnapshot> snapshot_uplink(Netlink& nl, const std::string& nic, const std::string& bridge) {
  UplinkSnapshot s;
  s.nic = nic;
  s.bridge = bridge;
  auto addresses = nl.ip_addresses(nic);
  if (!addresses) return addresses.error();
  for (auto& a : *addresses)
    if (moves(a)) s.addresses.push_back(std::move(a));
  auto routes = nl.ip_routes();
  if (!routes) return routes.error();
  for (auto& r : *routes) {
    if (r.multipath && std::count(r.multipath_devs.begin(), r.multipath_devs.end(), nic))
      return Error{"cannot move the route " + r.str() + " with several next hops through " + nic + " to bridge " +
                   bridge + " (netlab recreates single-hop routes only); nothing was changed"};
    if (moves(r, nic)) s.routes.push_back(std::move(r));
  }
  return s;
}

std::string uplink_snapshot_to_json(const UplinkSnapshot& s) {
  json addresses = json::array(), routes = json::array();
  for (const auto& a : s.addresses) addresses.push_back(to_json(a));
  for (const auto& r : s.routes) routes.push_back(to_json(r));
  return json{{"nic", s.nic}, {"bridge", s.bridge}, {"addresses", addresses}, {"routes", routes}}.dump();
}

std::optional<UplinkSnapshot> uplink_snapshot_from_json(const std::string& text) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  try {
    UplinkSnapshot s;
    s.nic = j.at("nic").get<std::string>();
    s.bridge = j.at("bridge").get<std::string>();
    for (const auto& a : j.at("addresses")) s.addresses.push_back(address_from(a));
    for (const auto& r : j.at("routes")) s.routes.push_back(route_from(r));
    return s;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

Status move_uplink(Netlink& nl, const UplinkSnapshot& s) {
  auto fail = [&](const Error& e) -> Status {
    std::string message = "cannot move the addresses and routes of " + s.nic + " to bridge " + s.bridge + ": " +
                          e.message;
    if (auto undone = restore_uplink(nl, s); !undone) message += "; restoring " + s.nic + ": " + undone.error().message;
    else message += " (" + s.nic + " has its addresses and routes again)";
    return Error{message};
  };
  if (auto st = nl.set_up(s.bridge); !st) return fail(st.error());
  for (auto a : s.addresses) {
    if (a.family == AF_INET6) a.flags |= IFA_F_NODAD;  // it already holds on this link: no second of tentative
    if (auto st = nl.add_ip_address(s.bridge, a); !st) return fail(st.error());
  }
  if (auto st = nl.set_master(s.nic, s.bridge); !st) return fail(st.error());
  if (auto st = replace_routes(nl, s.routes, s.bridge); !st) return fail(st.error());
  for (auto a = s.addresses.rbegin(); a != s.addresses.rend(); ++a)  // secondaries before their primary
    if (auto st = nl.del_ip_address(s.nic, *a); !st) return fail(st.error());
  return {};
}

Status restore_uplink(Netlink& nl, const UplinkSnapshot& s) {
  auto nic = nl.find_link(s.nic);
  if (!nic) return nic.error();
  if (!nic->has_value()) return {};  // the NIC is gone (unplugged): nothing to give back to
  auto bridge = nl.find_link(s.bridge);
  const bool bridge_there = bridge && bridge->has_value();
  std::vector<std::string> problems;
  // 1. The addresses back on the NIC (with what is left of their lifetimes).
  auto have = nl.ip_addresses(s.nic);
  if (!have) return have.error();
  std::vector<IpAddress> on_bridge;
  if (bridge_there)
    if (auto list = nl.ip_addresses(s.bridge)) on_bridge = std::move(*list);
  for (auto a : s.addresses) {
    if (std::any_of(have->begin(), have->end(), [&](const IpAddress& h) { return same_address(h, a); })) continue;
    for (const auto& b : on_bridge)
      if (same_address(a, b) && a.valid_lft != IpAddress::kForever) {
        a.valid_lft = b.valid_lft;
        a.preferred_lft = b.preferred_lft;
      }
    if (auto st = nl.add_ip_address(s.nic, a); !st) problems.push_back(st.error().message);
  }
  // 2. Each route through the NIC again, replacing the bridge's copy.
  if (auto st = replace_routes(nl, s.routes, s.nic); !st) problems.push_back(st.error().message);
  // 3. The NIC out of the bridge.
  if ((*nic)->master == s.bridge)
    if (auto st = nl.set_nomaster(s.nic); !st) problems.push_back(st.error().message);
  // 4. The bridge's copies of the addresses go (their routes with them).
  if (bridge_there)
    for (auto a = s.addresses.rbegin(); a != s.addresses.rend(); ++a)
      if (std::any_of(on_bridge.begin(), on_bridge.end(), [&](const IpAddress& b) { return same_address(b, *a); }))
        if (auto st = nl.del_ip_address(s.bridge, *a); !st) problems.push_back(st.error().message);
  if (problems.empty()) return {};
  std::string message = "could not restore everything of " + s.nic + ":";
  for (const auto& p : problems) message += "\n  " + p;
  return Error{message};
}

}  // namespace netlab::host
