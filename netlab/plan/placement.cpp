#include "netlab/plan/placement.h"

#include <nlohmann/json.hpp>

#include "netlab/model/lab_hosts.h"
#include "netlab/state/lab_state.h"

namespace netlab::plan {
namespace {

/// True when `vm` of `topo` may run on `host`: a kvm guest whose networks all span hosts.
bool movable(const model::Topology& topo, const model::Guest& vm, const std::string& host) {
  if (vm.kind != model::GuestKind::kvm || model::host_index(topo, host) < 0) return false;
  for (const auto& nic : vm.nics) {
    const model::Network* net = topo.find_network(nic.network);
    if (!net || !model::is_ovn(*net)) return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> read_placement(const std::string& lab) {
  std::map<std::string, std::string> out;
  auto text = state::read_lab_file(lab, kPlacementFile);
  if (!text) return out;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [vm, host] : j.items())
    if (host.is_string()) out[vm] = host.get<std::string>();
  return out;
}

Status write_placement(const std::string& lab, const std::string& vm, const std::string& host) {
  auto placement = read_placement(lab);
  if (host.empty()) placement.erase(vm);
  else placement[vm] = host;
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [g, h] : placement) j[g] = h;
  return state::write_lab_file(lab, kPlacementFile, j.dump(2) + "\n");
}

model::Topology placed(model::Topology topo, const std::map<std::string, std::string>& placement) {
  for (auto& g : topo.guests) {
    auto it = placement.find(g.name);
    if (it == placement.end() || !movable(topo, g, it->second)) continue;
    g.host = it->second;
  }
  return topo;
}

model::Topology placed(model::Topology topo) {
  const std::string lab = topo.name;
  return placed(std::move(topo), read_placement(lab));
}

std::vector<std::string> placement_drift(const model::Topology& file, const std::map<std::string, std::string>& placement) {
  std::vector<std::string> out;
  for (const auto& g : file.guests) {
    auto it = placement.find(g.name);
    if (it == placement.end() || !movable(file, g, it->second)) continue;
    const std::string said = model::guest_host(file, g);
    if (said == it->second) continue;
    out.push_back(g.name + " runs on " + it->second + ", the file says " + said + " (netlab migrate " + file.name +
                  " " + g.name + " --to " + said + " moves it back; up keeps it on " + it->second + ")");
  }
  return out;
}

}  // namespace netlab::plan
