#pragma once
// HostWriter over the real host: each call forwards to a netlab/host adapter,
// on the per-namespace sockets the command's observer uses too.
#include <map>

#include "netlab/host/netns_processes.h"
#include "netlab/plan/host_writer.h"
#include "netlab/plan/sockets.h"

namespace netlab::plan {

class SystemWriter : public HostWriter {
 public:
  explicit SystemWriter(Sockets& sockets) : sockets_(sockets) {}

  Status create_netns(const std::string& name, bool ipv6_off) override;
  Status delete_netns(const std::string& name) override;
  bool netns_exists(const std::string& name) override;
  bool netns_file_exists(const std::string& name) override;

  Result<std::string> sysctl(const std::string& netns, const std::string& key) override;
  Status set_sysctl(const std::string& netns, const std::string& key, const std::string& value) override;

  Result<std::optional<host::LinkInfo>> find_link(const std::string& netns, const std::string& name) override;
  Status create_bridge(const std::string& netns, const host::BridgeSpec& spec) override;
  Status create_veth(const std::string& netns, const host::VethSpec& spec) override;
  Status create_tap(const std::string& netns, const std::string& name, const std::string& alias) override;
  Status create_macvlan(const std::string& netns, const host::MacvlanSpec& spec) override;
  Status create_macvtap(const std::string& netns, const host::MacvlanSpec& spec, const std::string& alias) override;
  Status delete_link(const std::string& netns, const std::string& name) override;
  Status set_alias(const std::string& netns, const std::string& name, const std::string& alias) override;
  Status set_no_ipv6_addresses(const std::string& netns, const std::string& name) override;
  Status add_address6(const std::string& netns, const std::string& device, const model::Cidr6& address) override;
  Status add_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                    const model::Ipv6& gateway, const std::string& device) override;
  Result<std::vector<model::Cidr6>> addresses6(const std::string& netns, const std::string& device) override;
  Result<bool> has_default_route6(const std::string& netns, const std::string& device) override;
  Status set_mtu(const std::string& netns, const std::string& name, int mtu) override;
  Status set_master(const std::string& netns, const std::string& name, const std::string& master) override;
  Status set_up(const std::string& netns, const std::string& name) override;
  Status settle(const std::string& netns, const std::string& name) override;

  Status add_address(const std::string& netns, const std::string& device, const model::Cidr& address) override;
  Status del_address(const std::string& netns, const std::string& device, const model::Cidr& address) override;
  Status add_route(const std::string& netns, const host::RouteSpec& route) override;

  Result<host::UplinkSnapshot> snapshot_uplink(const std::string& netns, const std::string& nic,
                                               const std::string& bridge) override;
  Status move_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) override;
  Status restore_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) override;

  Status replace_nft_table(const std::string& netns, const std::string& table, const std::string& ruleset) override;
  Result<host::DeleteOutcome> delete_nft_table(const std::string& netns, const std::string& family,
                                               const std::string& table) override;

  Status start_dnsmasq(const std::string& netns, const host::DnsmasqConfig& config) override;
  std::optional<pid_t> running_process(const std::string& pid_file, const std::string& detail) override;
  Status stop_process(pid_t pid) override;
  Status start_ovs(const std::string& netns, const std::string& run_dir) override;
  bool ovs_running(const std::string& run_dir) override;
  Status stop_ovs(const std::string& run_dir) override;
  Status ovs_add_bridge(const std::string& netns, const std::string& run_dir, const std::string& name,
                        bool secure) override;
  Status ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                      std::optional<int> tag, const std::string& iface_id) override;
  Status start_ovn_central(const std::string& netns, const std::string& dir, const model::Ipv4& listen) override;
  bool ovn_central_running(const std::string& dir) override;
  Status stop_ovn_central(const std::string& dir) override;
  Status start_ovn_controller(const std::string& netns, const std::string& host_dir,
                              const host::ChassisConfig& chassis) override;
  bool ovn_controller_running(const std::string& host_dir) override;
  Status stop_ovn_controller(const std::string& host_dir) override;
  Status apply_ovn_network(const std::string& central_dir, const host::OvnNetworkSpec& spec) override;

  std::optional<std::string> read_file(const std::string& path) override;
  Status write_file(const std::string& path, const std::string& content) override;
  Status set_tx_checksumming(const std::string& netns, const std::string& device, bool on) override;
  Result<model::Cidr> obtain_lease(const host::DhcpClientOptions& options) override;
  Result<pid_t> start_dhcp6_client(const host::Dhcp6ClientOptions& options) override;

  Status start_libvirtd(const std::string& netns, const std::string& run_dir, const std::string& ovs_run_dir) override;
  bool libvirtd_running(const std::string& run_dir) override;
  Status stop_libvirtd(const std::string& run_dir) override;
  Status create_vm_disk(const host::BaseImage& base, const std::string& path, bool thick) override;
  Result<bool> remove_file(const std::string& path) override;
  Result<host::DomainState> domain_state(const std::string& uri, const std::string& name) override;
  Status define_domain(const std::string& uri, const std::string& xml, const std::string& xml_copy) override;
  Status start_domain(const std::string& uri, const std::string& name) override;
  Status destroy_domain(const std::string& uri, const std::string& name) override;
  Status undefine_domain(const std::string& uri, const std::string& name) override;
  std::optional<pid_t> orphan_qemu(const std::string& uri, const std::string& name) override;
  std::optional<model::Ipv4> leased_address(const std::string& lease_file, const model::Mac& mac) override;
  std::optional<model::Ipv4> vm_address(const std::string& uri, const std::string& domain,
                                        const model::Mac& mac) override;
  Status set_netem(const std::string& netns, const std::string& device, const model::Impairment& impairment) override;

 private:
  /// One connection per libvirt URI for the writer's lifetime.
  Result<host::LibvirtClient*> libvirt(const std::string& uri);

  Sockets& sockets_;
  host::NetnsProcesses netns_processes_;  // one walk of /proc for a teardown's many namespaces
  std::map<std::string, host::LibvirtClient> libvirt_;
};

}  // namespace netlab::plan
