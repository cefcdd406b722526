#include "netlab/plan/migrate.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "netlab/host/libvirt_client.h"
#include "netlab/host/netns.h"
#include "netlab/host/ovn.h"
#include "netlab/host/ovn_nb.h"
#include "netlab/host/ovsdb.h"
#include "netlab/host/vm_address.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/model/lab_hosts.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/plan/apply.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/lab.h"
#include "netlab/plan/placement.h"
#include "netlab/plan/planner.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/system_observed.h"
#include "netlab/plan/system_writer.h"
#include "netlab/plan/vm.h"
#include "netlab/state/journal.h"
#include "netlab/state/lock.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Error bad(const std::string& message) { return Error{message, true}; }

/// Polls `done` every 50 ms until it holds or `limit` passes (a VM under TCG
/// on a loaded machine is slow: callers give generous limits).
bool wait_for(const std::function<bool()>& done, milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

/// A step of `up` for the moved topology that prepares host namespace `ns`
/// for the VM: its libvirtd (which plugs the VM's taps into br-int there as the
/// incoming domain starts: the domain XML names br-int and the logical ports).
bool prepares(const Action& a, const std::string& ns) {
  if (auto* s = std::get_if<StartLibvirtd>(&a)) return s->netns == ns;
  return false;
}

/// The topology as its file says, without placement.json (the lab's copy).
std::optional<model::Topology> file_topology(const std::string& lab) {
  auto text = state::read_lab_file(lab, state::kTopologyCopy);
  if (!text) return std::nullopt;
  auto loaded = model::load_string(*text, state::kTopologyCopy);
  if (!loaded.ok()) return std::nullopt;
  return std::move(loaded.topology);
}

/// Removes `objects` (newest first) through the journal; the problems, if any.
std::string remove_all(std::vector<state::OwnedObject> objects, state::Journal& journal, HostWriter& writer) {
  std::vector<Action> steps;
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) steps.push_back(RemoveObject{*it, "", ""});
  auto r = apply(steps, journal, writer);
  return r ? "" : r.error().message;
}

/// A light guest on `network` to ping the VM from, preferring one on another
/// host than `from` (its pings then cross a tunnel before and after).
const model::Guest* pinger_guest(const model::Topology& topo, const std::string& network, const std::string& from) {
  const model::Guest* found = nullptr;
  for (const auto& g : topo.guests) {
    if (g.kind != model::GuestKind::netns) continue;
    bool on = false;
    for (const auto& n : g.nics) on |= n.network == network;
    if (!on || !host::netns_exists(model::guest_namespace(topo, g))) continue;
    if (model::guest_host(topo, g) != from) return &g;
    if (!found) found = &g;
  }
  return found;
}

/// Every logical port bound on `chassis` (SB), within `limit`.
bool ports_bound(const std::string& central_dir, const std::vector<std::string>& ports, const std::string& chassis,
                 std::vector<std::pair<std::string, std::string>>& bindings) {
  auto sb = host::OvnCentral(central_dir).connect_sb();
  if (!sb) return false;
  auto rows = host::ovn_bindings(*sb);
  if (!rows) return false;
  bindings.clear();
  bool all = true;
  for (const auto& p : ports) {
    std::string where;
    for (const auto& b : *rows)
      if (b.logical_port == p) where = b.chassis;
    bindings.emplace_back(p, where);
    all &= where == chassis;
  }
  return all;
}

}  // namespace

Result<MigrateReport> migrate(const MigrateRequest& request) {
  const auto started = Clock::now();
  auto phase = [&](const std::string& what) {
    if (request.on_phase) request.on_phase(what);
  };
  auto lock = state::LabLock::acquire(request.lab);
  if (!lock) return lock.error();
  auto running = running_lab(request.lab);
  if (!running) return running.error();
  const model::Topology& topo = running->topology;  // with placement.json: where VMs run now
  if (running->state.phase != state::Phase::ready)
    return bad("lab '" + request.lab + "' is not ready (phase " + state::to_string(running->state.phase) +
               "); netlab up it first");
  const model::Guest* vm = topo.find_guest(request.vm);
  if (!vm) return bad("lab '" + request.lab + "' has no guest named '" + request.vm + "'");
  if (vm->kind != model::GuestKind::kvm)
    return bad("guest '" + request.vm + "' is a light guest (a network namespace); only kvm guests migrate");
  std::string known;
  for (const auto& h : model::lab_hosts(topo)) known += (known.empty() ? "" : ", ") + h.name;
  if (model::host_index(topo, request.to) < 0)
    return bad("lab '" + request.lab + "' has no host named '" + request.to + "' (its hosts: " + known + ")");
  const std::string from = model::guest_host(topo, *vm);
  if (from == request.to) return bad("VM '" + request.vm + "' already runs on host '" + from + "'");
  if (vm->nics.empty()) return bad("VM '" + request.vm + "' has no NIC: nothing of it is on a network that spans hosts");
  for (const auto& nic : vm->nics) {
    const model::Network* net = topo.find_network(nic.network);
    if (!net || !model::is_ovn(*net))
      return bad("VM '" + request.vm + "' has a NIC on network '" + nic.network +
                 "', which is not an OVN network: only OVN networks span hosts");
  }
  if (!running->state.sandbox)
    return bad("lab '" + request.lab + "' runs on the real host; migration is done between the sandbox's hosts only");

  MigrateReport report;
  report.lab = request.lab;
  report.vm = request.vm;
  report.from = from;
  report.to = request.to;
  report.domain = libvirt::domain_name(topo, *vm);
  const Target target = target_for(request.lab, running->state.sandbox);
  model::Topology moved = topo;
  for (auto& g : moved.guests)
    if (g.name == request.vm) g.host = request.to;
  const std::string from_ns = model::hypervisor_namespace(topo, from);
  const std::string to_ns = model::hypervisor_namespace(topo, request.to);
  const std::string from_uri = libvirt_uri(topo, target, *vm);
  const std::string to_uri = libvirt_uri_on(topo, target, request.to);

  // What the moved lab wants: its network specs, the destination's tunnel address.
  const std::vector<Action> desired = desired_actions(moved, target);
  std::map<std::string, ConfigureOvnNetwork> networks;
  std::string stream_host;
  for (const auto& a : desired) {
    if (auto* c = std::get_if<ConfigureOvnNetwork>(&a)) networks.emplace(c->spec.network, *c);
    if (auto* c = std::get_if<StartOvnController>(&a); c && c->netns == to_ns) stream_host = c->chassis.encap_ip.str();
  }
  if (stream_host.empty() || networks.empty()) return Error{"lab '" + request.lab + "' has no OVN chassis on " + request.to};
  report.stream = "tcp://" + stream_host;
  std::vector<std::string> ports;
  for (size_t i = 0; i < vm->nics.size(); ++i) ports.push_back(model::ovn_logical_port(topo, *vm, i));

  auto opened = host::LibvirtClient::open(from_uri);
  if (!opened) return opened.error();
  // Closed before the source's libvirtd may stop: a close on a dead daemon's socket raises SIGPIPE.
  std::optional<host::LibvirtClient> from_client(std::move(opened).value());
  auto vm_state = from_client->state(report.domain);
  if (!vm_state) return vm_state.error();
  if (*vm_state != host::DomainState::running)
    return bad("VM '" + request.vm + "' is " + host::to_string(*vm_state) + " on " + from +
               ", not running: only a running VM migrates (netlab up brings it back)");

  // 1. The destination: its libvirtd, journalled as `up` would.
  phase("preparing " + request.to);
  Sockets sockets;
  SystemObserved observed(sockets);
  std::vector<Action> prepare;
  for (const auto& a : desired)
    if (prepares(a, to_ns) && needed(a, observed)) prepare.push_back(a);
  std::vector<state::OwnedObject> made;
  for (const auto& a : prepare) {
    report.prepared.push_back(describe(a));
    if (auto o = owned_object(a)) made.push_back(*o);
  }
  auto journal = state::Journal::open(request.lab);
  if (!journal) return journal.error();
  SystemWriter writer(sockets);
  if (auto done = apply(prepare, *journal, writer); !done) return done.error();
  auto rollback = [&](const Error& e) -> Error {
    const std::string left = remove_all(made, *journal, writer);
    return Error{e.message + (left.empty() ? "; what was made on " + request.to + " was removed again, the VM runs on " + from
                                            : "; removing what was made on " + request.to + " failed too: " + left)};
  };
  auto to_client = host::LibvirtClient::open(to_uri);
  if (!to_client) return rollback(to_client.error());

  // 2. A light guest on the VM's first network pings it all along.
  const model::Nic& first = vm->nics.front();
  std::optional<model::Ipv4> address;
  if (first.mac) address = host::vm_nic_address(*from_client, report.domain, *first.mac);
  if (address) report.address_before = address->str();
  host::Pinger pinger;
  const model::Guest* pinging = pinger_guest(topo, first.network, from);
  if (!address) report.ping_note = "the VM's address could not be read through its guest agent";
  else if (!pinging) report.ping_note = "no light guest on network " + first.network + " to ping from";
  else if (auto st = pinger.start(model::guest_namespace(topo, *pinging), *address, milliseconds(report.ping_interval_ms)); !st)
    report.ping_note = st.error().message;
  else if (phase("waiting for " + pinging->name + " to reach " + request.vm);
           !wait_for([&] { return pinger.answered() > 0; }, std::chrono::seconds(60)))
    report.ping_note = pinging->name + " got no answer from " + address->str() + " before the migration";
  else
    report.pinger = pinging->name;
  if (report.pinger.empty()) pinger.stop();

  // 3. The migration itself. The journal records the domain on the destination
  //    before it starts (a record of its own: the host's namespace is part of
  //    the key), so a crash half-way leaves it recorded on both hosts: `status`
  //    says where it is (vm_status) and `down`/`gc` remove it wherever it is.
  //    The source's records go once it runs on the destination; a failed
  //    migration forgets the destination's.
  const state::OwnedObject on_to{state::ObjectKind::domain, to_ns, report.domain, to_uri};
  if (auto st = journal->record(on_to); !st) {
    pinger.stop();
    return rollback(st.error());
  }
  phase("migrating " + request.vm + " from " + from + " to " + request.to);
  const auto migration_started = Clock::now();
  if (auto st = from_client->migrate(report.domain, *to_client, report.stream, target.sandbox); !st) {
    pinger.stop();
    if (auto absent = to_client->state(report.domain); absent && *absent == host::DomainState::absent)
      journal->forget(on_to);
    return rollback(st.error());
  }
  report.migration_seconds = seconds_since(migration_started);
  const auto switched = Clock::now();
  for (const auto& o : state::read_journal(request.lab))
    if (o.kind == state::ObjectKind::domain && o.name == report.domain && o.detail == from_uri)
      if (auto st = journal->forget(o); !st) return st.error();

  // 4. The logical ports follow: requested-chassis, one transaction per network.
  phase("moving the logical ports of " + request.vm + " to " + request.to);
  std::string central_dir;
  for (const auto& nic : vm->nics) {
    const ConfigureOvnNetwork& net = networks.at(nic.network);
    central_dir = net.central_dir;
    auto nb = host::OvnCentral(net.central_dir).connect_nb();
    if (!nb) return Error{"VM " + request.vm + " runs on " + request.to + " but its ports stay on " + from + ": " +
                          nb.error().message + " (netlab up moves them)"};
    for (size_t i = 0; i < vm->nics.size(); ++i) {
      if (vm->nics[i].network != nic.network) continue;
      const std::string port = model::ovn_logical_port(topo, *vm, i);
      if (auto st = host::ovn_move_port(*nb, net.spec, port, request.to); !st)
        return Error{"VM " + request.vm + " runs on " + request.to + " but " + st.error().message + " (netlab up moves it)"};
    }
  }
  const auto file = file_topology(request.lab);
  const bool home = file && [&] {
    const model::Guest* g = file->find_guest(request.vm);
    return g && model::guest_host(*file, *g) == request.to;
  }();
  if (auto st = write_placement(request.lab, request.vm, home ? "" : request.to); !st) return st.error();
  wait_for([&] { return ports_bound(central_dir, ports, request.to, report.bindings); }, std::chrono::seconds(60));
  report.bound_seconds = seconds_since(switched);
  for (auto& b : report.bindings) b.first = model::ovn_port_label(topo, b.first);

  // 5. The source: its libvirtd when no VM is left on it (libvirt removed the
  //    VM's taps there, and their ports of br-int, as the source domain stopped).
  phase("cleaning up " + from);
  from_client.reset();
  std::vector<state::OwnedObject> old;
  bool vms_left = false;
  for (const auto& g : moved.guests)
    vms_left |= g.kind == model::GuestKind::kvm && model::guest_host(moved, g) == from;
  if (!vms_left) old.insert(old.begin(), {state::ObjectKind::libvirtd, from_ns, libvirtd_dir(topo, target, from), ""});
  for (const auto& o : old) report.cleaned.push_back(state::describe(o));
  if (const std::string left = remove_all(old, *journal, writer); !left.empty()) report.cleaned.push_back("failed: " + left);

  // 6. The ping resumes (generous: a loaded machine), then stops.
  if (!report.pinger.empty()) {
    phase("waiting for " + report.pinger + " to reach " + request.vm + " again");
    const int before = pinger.answered();
    wait_for([&] { return pinger.answered() >= before + 20; }, std::chrono::seconds(60));
    report.ping = pinger.stop();
  }
  if (first.mac)
    if (auto after = host::vm_nic_address(*to_client, report.domain, *first.mac)) report.address_after = after->str();

  // 7. The hop map: the VM's path now starts at its tap on the new host.
  if (auto old_map = lab_hop_map(request.lab)) {
    model::HopMap map = hop_map(placed(moved, {}), target);
    for (auto& nic : map.nics)
      for (const auto& o : old_map->nics)
        if (o.guest == nic.guest && o.nic == nic.nic) nic.address = o.address;
    state::write_lab_file(request.lab, model::kHopMapFile, model::hopmap_to_json(map));
  }
  report.total_seconds = seconds_since(started);
  return report;
}

}  // namespace netlab::plan
