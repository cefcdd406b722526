#include "netlab/host/ovn_nb.h"

#include <cstdio>
#include <algorithm>
#include <map>

#include "netlab/host/ovn.h"

namespace netlab::host {
namespace {

using json = nlohmann::json;

// A vector, not an initializer list: nlohmann reads a one-element list as that element, not an array of it.
json set_of(const std::vector<json>& items) { return json::array({"set", json(items)}); }
json map_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json items = json::array();
  for (const auto& [k, v] : pairs) items.push_back(json::array({k, v}));
  return json::array({"map", items});
}
json named(const std::string& name) { return json::array({"named-uuid", name}); }

std::vector<std::pair<std::string, std::string>> tags(const OvnNetworkSpec& spec) {
  return {{"netlab-lab", spec.lab}, {"netlab-network", spec.network}};
}
json where_tags(const OvnNetworkSpec& spec) {
  return json::array({json::array({"external_ids", "includes", map_of(tags(spec))})});
}

std::string ip_range(model::Ipv4 first, model::Ipv4 last) {
  return first == last ? first.str() : first.str() + ".." + last.str();
}

/// The addresses IPAM must not hand out: the gateway and everything outside the DHCP pool.
std::string exclude_ips(const OvnNetworkSpec& spec) {
  std::string out;
  auto add = [&](const std::string& item) { out += (out.empty() ? "" : " ") + item; };
  const model::Cidr block = spec.subnet.block();
  const model::Ipv4 first{block.network().value + 1}, last{block.broadcast().value - 1};
  const bool pool = spec.range_start && spec.range_end;
  if (spec.gateway && (!pool || (*spec.range_start <= *spec.gateway && *spec.gateway <= *spec.range_end)))
    add(spec.gateway->str());
  if (pool) {
    if (spec.range_start->value > first.value) add(ip_range(first, model::Ipv4{spec.range_start->value - 1}));
    if (spec.range_end->value < last.value) add(ip_range(model::Ipv4{spec.range_end->value + 1}, last));
  }
  return out;
}

/// The spec's ports grouped by VLAN, untagged first.
std::map<std::optional<int>, std::vector<const OvnPortSpec*>> by_vlan(const OvnNetworkSpec& spec) {
  std::map<std::optional<int>, std::vector<const OvnPortSpec*>> groups;
  groups[std::nullopt];  // the untagged switch always exists: the router and DHCP sit on it
  for (const auto& p : spec.ports) groups[p.vlan].push_back(&p);
  return groups;
}

json operations(const OvnNetworkSpec& spec, const std::string& digest) {
  const std::string& net = spec.network;
  json ops = json::array();
  for (const char* table : {"Logical_Switch", "Logical_Router", "DHCP_Options"})
    ops.push_back({{"op", "delete"}, {"table", table}, {"where", where_tags(spec)}});
  const json row_tags = map_of(tags(spec));
  if (spec.dhcp) {
    std::vector<std::pair<std::string, std::string>> options{{"lease_time", spec.lease_seconds},
                                                             {"mtu", std::to_string(spec.mtu)}};
    if (spec.gateway) {
      options.emplace_back("server_id", spec.gateway->str());
      options.emplace_back("server_mac", spec.router_mac.str());
      if (spec.router) options.emplace_back("router", spec.gateway->str());
    }
    ops.push_back({{"op", "insert"}, {"table", "DHCP_Options"},
                   {"row", {{"cidr", spec.subnet.block().str()}, {"options", map_of(options)}, {"external_ids", row_tags}}},
                   {"uuid-name", "dhcp"}});
  }
  int index = 0;
  for (const auto& [vlan, ports] : by_vlan(spec)) {
    json members = json::array();
    for (const OvnPortSpec* p : ports) {
      const std::string uuid = "port" + std::to_string(index++);
      json row = {{"name", p->name},
                  {"addresses", set_of({p->mac.str() + " " + (p->ip ? p->ip->str() : std::string("dynamic"))})},
                  {"external_ids", row_tags}};
      if (spec.dhcp && p->dhcp) row["dhcpv4_options"] = set_of({named("dhcp")});
      if (!p->chassis.empty()) row["options"] = map_of({{"requested-chassis", p->chassis}});
      ops.push_back({{"op", "insert"}, {"table", "Logical_Switch_Port"}, {"row", row}, {"uuid-name", uuid}});
      members.push_back(named(uuid));
    }
    if (spec.router && !vlan) {
      ops.push_back({{"op", "insert"}, {"table", "Logical_Switch_Port"},
                     {"row", {{"name", "rp-" + net}, {"type", "router"}, {"addresses", set_of({"router"})},
                              {"options", map_of({{"router-port", "lrp-" + net}})}, {"external_ids", row_tags}}},
                     {"uuid-name", "rp"}});
      members.push_back(named("rp"));
    }
    std::vector<std::pair<std::string, std::string>> other{{"subnet", spec.subnet.block().str()}};
    if (std::string ex = exclude_ips(spec); !ex.empty()) other.emplace_back("exclude_ips", ex);
    auto ids = tags(spec);
    ids.emplace_back("netlab-digest", digest);
    ops.push_back({{"op", "insert"}, {"table", "Logical_Switch"},
                   {"row", {{"name", ovn_switch_name(net, vlan)}, {"ports", set_of(members.get<std::vector<json>>())},
                            {"other_config", map_of(other)}, {"external_ids", map_of(ids)}}}});
  }
  if (!spec.router) return ops;
  // The outside: a switch with a localnet port (the gateway chassis' br-ex) and the router's gateway port.
  ops.push_back({{"op", "insert"}, {"table", "Logical_Switch_Port"},
                 {"row", {{"name", "ln-" + net}, {"type", "localnet"}, {"addresses", set_of({"unknown"})},
                          {"options", map_of({{"network_name", spec.physnet}})}, {"external_ids", row_tags}}},
                 {"uuid-name", "ln"}});
  ops.push_back({{"op", "insert"}, {"table", "Logical_Switch_Port"},
                 {"row", {{"name", "rpx-" + net}, {"type", "router"}, {"addresses", set_of({"router"})},
                          {"options", map_of({{"router-port", "lrpx-" + net}})}, {"external_ids", row_tags}}},
                 {"uuid-name", "rpx"}});
  ops.push_back({{"op", "insert"}, {"table", "Logical_Switch"},
                 {"row", {{"name", net + "-ext"}, {"ports", set_of({named("ln"), named("rpx")})}, {"external_ids", row_tags}}}});
  const model::Ipv4 gw = spec.gateway.value_or(model::Ipv4{spec.subnet.block().network().value + 1});
  ops.push_back({{"op", "insert"}, {"table", "Logical_Router_Port"},
                 {"row", {{"name", "lrp-" + net}, {"mac", spec.router_mac.str()},
                          {"networks", set_of({model::Cidr{gw, spec.subnet.prefix}.str()})}}},
                 {"uuid-name", "lrp"}});
  ops.push_back({{"op", "insert"}, {"table", "Gateway_Chassis"},
                 {"row", {{"name", "lrpx-" + net + "-" + spec.gateway_chassis}, {"chassis_name", spec.gateway_chassis},
                          {"priority", 10}}},
                 {"uuid-name", "gwc"}});
  ops.push_back({{"op", "insert"}, {"table", "Logical_Router_Port"},
                 {"row", {{"name", "lrpx-" + net}, {"mac", spec.external_mac.str()},
                          {"networks", set_of({spec.external.str()})}, {"gateway_chassis", set_of({named("gwc")})}}},
                 {"uuid-name", "lrpx"}});
  ops.push_back({{"op", "insert"}, {"table", "Logical_Router_Static_Route"},
                 {"row", {{"ip_prefix", "0.0.0.0/0"}, {"nexthop", spec.external_gateway.str()}}},
                 {"uuid-name", "default"}});
  json router = {{"name", ovn_router_name(net)}, {"ports", set_of({named("lrp"), named("lrpx")})},
                 {"static_routes", set_of({named("default")})}, {"external_ids", row_tags}};
  if (spec.snat) {
    ops.push_back({{"op", "insert"}, {"table", "NAT"},
                   {"row", {{"type", "snat"}, {"external_ip", spec.external.address.str()},
                            {"logical_ip", spec.subnet.block().str()}}},
                   {"uuid-name", "snat"}});
    router["nat"] = set_of({named("snat")});
  }
  ops.push_back({{"op", "insert"}, {"table", "Logical_Router"}, {"row", router}});
  return ops;
}

}  // namespace

std::string ovn_switch_name(const std::string& network, std::optional<int> vlan) {
  return vlan ? network + ".v" + std::to_string(*vlan) : network;
}
std::string ovn_router_name(const std::string& network) { return "lr-" + network; }

std::string ovn_network_digest(const OvnNetworkSpec& spec) {
  // FNV-1a 64 of the operations written without a digest: any change of the spec changes it.
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : operations(spec, "").dump()) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

json ovn_network_operations(const OvnNetworkSpec& spec) { return operations(spec, ovn_network_digest(spec)); }

Status ovn_apply_network(OvsdbClient& nb, const OvnNetworkSpec& spec) {
  Result<json> r = nb.transact(kNbDb, ovn_network_operations(spec));
  if (!r) return Error{"OVN network " + spec.network + ": " + r.error().message};
  return {};
}

Status ovn_move_port(OvsdbClient& nb, const OvnNetworkSpec& spec, const std::string& port, const std::string& chassis) {
  const OvnPortSpec* moved = nullptr;
  for (const auto& p : spec.ports)
    if (p.name == port) moved = &p;
  if (!moved) return Error{"OVN network " + spec.network + " has no port " + port};
  auto ids = tags(spec);
  ids.emplace_back("netlab-digest", ovn_network_digest(spec));
  json ops = json::array();
  ops.push_back({{"op", "update"}, {"table", "Logical_Switch_Port"},
                 {"where", json::array({json::array({"name", "==", port})})},
                 {"row", {{"options", map_of({{"requested-chassis", chassis}})}}}});
  ops.push_back({{"op", "update"}, {"table", "Logical_Switch"},
                 {"where", json::array({json::array({"name", "==", ovn_switch_name(spec.network, moved->vlan)})})},
                 {"row", {{"external_ids", map_of(ids)}}}});
  Result<json> r = nb.transact(kNbDb, ops);
  if (!r) return Error{"OVN port " + port + ": " + r.error().message};
  return {};
}

Result<bool> ovn_network_matches(OvsdbClient& nb, const OvnNetworkSpec& spec) {
  Result<json> switches = ovsdb_select(nb, kNbDb, "Logical_Switch", where_tags(spec), {"name", "ports", "external_ids"});
  if (!switches) return switches.error();
  const std::string digest = ovn_network_digest(spec);
  size_t ports = 0;
  for (const json& row : *switches) {
    auto ids = ovsdb_string_map(row["external_ids"]);
    // The outside switch carries no digest: it is checked through the router below.
    if (row["name"] == spec.network + "-ext") continue;
    if (ids["netlab-digest"] != digest) return false;
    ports += ovsdb_set_elements(row["ports"]).size();
  }
  const size_t groups = by_vlan(spec).size();
  const size_t want_switches = groups + (spec.router ? 1 : 0);
  if (switches->size() != want_switches || ports != spec.ports.size() + (spec.router ? 1 : 0)) return false;
  if (!spec.router) return true;
  Result<json> routers = ovsdb_select(nb, kNbDb, "Logical_Router", where_tags(spec), {"ports"});
  if (!routers) return routers.error();
  return routers->size() == 1 && ovsdb_set_elements((*routers)[0]["ports"]).size() == 2;
}

Result<std::vector<OvnChassisInfo>> ovn_chassis(OvsdbClient& sb) {
  Result<json> rows = ovsdb_select(sb, kSbDb, "Encap", json::array(), {"chassis_name", "type", "ip"});
  if (!rows) return rows.error();
  std::vector<OvnChassisInfo> out;
  for (const json& r : *rows)
    out.push_back({r["chassis_name"].get<std::string>(), r["type"].get<std::string>(), r["ip"].get<std::string>()});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<OvnBindingInfo>> ovn_bindings(OvsdbClient& sb) {
  Result<json> chassis = ovsdb_select(sb, kSbDb, "Chassis", json::array(), {"_uuid", "name"});
  if (!chassis) return chassis.error();
  Result<json> rows = ovsdb_select(sb, kSbDb, "Port_Binding", json::array(), {"logical_port", "chassis", "up", "type"});
  if (!rows) return rows.error();
  std::vector<OvnBindingInfo> out;
  for (const json& r : *rows) {
    if (r["type"] != "") continue;  // a guest's port; router and localnet ports bind nowhere
    OvnBindingInfo b{r["logical_port"].get<std::string>(), "", false};
    for (const json& c : ovsdb_set_elements(r["chassis"]))
      for (const json& row : *chassis)
        if (row["_uuid"] == c) b.chassis = row["name"].get<std::string>();
    for (const json& u : ovsdb_set_elements(r["up"]))
      if (u.is_boolean()) b.up = u.get<bool>();
    out.push_back(b);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.logical_port < b.logical_port; });
  return out;
}

Result<std::vector<OvnPortAddresses>> ovn_port_addresses(OvsdbClient& nb) {
  Result<json> rows =
      ovsdb_select(nb, kNbDb, "Logical_Switch_Port", json::array(), {"name", "type", "addresses", "dynamic_addresses"});
  if (!rows) return rows.error();
  std::vector<OvnPortAddresses> out;
  for (const json& r : *rows) {
    if (r["type"] != "") continue;
    OvnPortAddresses a{r["name"].get<std::string>(), "", ""};
    for (const json& s : ovsdb_set_elements(r["addresses"]))
      if (s.is_string()) a.addresses = s.get<std::string>();
    for (const json& s : ovsdb_set_elements(r["dynamic_addresses"]))
      if (s.is_string()) a.dynamic_addresses = s.get<std::string>();
    out.push_back(a);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.port < b.port; });
  return out;
}

Result<std::vector<OvsTunnel>> ovs_tunnels(OvsdbClient& ovs) {
  Result<json> rows = ovsdb_select(ovs, "Open_vSwitch", "Interface", json::array(), {"name", "type", "options"});
  if (!rows) return rows.error();
  std::vector<OvsTunnel> out;
  for (const json& r : *rows) {
    const std::string type = r["type"].get<std::string>();
    if (type != "geneve" && type != "vxlan") continue;
    out.push_back({r["name"].get<std::string>(), type, ovsdb_string_map(r["options"])["remote_ip"]});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace netlab::host
