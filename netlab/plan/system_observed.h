#pragma once
// Observed state read from the kernel through the host adapters, each part once
// per command and cached. A namespace's links are looked up one by one while
// few are asked for, then dumped: in the host namespace of a lab of a thousand
// guests a dump of its veths costs the kernel O(guests) per veth, which a
// change to one guest must not pay. Addresses, routes and qdiscs are dumped
// per namespace without a dump of the links (they are matched by ifindex).
#include <map>
#include <unordered_map>

#include "netlab/host/netlink.h"
#include "netlab/host/ovsdb.h"
#include "netlab/plan/observed.h"
#include "netlab/plan/sockets.h"

namespace netlab::plan {

class SystemObserved : public Observed {
 public:
  explicit SystemObserved(Sockets& sockets) : sockets_(sockets) {}

  /// Identities of namespaces read just before (LabReading::identities):
  /// netns_identity() of one of them answers from here, without a stat.
  void know_identities(std::unordered_map<std::string, std::string> identities) {
    identities_ = std::move(identities);
  }

  bool netns_exists(const std::string& name) override;
  std::string netns_identity(const std::string& name) override;
  std::optional<ObservedLink> link(const std::string& netns, const std::string& name) override;
  std::vector<model::Cidr> addresses(const std::string& netns, const std::string& device) override;
  bool has_route(const std::string& netns, const std::optional<model::Cidr>& destination,
                 model::Ipv4 gateway) override;
  std::vector<model::Cidr6> addresses6(const std::string& netns, const std::string& device) override;
  bool has_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                  const model::Ipv6& gateway) override;
  std::optional<std::string> sysctl(const std::string& netns, const std::string& key) override;
  std::optional<size_t> nft_rule_count(const std::string& netns, const std::string& table) override;
  bool process_running(const std::string& pid_file, const std::string& detail) override;
  std::optional<int> dnsmasq_bridge_index(const std::string& bridge_index_file) override;
  bool ovs_running(const std::string& run_dir) override;
  bool ovs_has_bridge(const std::string& run_dir, const std::string& bridge) override;
  bool ovs_port_matches(const std::string& run_dir, const std::string& bridge, const std::string& port,
                        std::optional<int> tag, const std::string& iface_id) override;
  std::optional<std::optional<int>> ovs_port_tag(const std::string& run_dir, const std::string& bridge,
                                                 const std::string& port) override;
  std::optional<std::string> read_file(const std::string& path) override;
  bool ovn_central_running(const std::string& dir) override;
  bool ovn_controller_running(const std::string& host_dir) override;
  bool ovn_network_matches(const std::string& central_dir, const host::OvnNetworkSpec& spec) override;
  std::optional<bool> tx_checksumming(const std::string& netns, const std::string& device) override;
  bool libvirtd_running(const std::string& run_dir) override;
  bool file_exists(const std::string& path) override;
  bool domain_runs(const std::string& uri, const std::string& name, const std::string& xml_copy,
                   const std::string& xml) override;
  bool domain_exists(const std::string& uri, const std::string& name) override;
  bool has_lease(const std::string& lease_file, const model::Mac& mac) override;
  bool vm_has_address(const std::string& uri, const std::string& domain, const model::Mac& mac) override;
  std::optional<model::Impairment> netem(const std::string& netns, const std::string& device) override;

 private:
  /// What was read of one namespace.
  struct Space {
    std::optional<std::map<std::string, host::LinkInfo>> links;  // all of them, once dumped
    std::map<std::string, std::optional<host::LinkInfo>> looked_up;  // by name, before a dump
    std::optional<std::map<int, std::vector<model::Cidr>>> addresses;  // by ifindex
    std::optional<std::vector<host::RouteInfo>> routes;
    std::optional<std::map<int, model::Impairment>> netem;  // root netem qdiscs by ifindex
  };
  /// The namespace's record; nullptr when it does not exist (or cannot be entered).
  Space* space(const std::string& netns);
  /// The link, looked up alone or from the dump (see above).
  const host::LinkInfo* find_link(const std::string& netns, Space& space, const std::string& name);

  /// The ports of each OVS bridge, read once per command.
  const std::map<std::string, std::vector<host::OvsPort>>* ovs_snapshot(const std::string& run_dir);

  Sockets& sockets_;
  std::map<std::string, bool> exists_;
  std::map<std::string, Space> spaces_;
  // IPv6, read only for dual-stack labs: addresses per (netns, device), routes per netns.
  std::map<std::pair<std::string, std::string>, std::vector<model::Cidr6>> addresses6_;
  std::map<std::string, std::vector<host::IpRoute>> routes6_;
  std::map<std::string, std::map<std::string, std::vector<host::OvsPort>>> ovs_cache_;
  std::unordered_map<std::string, std::string> identities_;  // know_identities()
};

}  // namespace netlab::plan
