#pragma once
// What exists now, as the planner needs to know it. The planner reads the system
// only through this interface: SystemObserved (system_observed.h) asks the kernel
// through the host adapters, FakeObserved (tests) answers from memory.
#include <optional>
#include <string>
#include <vector>

#include "netlab/host/ovn_nb.h"
#include "netlab/model/address.h"
#include "netlab/model/impairment.h"

namespace netlab::plan {

/// A network device as observed.
struct ObservedLink {
  std::string kind;    // "bridge", "veth", "tun", "macvlan", "" when unknown
  std::string master;  // bridge it is enslaved to, "" = none
  std::string alias;
  bool up = false;
  int ifindex = 0;
};

class Observed {
 public:
  virtual ~Observed() = default;
  virtual bool netns_exists(const std::string& name) = 0;
  /// What tells this namespace from another of the same name (host::netns_identity); "" when absent.
  virtual std::string netns_identity(const std::string& name) = 0;
  /// The link `name` in namespace `netns`; nullopt when it or the namespace is absent.
  virtual std::optional<ObservedLink> link(const std::string& netns, const std::string& name) = 0;
  /// IPv4 addresses on `device`; empty when it or the namespace is absent.
  virtual std::vector<model::Cidr> addresses(const std::string& netns, const std::string& device) = 0;
  /// True when a route to `destination` (nullopt = default) via `gateway` exists.
  virtual bool has_route(const std::string& netns, const std::optional<model::Cidr>& destination,
                         model::Ipv4 gateway) = 0;
  /// Global IPv6 addresses on `device`; empty when it or the namespace is absent.
  virtual std::vector<model::Cidr6> addresses6(const std::string& netns, const std::string& device) = 0;
  /// True when an IPv6 route to `destination` (nullopt = default) via `gateway` exists.
  virtual bool has_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                          const model::Ipv6& gateway) = 0;
  /// The sysctl's value; nullopt when unreadable (namespace absent).
  virtual std::optional<std::string> sysctl(const std::string& netns, const std::string& key) = 0;
  /// Number of rules in table inet `table`; nullopt when the table is absent.
  virtual std::optional<size_t> nft_rule_count(const std::string& netns, const std::string& table) = 0;
  /// True when the lab's private OVS daemons (files under run_dir/ovs) run.
  virtual bool ovs_running(const std::string& run_dir) = 0;
  /// True when that OVS has bridge `bridge`.
  virtual bool ovs_has_bridge(const std::string& run_dir, const std::string& bridge) = 0;
  /// True when `port` is on `bridge` with exactly VLAN tag `tag` (nullopt = none) and OVN iface-id `iface_id`.
  virtual bool ovs_port_matches(const std::string& run_dir, const std::string& bridge, const std::string& port,
                                std::optional<int> tag, const std::string& iface_id) = 0;
  /// The VLAN tag of `port` on `bridge` (inner nullopt = untagged); nullopt when the port is absent.
  virtual std::optional<std::optional<int>> ovs_port_tag(const std::string& run_dir, const std::string& bridge,
                                                         const std::string& port) = 0;
  /// The text of a file the lab keeps (a dnsmasq conf, the last nft ruleset); nullopt when absent.
  virtual std::optional<std::string> read_file(const std::string& path) = 0;
  /// True when the lab's OVN databases and ovn-northd (files in `dir`) run.
  virtual bool ovn_central_running(const std::string& dir) = 0;
  /// True when the ovn-controller of the host whose run directory is `host_dir` runs.
  virtual bool ovn_controller_running(const std::string& host_dir) = 0;
  /// True when NB (under `central_dir`) holds the network as `spec` says.
  virtual bool ovn_network_matches(const std::string& central_dir, const host::OvnNetworkSpec& spec) = 0;
  /// Whether TX checksum offload is on; nullopt when the device is absent.
  virtual std::optional<bool> tx_checksumming(const std::string& netns, const std::string& device) = 0;
  /// True when the lab's daemon recorded by `pid_file` and `detail` runs: a
  /// dnsmasq with its conf `detail`, or a DHCPv6 client with its lease file
  /// `detail` (host/owned_process.h).
  virtual bool process_running(const std::string& pid_file, const std::string& detail) = 0;
  /// True when the lab's private libvirtd (files under run_dir/libvirt) runs.
  virtual bool libvirtd_running(const std::string& run_dir) = 0;
  virtual bool file_exists(const std::string& path) = 0;
  /// True when domain `name` on `uri` runs and was defined from `xml` (its copy in `xml_copy`).
  virtual bool domain_runs(const std::string& uri, const std::string& name, const std::string& xml_copy,
                           const std::string& xml) = 0;
  /// True when domain `name` is defined on `uri` (running or not); false when that libvirt does not answer.
  virtual bool domain_exists(const std::string& uri, const std::string& name) = 0;
  /// True when `lease_file` (dnsmasq's) holds a lease for `mac`.
  virtual bool has_lease(const std::string& lease_file, const model::Mac& mac) = 0;
  /// True when the VM's NIC `mac` holds an IPv4 address inside domain `domain` on `uri` (guest agent).
  virtual bool vm_has_address(const std::string& uri, const std::string& domain, const model::Mac& mac) = 0;
  /// The bridge ifindex a dnsmasq was started on, from its DnsmasqFiles::bridge_index
  /// file; nullopt when unknown.
  virtual std::optional<int> dnsmasq_bridge_index(const std::string& bridge_index_file) = 0;
  /// The impairment of `device`'s root netem qdisc; nullopt when its root qdisc
  /// is another (or it or the namespace is absent).
  virtual std::optional<model::Impairment> netem(const std::string& netns, const std::string& device) = 0;
};

}  // namespace netlab::plan
