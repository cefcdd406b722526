#include "netlab/plan/apply.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "netlab/host/dnsmasq_conf.h"
#include "netlab/host/netlink.h"
#include "netlab/host/lease_file.h"
#include "netlab/host/netns.h"
#include "netlab/host/uplink_move.h"
#include "netlab/plan/teardown.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

/// A DHCP client's options (udhcpc's or dhclient's) for the NIC a lease step
/// names: its guest's namespace, the device, the lab's run directory.
template <typename Options, typename LeaseStep>
Options client_options(const LeaseStep& a) {
  Options options;
  options.netns = a.netns;
  options.device = a.device;
  options.run_dir = a.run_dir;
  return options;
}

/// Carries out one step at a time; remembers what this run created for rollback.
class Executor {
 public:
  Executor(state::Journal& journal, HostWriter& host) : journal_(journal), host_(host) {}

  Status run(const Action& action) { return std::visit([this](const auto& a) { return step(a); }, action); }

  /// A veth's host side created already enslaved and up: its SetMaster/SetUp steps are no-ops.
  void fold_into_veth(const std::string& netns, const std::string& name, std::string master, bool up) {
    folded_[{netns, name}] = {std::move(master), up};
  }

  const std::vector<OwnedObject>& created() const { return created_; }

  /// Settles every link this run created, enslaved or set up since the last
  /// call (see host::Netlink::settle): after it, they carry traffic. Called
  /// before a DHCP exchange and when the run ends, so `up` returns a lab that
  /// answers its first ping.
  Status settle_links() {
    for (const auto& [netns, name] : unsettled_)
      if (auto st = host_.settle(netns, name); !st) return st;
    unsettled_.clear();
    return {};
  }
  std::vector<LeaseResult>& leases() { return leases_; }

 private:
  /// Write-ahead: the journal knows the object before the kernel does.
  Status will_create(OwnedObject object) {
    if (auto st = journal_.record(object); !st) return st;
    created_.push_back(std::move(object));
    return {};
  }

  void touched(const std::string& netns, const std::string& name) { unsettled_.insert({netns, name}); }

  /// Journals a link this run is about to create, unless a device of that name
  /// exists already: that one is someone else's (were it the lab's, the planner
  /// would have skipped the step), so the step fails before the journal or a
  /// rollback could claim it, and the device is left alone. A namespace this
  /// run made holds nothing but what the run puts there: no lookup in it.
  Status will_create_link(const std::string& netns, const std::string& name, const std::string& kind) {
    if (auto st = name_free(netns, name); !st) return st;
    return will_create({ObjectKind::link, netns, name, kind});
  }

  Status name_free(const std::string& netns, const std::string& name) {
    if (!netns.empty() && made_here_.count(netns)) return {};
    auto found = host_.find_link(netns, name);
    if (!found) return found.error();
    if (*found)
      return Error{host::describe_device("", name, netns) +
                   " already exists and is not the lab's; it was left alone (remove or rename it, or rename the lab)"};
    return {};
  }

 public:
  /// Creates every namespace of `steps` now, two at a time, after recording all
  /// of them: namespace creation is CPU-bound kernel work that runs in parallel,
  /// and the namespaces do not depend on each other. Each CreateNetns step then
  /// only reports how its namespace fared.
  Status precreate_namespaces(const std::vector<Action>& steps) {
    std::vector<const CreateNetns*> todo;
    for (const auto& s : steps)
      if (auto* a = std::get_if<CreateNetns>(&s)) todo.push_back(a);
    for (const auto* a : todo)
      if (auto st = will_create({ObjectKind::netns, "", a->name, ""}); !st) return st;
    std::vector<Status> results(todo.size());
    auto worker = [&](size_t first) {
      for (size_t i = first; i < todo.size(); i += 2) results[i] = create(*todo[i]);
    };
    std::thread second(worker, 1);
    worker(0);
    second.join();
    for (size_t i = 0; i < todo.size(); ++i) {
      if (results[i]) {
        made_here_.insert(todo[i]->name);
        if (auto st = record_identity(todo[i]->name); !st) return st;
      }
      precreated_.emplace(todo[i]->name, results[i]);
    }
    return {};
  }

 private:
  Status step(const CreateNetns& a) {
    if (auto it = precreated_.find(a.name); it != precreated_.end()) return it->second;
    if (auto st = will_create({ObjectKind::netns, "", a.name, ""}); !st) return st;
    if (auto st = create(a); !st) return st;
    made_here_.insert(a.name);
    return record_identity(a.name);
  }

  /// The namespace just made, by identity: `up` and `down` later act on a
  /// namespace of this name only while it is still this one (journal.h).
  Status record_identity(const std::string& name) {
    return journal_.record({ObjectKind::netns, "", name, host::netns_identity(name)});
  }

  Status create(const CreateNetns& a) {
    // Labs are IPv4: IPv6 off keeps router solicitations and MLD reports out of
    // captures, and spares a bridge of a thousand ports their flooding.
    return host_.create_netns(a.name, a.ipv6_off);
  }

  Status step(const SetSysctl& a) {
    auto before = host_.sysctl(a.netns, a.key);
    if (!before) return before.error();
    if (!a.per_device)
      if (auto st = will_create({ObjectKind::sysctl, a.netns, a.key, before.value()}); !st) return st;
    return host_.set_sysctl(a.netns, a.key, a.value);
  }

  Status step(const CreateBridge& a) {
    if (auto st = will_create_link(a.netns, a.name, "bridge"); !st) return st;
    touched(a.netns, a.name);
    host::BridgeSpec spec;
    spec.name = a.name;
    spec.mtu = a.mtu;
    spec.alias = a.alias;
    spec.mac = a.mac;
    if (!a.mac_of.empty()) {
      auto link = host_.find_link(a.netns, a.mac_of);
      if (!link) return link.error();
      if (*link) spec.mac = model::Mac::parse((*link)->mac);
    }
    return host_.create_bridge(a.netns, spec);
  }

  Status step(const CreateVeth& a) {
    // The peer is not journalled (it goes with its other end) but must not be someone else's either.
    if (auto st = name_free(a.peer_netns, a.peer_name); !st) return st;
    if (auto st = will_create_link(a.netns, a.name, "veth"); !st) return st;
    touched(a.netns, a.name);
    touched(a.peer_netns, a.peer_name);
    host::VethSpec spec;
    spec.name = a.name;
    spec.peer_name = a.peer_name;
    spec.peer_netns = a.peer_netns == a.netns ? "" : a.peer_netns;
    spec.alias = a.alias;
    spec.mtu = a.mtu;
    spec.peer_mac = a.peer_mac;
    if (auto it = folded_.find({a.netns, a.name}); it != folded_.end()) {
      spec.master = it->second.master;
      spec.up = it->second.up;
    }
    if (auto st = host_.create_veth(a.netns, spec); !st) return st;
    // Tag the peer too, so a guest namespace is recognisable as the lab's; and
    // keep it quiet on IPv6 (labs are IPv4; see CreateNetns::ipv6_off).
    if (auto st = host_.set_alias(a.peer_netns, a.peer_name, a.alias); !st) return st;
    return a.peer_ipv6 ? Status{} : host_.set_no_ipv6_addresses(a.peer_netns, a.peer_name);
  }

  Status step(const CreateTap& a) {
    if (auto st = will_create_link(a.netns, a.name, "tun"); !st) return st;
    if (auto st = host_.create_tap(a.netns, a.name, a.alias); !st) return st;
    return a.mtu == 1500 ? Status{} : host_.set_mtu(a.netns, a.name, a.mtu);
  }

  Status step(const CreateMacvlan& a) {
    // It lives in the guest's namespace and goes with it: no object of its own.
    touched(a.target_netns, a.name);
    if (auto st = host_.create_macvlan(a.netns, {a.name, a.lower, a.target_netns, a.mac, a.mtu}); !st) return st;
    if (auto st = host_.set_alias(a.target_netns, a.name, a.alias); !st) return st;
    return host_.set_no_ipv6_addresses(a.target_netns, a.name);
  }

  Status step(const CreateMacvtap& a) {
    if (auto st = will_create_link(a.netns, a.name, "macvtap"); !st) return st;
    touched(a.netns, a.name);
    return host_.create_macvtap(a.netns, {a.name, a.lower, "", a.mac, a.mtu}, a.alias);
  }

  Status step(const SetMaster& a) {
    if (auto it = folded_.find({a.netns, a.name}); it != folded_.end() && it->second.master == a.master) return {};
    touched(a.netns, a.name);
    touched(a.netns, a.master);
    if (!a.uplink) return host_.set_master(a.netns, a.name, a.master);
    // A host NIC joining a bridge hands all its addresses and routes to it, so
    // the host stays reachable; what it held is journalled first, so a
    // rollback, `down` or `gc` after a crash gives it back exactly.
    auto snapshot = host_.snapshot_uplink(a.netns, a.name, a.master);
    if (!snapshot) return snapshot.error();
    if (auto st = will_create({ObjectKind::uplink, a.netns, a.name, host::uplink_snapshot_to_json(*snapshot)}); !st)
      return st;
    return host_.move_uplink(a.netns, *snapshot);
  }

  Status step(const SetUp& a) {
    if (auto it = folded_.find({a.netns, a.name}); it != folded_.end() && it->second.up) return {};
    touched(a.netns, a.name);
    return host_.set_up(a.netns, a.name);
  }

  Status step(const AddAddress& a) { return host_.add_address(a.netns, a.device, a.address); }

  Status step(const AddRoute& a) { return host_.add_route(a.netns, {a.destination, a.gateway, a.device, 0}); }

  Status step(const AddAddress6& a) { return host_.add_address6(a.netns, a.device, a.address); }

  Status step(const AddRoute6& a) { return host_.add_route6(a.netns, a.destination, a.gateway, a.device); }

  Status step(const AwaitAddress6& a) {
    auto st = await_advertisement(a.guest + " " + a.device + " got no IPv6 address in " + a.subnet.str(),
                                  [&]() -> Result<bool> {
                                    auto held = host_.addresses6(a.netns, a.device);
                                    if (!held) return held.error();
                                    for (const auto& c : *held)
                                      if (a.subnet.contains(c.address)) return true;
                                    return false;
                                  });
    if (!st || !a.await_router) return st;
    return await_default_route6(a.netns, a.device, a.guest);
  }

  /// Polls `ready` (a Result<bool>) every 50 ms until it holds; an Error ends
  /// the wait. dnsmasq answers a router solicitation at once; the 20 s bound
  /// covers a solicitation sent before dnsmasq ran, answered by its unsolicited
  /// advertisements (every few seconds at first), on a busy host.
  template <class Ready>
  Status await_advertisement(const std::string& failure, Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    do {
      Result<bool> held = ready();
      if (!held) return held.error();
      if (*held) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    return Error{failure + " within 20 s (no router advertisement from the network's dnsmasq?)"};
  }

  Status await_default_route6(const std::string& netns, const std::string& device, const std::string& guest) {
    return await_advertisement(guest + " " + device + " got no IPv6 default route",
                               [&] { return host_.has_default_route6(netns, device); });
  }

  Status step(const ApplyNft& a) {
    if (!a.replaces)
      if (auto st = will_create({ObjectKind::nft_table, a.netns, "inet " + a.table, ""}); !st) return st;
    if (auto st = host_.replace_nft_table(a.netns, a.table, a.ruleset); !st) return st;
    return a.record.empty() ? Status{} : host_.write_file(a.record, a.ruleset);
  }

  Status step(const StartDnsmasq& a) {
    const host::DnsmasqFiles files = host::dnsmasq_files(a.config.run_dir, a.config.network);
    if (a.restart_from) return restart(a, files);
    if (auto st = will_create({ObjectKind::process, a.netns, files.pid, files.conf}); !st) return st;
    // Planned while one runs: its bridge was recreated (planner.cpp), so it serves
    // nobody; it goes first. start_dnsmasq records the bridge it now serves.
    if (auto pid = host_.running_process(files.pid, files.conf))
      if (auto st = host_.stop_process(*pid); !st) return st;
    if (auto st = drop_leases(a, files); !st) return st;
    return host_.start_dnsmasq(a.netns, a.config);
  }

  /// A changed conf or leases to release: stop this network's dnsmasq (only
  /// it), drop the leases the new conf would not hand out and the released
  /// ones, start it again. It stays owned throughout.
  Status restart(const StartDnsmasq& a, const host::DnsmasqFiles& files) {
    if (auto pid = host_.running_process(files.pid, files.conf))
      if (auto st = host_.stop_process(*pid); !st) return st;
    if (auto st = drop_leases(a, files); !st) return st;
    return host_.start_dnsmasq(a.netns, a.config);
  }

  /// Rewrites the lease file of a stopped dnsmasq (it reads the file when it starts).
  Status drop_leases(const StartDnsmasq& a, const host::DnsmasqFiles& files) {
    if (!a.restart_from && a.release.empty()) return {};
    auto text = host_.read_file(files.leases);
    if (!text) return {};
    const std::string kept = leases_kept(*text, a.config, a.release);
    return kept == *text ? Status{} : host_.write_file(files.leases, kept);
  }

  /// The lease file's lines whose lease the conf still hands out (an address in
  /// the DHCP range or a static host's) and that are not released. Lines that
  /// are not leases stay.
  static std::string leases_kept(const std::string& text, const host::DnsmasqConfig& c,
                                 const std::vector<model::Ipv4>& released) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      auto parsed = host::parse_leases(line + "\n");  // parse_leases takes complete lines only
      bool keep = parsed.empty();
      for (const auto& lease : parsed) {
        keep = c.range_start && *c.range_start <= lease.ip && lease.ip <= *c.range_end;
        for (const auto& h : c.hosts) keep = keep || h.ip == lease.ip;
        keep = keep && std::find(released.begin(), released.end(), lease.ip) == released.end();
      }
      if (keep) out += line + "\n";
    }
    return out;
  }

  Status step(const StartOvs& a) {
    if (auto st = will_create({ObjectKind::ovs, a.netns, a.run_dir, ""}); !st) return st;
    return host_.start_ovs(a.netns, a.run_dir);
  }

  Status step(const CreateOvsBridge& a) { return host_.ovs_add_bridge(a.netns, a.run_dir, a.name, a.secure); }

  Status step(const AddOvsPort& a) { return host_.ovs_set_port(a.run_dir, a.bridge, a.port, a.tag, a.iface_id); }

  Status step(const StartOvnCentral& a) {
    if (auto st = will_create({ObjectKind::ovn, a.netns, a.dir, "central"}); !st) return st;
    return host_.start_ovn_central(a.netns, a.dir, a.listen);
  }

  Status step(const StartOvnController& a) {
    if (auto st = will_create({ObjectKind::ovn, a.netns, a.host_dir, "controller"}); !st) return st;
    return host_.start_ovn_controller(a.netns, a.host_dir, a.chassis);
  }

  // NB's rows live in the lab's own database, which goes with the central daemons
  // and their directory: no object of their own. The one transaction is all or nothing.
  Status step(const ConfigureOvnNetwork& a) { return host_.apply_ovn_network(a.central_dir, a.spec); }

  Status step(const DisableTxChecksum& a) { return host_.set_tx_checksumming(a.netns, a.device, false); }

  Status step(const ObtainLease& a);

  /// Journalled first, as dnsmasq is: `down` stops the client even when this `up` dies.
  Status step(const ObtainLease6& a) {
    const host::Dhcp6ClientFiles files = host::dhcp6_client_files(a.run_dir, a.netns, a.device);
    if (auto st = will_create({ObjectKind::process, a.netns, files.pid, files.leases}); !st) return st;
    // Planned while one runs: the NIC lost its address; a new client asks again.
    if (auto pid = host_.running_process(files.pid, files.leases))
      if (auto st = host_.stop_process(*pid); !st) return st;
    auto options = client_options<host::Dhcp6ClientOptions>(a);
    options.prefix = a.prefix;
    auto pid = host_.start_dhcp6_client(options);
    if (!pid) return Error{"no DHCPv6 lease for " + a.guest + " on " + a.device + ": " + pid.error().message};
    // The script put the leased address on; one outside the range would be another server's.
    auto held = host_.addresses6(a.netns, a.device);
    if (!held) return held.error();
    for (const auto& c : *held)
      if (a.range_start <= c.address && c.address <= a.range_end)
        return a.await_router ? await_default_route6(a.netns, a.device, a.guest) : Status{};
    return Error{a.guest + " " + a.device + " holds no address of " + a.range_start.str() + "-" + a.range_end.str() +
                 " after its DHCPv6 lease"};
  }

  Status step(const ChangeAddress& a) {
    for (const auto& old : a.from)
      if (auto st = host_.del_address(a.netns, a.device, old); !st) return st;
    return host_.add_address(a.netns, a.device, a.to);
  }

  /// Removed first, forgotten after: a removal that fails leaves the object
  /// owned, so `down` and `gc` still find it.
  Status step(const RemoveObject& a) {
    if (auto st = remove_object(a.object, host_); !st) return st;
    if (!a.lease_file.empty() && host_.read_file(a.lease_file))
      if (auto st = host_.write_file(a.lease_file, ""); !st) return st;
    return journal_.forget(a.object);
  }

  Status step(const StartLibvirtd& a) {
    if (auto st = will_create({ObjectKind::libvirtd, a.netns, a.run_dir, ""}); !st) return st;
    return host_.start_libvirtd(a.netns, a.run_dir, a.ovs_run_dir);
  }

  Status step(const CreateVmDisk& a) {
    if (auto st = will_create({ObjectKind::file, "", a.path, "disk of " + a.guest}); !st) return st;
    return host_.create_vm_disk(a.base, a.path, a.thick);
  }

  Status step(const RunDomain& a) {
    auto state = host_.domain_state(a.uri, a.name);
    if (!state) return state.error();
    // A domain that exists already is repaired, not rolled back if this run fails.
    const OwnedObject domain{ObjectKind::domain, "", a.name, a.uri};
    if (auto st = *state == host::DomainState::absent ? will_create(domain) : journal_.record(domain); !st) return st;
    // Running from other XML (the topology changed): stop, redefine, start again.
    if (*state != host::DomainState::absent && *state != host::DomainState::shutoff)
      if (auto st = host_.destroy_domain(a.uri, a.name); !st) return st;
    if (auto st = host_.define_domain(a.uri, a.xml, a.xml_copy); !st) return st;
    if (auto st = host_.start_domain(a.uri, a.name); !st) return st;
    // The start reset its taps' root qdiscs: their netem goes back on now.
    for (const auto& [device, impairment] : a.netem)
      if (auto st = host_.set_netem(device.netns, device.device, impairment); !st) return st;
    return {};
  }

  Status step(const SetNetem& a) {
    for (const auto& d : a.devices)
      if (auto st = host_.set_netem(d.netns, d.device, a.impairment); !st) return st;
    return {};
  }

  Status step(const AwaitVmLease& a) {
    // TCG on a busy machine boots slowly: a generous bound, checked often.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    do {
      auto ip = a.lease_file.empty() ? host_.vm_address(a.uri, a.domain, a.mac) : host_.leased_address(a.lease_file, a.mac);
      if (ip) {
        leases_.push_back({a.guest, a.nic, model::Cidr{*ip, a.prefix}});
        return {};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return Error{a.guest + " " + a.nic + " got no DHCP lease within 5 minutes (its console log is in the lab's vms/ directory)"};
  }

  state::Journal& journal_;
  HostWriter& host_;
  std::vector<OwnedObject> created_;
  std::vector<LeaseResult> leases_;
  struct Folded {
    std::string master;
    bool up = false;
  };
  std::map<std::pair<std::string, std::string>, Folded> folded_;
  std::map<std::string, Status> precreated_;
  std::set<std::string> made_here_;  // namespaces this run created
  std::set<std::pair<std::string, std::string>> unsettled_;  // (netns, link)
};

/// Lets each new veth be created enslaved and up in one request when the steps
/// right after its creation enslave it and bring it up (a third of the netlink
/// round trips per guest). Only adjacent steps are folded: a later SetMaster may
/// name a bridge that does not exist yet when the veth is made.
void fold_veth_steps(const std::vector<Action>& steps, Executor& executor) {
  for (size_t i = 0; i < steps.size(); ++i) {
    auto* veth = std::get_if<CreateVeth>(&steps[i]);
    if (!veth) continue;
    std::string master;
    bool up = false;
    for (size_t j = i + 1; j < std::min(steps.size(), i + 3); ++j) {
      if (auto* m = std::get_if<SetMaster>(&steps[j]); m && m->netns == veth->netns && m->name == veth->name)
        master = m->master;
      if (auto* u = std::get_if<SetUp>(&steps[j]); u && u->netns == veth->netns && u->name == veth->name) up = true;
    }
    if (!master.empty() || up) executor.fold_into_veth(veth->netns, veth->name, master, up);
  }
}

Status Executor::step(const ObtainLease& a) {
  for (const auto& old : a.stale)
    if (auto st = host_.del_address(a.netns, a.device, old); !st) return st;
  auto options = client_options<host::DhcpClientOptions>(a);
  options.hostname = a.guest;
  auto lease = host_.obtain_lease(options);
  if (!lease) return Error{"no DHCP lease for " + a.guest + " on " + a.device + ": " + lease.error().message};
  leases_.push_back({a.guest, a.device, *lease});
  return {};
}

}  // namespace

Result<ApplyResult> apply(const std::vector<Action>& steps, state::Journal& journal, HostWriter& writer,
                          const ApplyOptions& options) {
  Executor executor(journal, writer);
  fold_veth_steps(steps, executor);
  if (auto st = executor.precreate_namespaces(steps); !st) {
    remove_objects(executor.created(), writer);
    return Error{"cannot record the lab's namespaces: " + st.error().message};
  }
  ApplyResult result;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string what = describe(steps[i]);
    if (options.on_step) options.on_step(i, steps.size(), what);
    const bool dhcp = std::holds_alternative<ObtainLease>(steps[i]) || std::holds_alternative<ObtainLease6>(steps[i]);
    Status st = dhcp ? executor.settle_links() : Status{};
    if (st) st = executor.run(steps[i]);
    if (i + 1 == steps.size() && st) st = executor.settle_links();
    if (!st) {
      TeardownReport undone = remove_objects(executor.created(), writer);
      std::string message = "step " + std::to_string(i + 1) + "/" + std::to_string(steps.size()) + " failed: " +
                            what + ": " + st.error().message + "\nrolled back: ";
      message += undone.removed.empty() ? std::string("nothing had been created")
                                        : std::to_string(undone.removed.size()) + " objects made by this run";
      for (const auto& p : undone.problems) message += "\nrollback problem: " + p;
      return Error{message};
    }
    ++result.steps_done;
  }
  result.leases = std::move(executor.leases());
  return result;
}

}  // namespace netlab::plan
