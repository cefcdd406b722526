// What a light guest's commands resolve names with (see guest_dns.h).
#include "netlab/plan/guest_dns.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "netlab/model/mode_traits.h"

namespace netlab::plan {
namespace {

/// The addresses of the `nameserver` lines of a resolv.conf text.
std::vector<std::string> name_servers(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, address;
    if (words >> key >> address && key == "nameserver") out.push_back(address);
  }
  return out;
}

bool loopback(const std::string& address) { return address.rfind("127.", 0) == 0 || address == "::1"; }

}  // namespace

std::optional<std::string> guest_resolv_conf(const model::Topology& topology, const model::Guest& guest,
                                             std::optional<std::string_view> host_resolv) {
  std::vector<std::string> servers;
  for (const auto& nic : guest.nics) {
    const model::Network* net = topology.find_network(nic.network);
    if (!net || !net->dns || net->switch_kind == model::SwitchKind::ovn || !model::serves_dhcp(net->mode)) continue;
    auto gw = model::gateway(*net);
    if (!gw) continue;
    std::string address = gw->str();
    if (std::find(servers.begin(), servers.end(), address) == servers.end()) servers.push_back(address);
  }
  if (servers.empty()) return std::nullopt;
  std::string text = "# netlab: the lab's DNS for guest " + guest.name + " (`netlab exec`)\n";
  for (const auto& s : servers) text += "nameserver " + s + "\n";
  // The lab's dnsmasq knows only the lab's names and refuses the rest, so the
  // resolver moves on to the machine's servers for outside names.
  if (host_resolv)
    for (const auto& s : name_servers(*host_resolv))
      if (!loopback(s) && std::find(servers.begin(), servers.end(), s) == servers.end())
        text += "nameserver " + s + "\n";
  return text;
}

std::string guest_hosts_file(const model::Topology& topology, const model::Guest& guest,
                             std::string_view machine_hosts) {
  std::string text(machine_hosts);
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "# netlab: the guests of lab " + topology.name + " with static addresses (`netlab exec`)\n";
  auto on_my_network = [&](const model::Nic& nic) {
    return std::any_of(guest.nics.begin(), guest.nics.end(),
                       [&](const model::Nic& mine) { return mine.network == nic.network; });
  };
  for (const auto& other : topology.guests) {
    // Shared networks first: a resolver answers with the first line that names the guest.
    for (bool shared : {true, false})
      for (const auto& nic : other.nics)
        if (nic.address && on_my_network(nic) == shared) text += nic.address->address.str() + " " + other.name + "\n";
  }
  return text;
}

}  // namespace netlab::plan
