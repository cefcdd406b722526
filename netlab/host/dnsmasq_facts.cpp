// Reading back a network's dnsmasq files (see dnsmasq_facts.h).
#include "netlab/host/dnsmasq_facts.h"

#include <fstream>

#include "netlab/host/dnsmasq_conf.h"

namespace netlab::host {

std::vector<Lease> network_leases(const std::string& run_dir, const std::string& network) {
  auto leases = read_leases(dnsmasq_files(run_dir, network).leases);
  return leases ? std::move(leases.value()) : std::vector<Lease>{};
}

std::vector<Lease6> network_leases6(const std::string& run_dir, const std::string& network) {
  auto leases = read_leases6(dnsmasq_files(run_dir, network).leases);
  return leases ? std::move(leases.value()) : std::vector<Lease6>{};
}

std::optional<model::Ipv4> leased_or_reserved(const std::string& run_dir, const std::string& network,
                                              const model::Mac& mac) {
  for (const auto& lease : network_leases(run_dir, network))
    if (lease.mac == mac) return lease.ip;
  std::ifstream conf(dnsmasq_files(run_dir, network).conf);
  const std::string prefix = "dhcp-host=" + mac.str() + ",";
  std::string line;
  while (std::getline(conf, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string rest = line.substr(prefix.size());
    if (auto ip = model::Ipv4::parse(rest.substr(0, rest.find(',')))) return ip;
  }
  return std::nullopt;
}

bool serves_dhcp(const std::string& run_dir, const std::string& network) {
  std::ifstream conf(dnsmasq_files(run_dir, network).conf);
  std::string line;
  while (std::getline(conf, line))
    if (line.rfind("dhcp-range=", 0) == 0) return true;
  return false;
}

}  // namespace netlab::host
