#pragma once
// Every change apply() and teardown make to a host goes through HostWriter,
// as every read the planner makes goes through Observed (observed.h).
// SystemWriter (system_writer.h) carries the calls out with the host adapters
// (netlink, nftables, sysctl, ethtool, dnsmasq, OVS, the DHCP client);
// tests/unit/plan/fake_host.h records them and keeps an in-memory host, so
// step order, rollback and teardown order are tested without root.
//
// Contract of every method:
//  - `netns` names a network namespace; "" is the caller's own (the real host's root).
//  - A write does one thing and reports it: success means the effect is in place.
//    It does no journalling and no rollback; apply() journals before it calls
//    (write-ahead) and undoes through remove_objects() (teardown.h).
//  - The few reads here are fresh (never cached): apply() and teardown decide
//    on them in the middle of a run that is changing the very same objects.
//    The planner's reads, made once before the run, belong to Observed.
//
// Adding a kind of write (a KVM domain, a private libvirtd, an uplink whose
// addresses and routes move to a bridge and back, ...):
//  1. Declare the write here, pure virtual, in the section it belongs to (or a
//     new section), with its contract: what exists after success, what an
//     Error leaves behind, whether "already there" is success. Add the fresh
//     reads its step or its removal needs beside it.
//  2. Implement it in SystemWriter (system_writer.cpp) over a netlab/host
//     adapter: the adapter does the system work, SystemWriter only forwards.
//  3. Implement it in FakeHost (tests/unit/plan/fake_host.cpp): record the call
//     and update the fake host state, so the planner sees its effect.
//  4. The step: an Action (action.h, with its describe() line) that
//     desired.cpp emits, its check in planner.cpp's satisfied(), and
//     Executor::step in apply.cpp. A step that creates something calls
//     will_create(object) *before* the write, so the journal knows it first.
//  5. Its removal: a state::ObjectKind for the journal, its rank and its case
//     in teardown.cpp's remove_one(), calling the matching remove/stop write.
//     Something to restore rather than delete (a sysctl's value, an uplink's
//     addresses) keeps the old value in the object's `detail`.
//  6. Tests: apply order and rollback on FakeHost (tests/unit/plan), the real
//     thing in tests/integration.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "netlab/host/dhcp6_client.h"
#include "netlab/host/dhcp_client.h"
#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/libvirt_client.h"
#include "netlab/host/vm_image.h"
#include "netlab/host/netlink.h"
#include "netlab/host/nft.h"
#include "netlab/host/ovn.h"
#include "netlab/host/ovn_nb.h"
#include "netlab/host/uplink_move.h"
#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::plan {

class HostWriter {
 public:
  virtual ~HostWriter() = default;

  // ---- Namespaces -------------------------------------------------------
  /// Creates namespace `name` with its loopback up; with `ipv6_off` the devices
  /// made in it later get no IPv6 (host::Ipv6::off). An Error when it exists.
  /// May run on two threads at once (apply() pre-creates namespaces in parallel).
  virtual Status create_netns(const std::string& name, bool ipv6_off) = 0;
  /// Deletes namespace `name`, first dropping anything the writer holds open in
  /// it (an open socket would keep it alive). An Error when it does not exist.
  virtual Status delete_netns(const std::string& name) = 0;
  /// True when `name` is a live namespace.
  virtual bool netns_exists(const std::string& name) = 0;
  /// True when /run/netns/NAME exists at all, a live namespace or a bare file
  /// left by a run killed inside create_netns: delete_netns removes both.
  virtual bool netns_file_exists(const std::string& name) = 0;

  // ---- Sysctls ----------------------------------------------------------
  virtual Result<std::string> sysctl(const std::string& netns, const std::string& key) = 0;
  virtual Status set_sysctl(const std::string& netns, const std::string& key, const std::string& value) = 0;

  // ---- Links ------------------------------------------------------------
  /// The link `name`, nullopt when absent; an Error when `netns` cannot be reached.
  virtual Result<std::optional<host::LinkInfo>> find_link(const std::string& netns, const std::string& name) = 0;
  virtual Status create_bridge(const std::string& netns, const host::BridgeSpec& spec) = 0;
  /// The pair `spec.name` in `netns`, its peer in spec.peer_netns ("" = `netns`).
  virtual Status create_veth(const std::string& netns, const host::VethSpec& spec) = 0;
  virtual Status create_tap(const std::string& netns, const std::string& name, const std::string& alias) = 0;
  /// A macvlan on spec.lower (in `netns`), created directly in spec.netns.
  virtual Status create_macvlan(const std::string& netns, const host::MacvlanSpec& spec) = 0;
  /// A macvtap on spec.lower, in `netns`, tagged with `alias`.
  virtual Status create_macvtap(const std::string& netns, const host::MacvlanSpec& spec, const std::string& alias) = 0;
  /// Deletes link `name` (a veth takes its peer with it).
  virtual Status delete_link(const std::string& netns, const std::string& name) = 0;
  virtual Status set_alias(const std::string& netns, const std::string& name, const std::string& alias) = 0;
  /// Keeps `name` free of IPv6 addresses (labs are IPv4).
  virtual Status set_no_ipv6_addresses(const std::string& netns, const std::string& name) = 0;
  virtual Status set_mtu(const std::string& netns, const std::string& name, int mtu) = 0;
  /// Enslaves `name` to bridge `master`.
  virtual Status set_master(const std::string& netns, const std::string& name, const std::string& master) = 0;
  virtual Status set_up(const std::string& netns, const std::string& name) = 0;
  /// Returns once `name` carries traffic (see host::Netlink::settle).
  virtual Status settle(const std::string& netns, const std::string& name) = 0;

  // ---- Addresses and routes ---------------------------------------------
  virtual Status add_address(const std::string& netns, const std::string& device, const model::Cidr& address) = 0;
  /// Removes the address (a moved subnet, a changed static address, a lease
  /// outside its network); the kernel drops the routes that needed it.
  virtual Status del_address(const std::string& netns, const std::string& device, const model::Cidr& address) = 0;
  virtual Status add_route(const std::string& netns, const host::RouteSpec& route) = 0;
  /// Adds an IPv6 address with IFA_F_NODAD (usable at once); Error if it is already there.
  virtual Status add_address6(const std::string& netns, const std::string& device, const model::Cidr6& address) = 0;
  /// Creates (or replaces) the IPv6 route to `destination` (nullopt = default) via `gateway` out of `device`.
  virtual Status add_route6(const std::string& netns, const std::optional<model::Cidr6>& destination,
                            const model::Ipv6& gateway, const std::string& device) = 0;
  /// The global IPv6 addresses `device` holds now that are no longer tentative (a fresh read).
  virtual Result<std::vector<model::Cidr6>> addresses6(const std::string& netns, const std::string& device) = 0;
  /// True when an IPv6 default route leaves through `device` (one a router
  /// advertisement made, or one added); a fresh read.
  virtual Result<bool> has_default_route6(const std::string& netns, const std::string& device) = 0;

  // ---- Uplinks (host/uplink_move.h) -------------------------------------
  /// What host NIC `nic` holds now (every address and route through it), to
  /// move to `bridge`; a fresh read. An Error when a route through it cannot
  /// be recreated (several next hops): nothing may be moved then.
  virtual Result<host::UplinkSnapshot> snapshot_uplink(const std::string& netns, const std::string& nic,
                                                       const std::string& bridge) = 0;
  /// Enslaves the snapshot's NIC to its bridge, moving every address and route
  /// to the bridge (the default route replaced, never missing). On an Error
  /// the NIC has its addresses and routes again (the message says if not).
  virtual Status move_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) = 0;
  /// Gives the NIC back what the snapshot holds and takes it out of the
  /// bridge; idempotent ("already restored" is success); success when the
  /// NIC is gone. An Error lists what could not be restored.
  virtual Status restore_uplink(const std::string& netns, const host::UplinkSnapshot& snapshot) = 0;

  // ---- nftables ---------------------------------------------------------
  /// Replaces table inet `table` atomically with `ruleset`, a text that deletes
  /// and recreates it (host::render_lab_replace).
  virtual Status replace_nft_table(const std::string& netns, const std::string& table, const std::string& ruleset) = 0;
  /// Deletes table `family` `table`; `absent` when it (or a way into `netns`) is not there.
  virtual Result<host::DeleteOutcome> delete_nft_table(const std::string& netns, const std::string& family,
                                                       const std::string& table) = 0;

  // ---- Daemons ----------------------------------------------------------
  /// Writes the conf and starts dnsmasq in `netns`; success once it runs (also
  /// when ours ran already). Its files: host::dnsmasq_files(config.run_dir, config.network).
  virtual Status start_dnsmasq(const std::string& netns, const host::DnsmasqConfig& config) = 0;
  /// The pid of the lab's live daemon recorded by `pid_file` and `detail` (a
  /// dnsmasq's conf, a DHCPv6 client's lease file: host/owned_process.h);
  /// nullopt otherwise (never someone else's process).
  virtual std::optional<pid_t> running_process(const std::string& pid_file, const std::string& detail) = 0;
  /// SIGTERM, then SIGKILL after a grace period.
  virtual Status stop_process(pid_t pid) = 0;
  /// Starts the lab's private ovsdb-server and ovs-vswitchd (files under run_dir/ovs) in `netns`.
  virtual Status start_ovs(const std::string& netns, const std::string& run_dir) = 0;
  virtual bool ovs_running(const std::string& run_dir) = 0;
  virtual Status stop_ovs(const std::string& run_dir) = 0;
  /// OVS bridge `name` (netdev datapath); its internal port appears in `netns`.
  /// `secure`: fail_mode=secure and in-band off (OVN's br-int).
  virtual Status ovs_add_bridge(const std::string& netns, const std::string& run_dir, const std::string& name,
                                bool secure) = 0;
  /// `port` on `bridge`, access port of VLAN `tag` when set, its interface
  /// bound to OVN logical port `iface_id` when not empty; a port of that name
  /// already there (another tag or iface-id: drift) is replaced.
  virtual Status ovs_set_port(const std::string& run_dir, const std::string& bridge, const std::string& port,
                              std::optional<int> tag, const std::string& iface_id) = 0;

  // ---- OVN (host/ovn.h, host/ovn_nb.h) ----------------------------------
  /// Starts the lab's NB and SB databases and ovn-northd (files in `dir`) in
  /// `netns`, SB listening on `listen`; success also when they ran already.
  virtual Status start_ovn_central(const std::string& netns, const std::string& dir, const model::Ipv4& listen) = 0;
  virtual bool ovn_central_running(const std::string& dir) = 0;
  /// Stops them; success when none runs.
  virtual Status stop_ovn_central(const std::string& dir) = 0;
  /// Writes the chassis settings into the host's OVS (under host_dir/ovs) and
  /// starts its ovn-controller in `netns`; success also when it ran already.
  virtual Status start_ovn_controller(const std::string& netns, const std::string& host_dir,
                                      const host::ChassisConfig& chassis) = 0;
  virtual bool ovn_controller_running(const std::string& host_dir) = 0;
  virtual Status stop_ovn_controller(const std::string& host_dir) = 0;
  /// Writes `spec` into NB (under `central_dir`) in one transaction, replacing
  /// what the lab wrote for that network before.
  virtual Status apply_ovn_network(const std::string& central_dir, const host::OvnNetworkSpec& spec) = 0;

  // ---- The lab's own files ------------------------------------------------
  /// The text of `path`; nullopt when it does not exist.
  virtual std::optional<std::string> read_file(const std::string& path) = 0;
  /// Replaces `path` with `content` atomically (a temporary file renamed over it).
  virtual Status write_file(const std::string& path, const std::string& content) = 0;

  // ---- Device settings and guests' clients ------------------------------
  virtual Status set_tx_checksumming(const std::string& netns, const std::string& device, bool on) = 0;
  /// Runs a DHCP client until it holds a lease, configured on the device; the address.
  virtual Result<model::Cidr> obtain_lease(const host::DhcpClientOptions& options) = 0;
  /// Starts a DHCPv6 client that stays running once it holds a lease (configured
  /// on the device); its pid.
  virtual Result<pid_t> start_dhcp6_client(const host::Dhcp6ClientOptions& options) = 0;

  // ---- KVM guests ---------------------------------------------------------
  /// Starts the lab's private libvirtd (files under run_dir/libvirt) in `netns`;
  /// success once it answers, also when it ran already. `ovs_run_dir` ("" =
  /// none): the host's private OVS, which the daemon plugs OVN VMs' taps into.
  virtual Status start_libvirtd(const std::string& netns, const std::string& run_dir, const std::string& ovs_run_dir) = 0;
  virtual bool libvirtd_running(const std::string& run_dir) = 0;
  /// Stops it (the domains it ran keep running: destroy them first).
  virtual Status stop_libvirtd(const std::string& run_dir) = 0;
  /// The guest's disk at `path` made from `base` (read only): a thin qcow2
  /// overlay, or a thick preallocated raw copy. An Error may leave a partial file.
  virtual Status create_vm_disk(const host::BaseImage& base, const std::string& path, bool thick) = 0;
  /// Removes the file; false when it was not there.
  virtual Result<bool> remove_file(const std::string& path) = 0;
  /// The state of domain `name` on libvirt `uri`, DomainState::absent when not
  /// defined; an Error when that libvirt does not answer.
  virtual Result<host::DomainState> domain_state(const std::string& uri, const std::string& name) = 0;
  /// Defines (or redefines, same name and UUID) the domain of `xml`, and keeps
  /// `xml` in the file `xml_copy` (what the planner compares against).
  virtual Status define_domain(const std::string& uri, const std::string& xml, const std::string& xml_copy) = 0;
  virtual Status start_domain(const std::string& uri, const std::string& name) = 0;
  /// Stops the domain at once; success when it is not running.
  virtual Status destroy_domain(const std::string& uri, const std::string& name) = 0;
  /// Removes its definition (and snapshot metadata); success when absent.
  virtual Status undefine_domain(const std::string& uri, const std::string& name) = 0;
  /// When the daemon behind `uri` is gone: the QEMU it left running for domain
  /// `name` (found by libvirt's pid file), to stop with stop_process.
  virtual std::optional<pid_t> orphan_qemu(const std::string& uri, const std::string& name) = 0;
  /// The address dnsmasq leased to `mac` (its lease file `lease_file`); nullopt when none yet.
  virtual std::optional<model::Ipv4> leased_address(const std::string& lease_file, const model::Mac& mac) = 0;
  /// The address the VM's NIC `mac` holds, read inside domain `domain` on `uri`
  /// through its guest agent (OVN's DHCP keeps no lease file); nullopt when none yet.
  virtual std::optional<model::Ipv4> vm_address(const std::string& uri, const std::string& domain,
                                                const model::Mac& mac) = 0;

  // ---- Link impairment ----------------------------------------------------
  /// Makes netem with `impairment` the root qdisc of `device` (every parameter,
  /// none kept from an earlier netem); an impairment that is none() removes a
  /// root netem instead, success when there is none. Nothing to journal: the
  /// qdisc goes with its device.
  virtual Status set_netem(const std::string& netns, const std::string& device,
                           const model::Impairment& impairment) = 0;
};

}  // namespace netlab::plan
