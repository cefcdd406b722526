#include "netlab/model/names.h"

#include <algorithm>

namespace netlab::model {

bool is_valid_name(const std::string& name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::string bridge_name(const Topology& topo, const Network& net) {
  return net.bridge.empty() ? topo.name + "-" + net.name : net.bridge;
}

std::string host_nic_name(const Topology& topo, const Guest& guest, size_t index) {
  return topo.name + "-" + guest.name + "-" + std::to_string(index);
}

std::string guest_nic_name(const Nic& nic, size_t index) {
  return nic.name.empty() ? "eth" + std::to_string(index) : nic.name;
}

std::string guest_namespace(const Topology& topo, const Guest& guest) { return topo.name + "-" + guest.name; }

std::string sandbox_host_namespace(const std::string& lab) { return lab + "-host"; }
std::string sandbox_wan_namespace(const std::string& lab) { return lab + "-wan"; }
std::string sandbox_lan_namespace(const std::string& lab) { return lab + "-lan"; }

std::string link_tag(const std::string& lab) { return "netlab:" + lab; }

std::string nft_table_name(const std::string& lab) {
  std::string name = "netlab_" + lab;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

}  // namespace netlab::model
