#include "netlab/host/vm_address.h"

#include <sstream>

namespace netlab::host {
namespace {

// A constant text run by the guest's /bin/sh (busybox in netlab-test): one
// line per NIC, its MAC and its first IPv4 address ("52:54:00:.. inet 10.0.0.5").
constexpr const char* kListAddresses =
    "PATH=/sbin:/bin:/usr/sbin:/usr/bin; cd /sys/class/net || exit 1; "
    "for d in *; do echo \"$(cat $d/address) $(ip -4 addr show dev $d | grep -o 'inet [0-9.]*' | head -n1)\"; done";

}  // namespace

std::optional<model::Ipv4> parse_vm_addresses(const std::string& text, const model::Mac& mac) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string m, inet, ip;
    if (!(words >> m >> inet >> ip) || inet != "inet") continue;
    auto parsed_mac = model::Mac::parse(m);
    if (!parsed_mac || *parsed_mac != mac) continue;
    if (auto a = model::Ipv4::parse(ip)) return a;
  }
  return std::nullopt;
}

std::optional<model::Ipv4> vm_nic_address(LibvirtClient& client, const std::string& domain, const model::Mac& mac) {
  if (!client.agent_ready(domain)) return std::nullopt;
  auto r = client.guest_exec(domain, {"/bin/sh", "-c", kListAddresses}, std::chrono::seconds(10));
  if (!r || r->exit_code != 0) return std::nullopt;
  return parse_vm_addresses(r->out, mac);
}

std::optional<model::Ipv4> vm_nic_address(const std::string& uri, const std::string& domain, const model::Mac& mac) {
  auto client = LibvirtClient::open(uri);
  if (!client) return std::nullopt;
  return vm_nic_address(*client, domain, mac);
}

}  // namespace netlab::host
