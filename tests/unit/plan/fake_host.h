#pragma once
// A HostWriter for tests: keeps the host in a FakeObserved (so the planner sees
// what apply() did) and records every write, in order, as one line of text
// ("create_veth nat-host/vnet0 peer nat-g1/eth0 master=nat-default up").
// It behaves like the kernel where apply() and teardown depend on it: creating
// what exists or in a namespace that does not exist fails, a veth goes with its
// peer and with its namespace, removing a device's last address drops the
// routes through it, a gateway must lie in a subnet on the device. A write can
// be made to fail (fail_on) to test rollback.
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "fake_observed.h"
#include "netlab/plan/host_writer.h"

namespace netlab::plan {

class FakeHost : public HostWriter {
 public:
  explicit FakeHost(FakeObserved& state) : state_(state) {}

  /// Every write, in the order made (reads are not recorded).
  std::vector<std::string> writes;
  /// Every settle(): "netns/name".
  std::vector<std::string> settled;
  /// Called with each write's text before it takes effect (e.g. to look at the journal).
  std::function<void(const std::string&)> before_write;
  /// The MAC find_link reports for a link, by (netns, name).
  std::map<std::pair<std::string, std::string>, std::string> macs;
  /// What a DHCPv6 client obtains (start_dhcp6_client).
  model::Cidr6 lease6_address = *model::Cidr6::parse("fd00:160::1a0/64");
  /// What obtain_lease hands out.
  model::Cidr lease_address = *model::Cidr::parse("192.168.122.100/24");

  /// The first later write whose text starts with `prefix` fails ("injected
  /// failure") and changes nothing.
  void fail_on(std::string prefix) { fail_prefix_ = std::move(prefix); }

  /// Puts a device that exists before the run (a host NIC) into `netns`.
  void add_nic(const std::string& netns, const std::string& name, const std::string& mac = "");

  Status create_netns(const std::string& name, bool ipv6_off) override;
  Status delete_netns(const std::string& name) override;
  bool netns_exists(const std::string& name) override { return state_.netns_exists(name); }
  bool netns_file_exists(const std::string& name) override { return state_.netns_exists(name); }

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
  Status set_mtu(const std::string& netns, const std::string& name, int mtu) override;
  Status set_master(const std::string& netns, const std::string& name, const std::string& master) override;
  Status set_up(const std::string& netns, const std::string& name) override;
  Status settle(const std::string& netns, const std::string& name) override;

  Status add_address(const std::string& netns, const std::string& device, const model::Cidr& address) override;
  Status del_address(const std::string& netns, const std::string& device, const model::Cidr& address) override;
  Status add_route(const std::string& netns, const host::RouteSpec& route) override;
  Status add_address6(const std::string& netns, const std::string& device, const model::Cidr6& address) override;
  Status add_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                    const model::Ipv6& gateway, const std::string& device) override;
  /// The IPv6 addresses the device holds; a device that holds none takes
  /// `slaac_address`, as the kernel makes one from a router advertisement.
  Result<std::vector<model::Cidr6>> addresses6(const std::string& netns, const std::string& device) override;
  /// What addresses6 hands out to a NIC without a static IPv6 address (SLAAC).
  model::Cidr6 slaac_address = *model::Cidr6::parse("fd00:10::5054:ff:fe00:1/64");
  /// A default route added, or the one a router advertisement makes: it is
  /// there from read number `advertised_route_after` + 1 on (0: at once), as
  /// when the advertisement comes a while after the address.
  Result<bool> has_default_route6(const std::string& netns, const std::string& device) override;
  int advertised_route_after = 0;
  int default_route6_reads = 0;

  Result<host::UplinkSnapshot> snapshot_uplink(const std::string& netns, const std::string& nic,
                                               const std::string& bridge) override;
  Status move_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) override;
  Status restore_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) override;

  Status replace_nft_table(const std::string& netns, const std::string& table, const std::string& ruleset) override;
  Result<host::DeleteOutcome> delete_nft_table(const std::string& netns, const std::string& family,
                                               const std::string& table) override;

  Status start_dnsmasq(const std::string& netns, const host::DnsmasqConfig& config) override;
  std::optional<pid_t> running_process(const std::string& pid_file, const std::string& conf_file) override;
  Status stop_process(pid_t pid) override;
  Status start_ovs(const std::string& netns, const std::string& run_dir) override;
  bool ovs_running(const std::string& run_dir) override { return state_.ovs_running(run_dir); }
  Status stop_ovs(const std::string& run_dir) override;
  Status ovs_add_bridge(const std::string& netns, const std::string& run_dir, const std::string& name,
                        bool secure) override;
  Status ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                      std::optional<int> tag, const std::string& iface_id) override;
  Status start_ovn_central(const std::string& netns, const std::string& dir, const model::Ipv4& listen) override;
  bool ovn_central_running(const std::string& dir) override { return state_.ovn_central_running(dir); }
  Status stop_ovn_central(const std::string& dir) override;
  Status start_ovn_controller(const std::string& netns, const std::string& host_dir,
                              const host::ChassisConfig& chassis) override;
  bool ovn_controller_running(const std::string& host_dir) override { return state_.ovn_controller_running(host_dir); }
  Status stop_ovn_controller(const std::string& host_dir) override;
  Status apply_ovn_network(const std::string& central_dir, const host::OvnNetworkSpec& spec) override;

  std::optional<std::string> read_file(const std::string& path) override { return state_.read_file(path); }
  Status write_file(const std::string& path, const std::string& content) override;
  Status set_tx_checksumming(const std::string& netns, const std::string& device, bool on) override;
  Result<model::Cidr> obtain_lease(const host::DhcpClientOptions& options) override;
  Result<pid_t> start_dhcp6_client(const host::Dhcp6ClientOptions& options) override;

  Status start_libvirtd(const std::string& netns, const std::string& run_dir, const std::string& ovs_run_dir) override;
  bool libvirtd_running(const std::string& run_dir) override { return state_.libvirtd_running(run_dir); }
  Status stop_libvirtd(const std::string& run_dir) override;
  Status create_vm_disk(const host::BaseImage& base, const std::string& path, bool thick) override;
  Result<bool> remove_file(const std::string& path) override;
  Result<host::DomainState> domain_state(const std::string& uri, const std::string& name) override;
  Status define_domain(const std::string& uri, const std::string& xml, const std::string& xml_copy) override;
  Status start_domain(const std::string& uri, const std::string& name) override;
  Status destroy_domain(const std::string& uri, const std::string& name) override;
  Status undefine_domain(const std::string& uri, const std::string& name) override;
  std::optional<pid_t> orphan_qemu(const std::string&, const std::string&) override { return std::nullopt; }
  std::optional<model::Ipv4> leased_address(const std::string& lease_file, const model::Mac& mac) override;
  std::optional<model::Ipv4> vm_address(const std::string&, const std::string&, const model::Mac& mac) override {
    return leased_address("", mac);
  }
  Status set_netem(const std::string& netns, const std::string& device, const model::Impairment& impairment) override;

  /// Defined domains: name -> (XML, running). A domain runs on the libvirt of the
  /// lab whose run dir its URI names; without that daemon, domain_state fails.
  std::map<std::string, std::pair<std::string, bool>> domains;

 private:
  using Key = std::pair<std::string, std::string>;  // (netns, name)
  /// Records `text`; the injected Error when it is the write to fail.
  Status write(const std::string& text);
  Status need_netns(const std::string& netns) const;
  Status need_link(const std::string& netns, const std::string& name) const;
  Status new_link(const std::string& netns, const std::string& name) const;
  void erase_link(const Key& key);

  FakeObserved& state_;
  std::mutex mutex_;  // create_netns runs on two threads
  std::string fail_prefix_;
  std::map<Key, Key> veth_peer_;
  std::map<std::string, pid_t> pids_;  // pid file -> pid
  pid_t next_pid_ = 1000;
  std::map<std::string, std::vector<Key>> ovs_bridges_;  // run dir -> internal ports
};

/// The whole fake host as sorted text, one object a line: compare two states in a test.
std::string dump(const FakeObserved& state);

}  // namespace netlab::plan
