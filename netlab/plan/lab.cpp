#include "netlab/plan/lab.h"

#include "netlab/model/lab_hosts.h"
#include "netlab/host/ovn.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <set>

#include "netlab/host/accelerator.h"
#include "netlab/host/dnsmasq.h"
#include "netlab/host/dnsmasq_facts.h"
#include "netlab/host/vm_image.h"
#include "netlab/host/netns.h"
#include "netlab/host/process.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/model/validator.h"
#include "netlab/plan/built.h"
#include "netlab/plan/converge.h"
#include "netlab/plan/guest_keys.h"
#include "netlab/plan/lab_reading.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/planner.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/system_observed.h"
#include "netlab/host/libvirt_client.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/plan/vm.h"
#include "netlab/plan/placement.h"
#include "netlab/host/vm_address.h"
#include "netlab/plan/system_writer.h"
#include "netlab/state/lock.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {

std::string accelerator_cache_dir() { return std::filesystem::path(host::image_cache_dir()).parent_path().string(); }

/// With VMs, `up` probes the accelerator (once per boot); target_for reads its cached answer.
void probe_accelerator(const model::Topology& topo, Target& target) {
  if (!has_vms(topo)) return;
  const host::BaseImage probe = host::resolve_image(host::kTestImageName, "raw", target.image_dir);
  target.accelerator = host::choose_accelerator(probe.kernel, probe.initrd, accelerator_cache_dir()).type;
}

/// A light guest NIC's global IPv6 address (SLAAC or DHCPv6) on a dual-stack
/// network, read from its namespace, when the file gives it no static one.
void fill_address6(const model::Topology& topo, Sockets& sockets, model::NicPath& nic) {
  const model::Network* net = topo.find_network(nic.network);
  if (!nic.address6.empty() || !net || !net->ipv6 || nic.hops.empty() ||
      nic.hops.front().role != model::HopRole::guest_nic)
    return;
  auto nl = sockets.netlink(nic.hops.front().netns);
  if (!nl) return;
  auto addrs = (*nl)->ip_addresses(nic.hops.front().device);
  if (!addrs) return;
  auto global = host::global_addresses6(*addrs);
  if (!global.empty()) nic.address6 = global.front().str();
}

/// Fills into `map` (the hop map of `topo`) each DHCP NIC's current address: a
/// light guest's read from its namespace, a VM's from its lease (`up` waited
/// for it) on the network's subnet.
void fill_addresses(model::HopMap& map, const model::Topology& topo, const Target& target, Sockets& sockets) {
  for (auto& nic : map.nics) {
    fill_address6(topo, sockets, nic);
    if (!nic.address.empty() || nic.hops.empty()) continue;
    if (nic.hops.front().role == model::HopRole::tap) {
      const model::Network* net = topo.find_network(nic.network);
      auto mac = model::Mac::parse(nic.mac);
      if (!net || !net->subnet || !mac) continue;
      if (auto ip = host::leased_or_reserved(target.run_dir, net->name, *mac))
        nic.address = model::Cidr{*ip, net->subnet->prefix}.str();
      // OVN's DHCP keeps no lease file: the VM's own address, through its guest agent.
      const model::Guest* vm = topo.find_guest(nic.guest);
      if (nic.address.empty() && model::is_ovn(*net) && vm)
        if (auto ip = host::vm_nic_address(libvirt_uri(topo, target, *vm), libvirt::domain_name(topo, *vm), *mac))
          nic.address = model::Cidr{*ip, net->subnet->prefix}.str();
      continue;
    }
    if (nic.hops.front().role != model::HopRole::guest_nic) continue;
    const auto& first = nic.hops.front();
    auto nl = sockets.netlink(first.netns);
    if (!nl) continue;
    auto addrs = (*nl)->list_addresses(first.device);
    if (addrs && !addrs->empty()) nic.address = addrs->front().str();
  }
}

/// True when fill_addresses may read something for `nic`: one the file gives
/// no address (DHCP), or no IPv6 address on a dual-stack network.
bool address_pending(const model::NicPath& nic, const model::Topology& topo) {
  if (nic.hops.empty()) return false;
  if (nic.address.empty()) return true;
  const model::Network* net = topo.find_network(nic.network);
  return nic.address6.empty() && net && net->ipv6 && nic.hops.front().role == model::HopRole::guest_nic;
}

/// The lab's hop map, and its JSON text when no NIC waits for an address
/// (nothing is read into it after the steps).
struct PlannedHopMap {
  model::HopMap map;
  std::optional<std::string> json;
};

/// A namespace the lab wants that exists already must be one this lab made:
/// adopting someone else's namespace would let `down` delete it later. The
/// namespaces in owned.unchanged had their identity checked already.
Status check_namespace_ownership(const model::Topology& topo, const Desired& desired, const std::vector<Action>& steps,
                                 const Owned& owned) {
  std::set<std::string> to_create;
  std::map<std::string, const std::string*> made;  // name -> identity recorded when made ("" = not recorded)
  for (const auto& s : steps)
    if (auto* a = std::get_if<CreateNetns>(&s)) to_create.insert(a->name);
  for (const auto& o : owned.objects)
    if (o.kind == state::ObjectKind::netns) made[o.name] = &o.detail;
  for (const auto& s : desired.steps) {
    auto* a = std::get_if<CreateNetns>(&s);
    if (!a || to_create.count(a->name) || owned.unchanged.count(a->name)) continue;
    auto it = made.find(a->name);
    if (it == made.end())
      return Error{"namespace " + a->name + " already exists and does not belong to lab '" + topo.name +
                   "'; remove it or rename the lab (nothing was changed)"};
    if (!it->second->empty() && !host::same_netns(*it->second, host::netns_identity(a->name)))
      return Error{"namespace " + a->name + " was deleted and re-created by someone else since lab '" + topo.name +
                   "' made it; it is not the lab's. Remove it, or take the lab down (it is left alone); nothing was changed"};
  }
  return {};
}

/// What the lab owns now: its journal, labelled from the topology it was last
/// built from (read before `up` overwrites that copy).
Owned owned_by(const std::string& lab, const Target& target, const std::optional<model::Topology>& previous) {
  Owned owned = previous ? described_by(*previous, target) : Owned{};
  owned.objects = state::read_journal(lab);
  return owned;
}

/// A topology from the lab's copy of its file (`text`, read before this run
/// replaces it); nullopt when there is none or it no longer loads.
std::optional<model::Topology> topology_from(const std::string& lab, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto loaded = model::load_string(*text, state::lab_dir(lab) + "/" + state::kTopologyCopy);
  if (!loaded.ok()) return std::nullopt;
  return std::move(loaded.topology);
}

/// What `up` of `next` plans with: its steps, and what the lab owns (its
/// journal, described by what its last `up` built) with, when that `up`
/// completed, the guests `next` leaves as they are (not read again). The light
/// guests whose input is what that `up` expanded are not expanded at all
/// (guest_keys.h): a one-guest change costs one guest, not the lab.
struct UpInput {
  Desired desired;
  StepDigests digests;  // of every owner: desired's, and the skipped guests' as recorded
  Owned owned;
  GuestKeys keys;       // of the light guests of `next`
  size_t journal_lines = 0;  // the journal's, forgotten objects included
  std::map<std::string, std::vector<std::string>> objects;  // each guest's object keys, the skipped ones' as recorded
};
UpInput up_input(const model::Topology& next, const Target& target, LabReading& lab, Observed& observed) {
  UpInput in;
  const bool completed = lab.state && lab.state->phase == state::Phase::ready;
  // The record of the last `up`; without one (it failed, or an older netlab
  // built the lab), the same is derived from the lab's copy of its file.
  std::optional<Built> built = completed ? std::move(lab.built) : std::nullopt;
  if (!built)
    if (auto previous = topology_from(next.name, lab.topology_copy)) {
      const Desired before = desired_of(*previous, target);
      built = built_record(*previous, target, step_digests(before.steps, before.owners));
    }
  if (built) in.owned = std::move(built->described);
  in.owned.objects = std::move(lab.journal);
  in.journal_lines = lab.journal_lines;
  in.keys = guest_input_keys(next, target);
  std::set<std::string> skipped;
  if (completed && built) skipped = mark_unexpanded(next, in.keys, built->keys, in.owned, observed);
  auto expand = [&](std::set<std::string> skip) {
    in.desired = desired_of(next, target, std::move(skip));
    in.digests = step_digests(in.desired.steps, in.desired.owners);
    in.objects = guest_object_keys(in.desired);
    in.desired.kept.reserve(8 * in.desired.skipped.size());
    for (const auto& guest : in.desired.skipped) {
      in.digests[guest] = built->digests.at(guest);
      auto& made = built->objects.at(guest);
      in.desired.kept.insert(made.begin(), made.end());
      in.objects[guest] = std::move(made);  // the record is not read again
    }
  };
  expand(skipped);
  if (completed && built) {
    // Nothing changed at all: `up` of an unchanged file reads everything and repairs drift.
    if (!skipped.empty() && in.digests == built->digests) expand({});
    mark_unchanged(next, built->digests, in.digests, in.owned, observed, in.desired.skipped);
  }
  return in;
}

/// make() of `in`. When the lab's own steps need something (a bridge remade,
/// say), the untouched guests' host side is read after all, so the guests left
/// unexpanded are expanded first (the same steps, by their keys).
std::vector<Action> planned_steps(UpInput& in, const model::Topology& next, const Target& target, Observed& observed) {
  if (!in.desired.skipped.empty() && lab_needs_steps(in.desired, observed, in.owned, target.host_netns)) {
    in.desired = desired_of(next, target);
    in.objects = guest_object_keys(in.desired);
  }
  return make(in.desired, observed, in.owned, target.host_netns);
}

/// A lab is renamed when another lab still in the run root was built from the
/// same file (the absolute path its state.json records): netlab does not carry
/// a lab over to a new name, since every object's name derives from it.
Status check_not_renamed(const model::Topology& topo, const std::string& file) {
  std::error_code ec;
  const std::string path = std::filesystem::absolute(file, ec).lexically_normal().string();
  for (const auto& lab : state::list_labs()) {
    if (lab == topo.name) continue;
    auto st = state::read_state(lab);
    if (!st || std::filesystem::path(st->topology_file).lexically_normal().string() != path) continue;
    return Error{"lab '" + lab + "' runs from " + path + ", which now names the lab '" + topo.name +
                 "'; a running lab cannot be renamed: take the old one down first (netlab down " + lab +
                 "), then run up again (nothing was changed)"};
  }
  return {};
}

/// A real-host lab acts on the namespace that was "the host" when it was built
/// (its journal calls it ""): from any other, down would restore another
/// host's sysctls and uplink. Refused, so `gc` leaves such a lab alone.
Status other_host(const std::optional<state::LabState>& st) {
  if (!st || st->sandbox || st->host_netns_id.empty()) return {};
  const std::string here = host::current_netns_id();
  if (here == st->host_netns_id) return {};
  return Error{"lab '" + st->lab + "' was built on the host of network namespace " + st->host_netns_id +
               ", and this is " + here + "; run netlab in that namespace"};
}

}  // namespace

Target target_for(const std::string& lab, bool sandbox) {
  Target t{sandbox, sandbox ? model::sandbox_host_namespace(lab) : "", state::lab_dir(lab)};
  t.image_dir = host::image_cache_dir();
  // The probe itself runs in `up` (probe_accelerator); everything else reads its answer.
  if (auto cached = host::cached_accelerator(accelerator_cache_dir())) t.accelerator = cached->type;
  return t;
}

Result<Target> resolve_target(const model::Topology& topology, bool sandbox, Sockets& sockets, UplinkChoice* choice) {
  Target target = target_for(topology.name, sandbox);
  auto found = choose_uplink(topology, sandbox, sockets);
  if (!found) return found.error();
  target.uplink = found->device;
  if (choice) *choice = *found;
  return target;
}

Result<PlanResult> plan_up(const model::Topology& topology, const std::string& file, bool sandbox, bool force) {
  if (auto st = check_not_renamed(topology, file); !st) return st.error();
  Sockets sockets;
  PlanResult result;
  auto target = resolve_target(topology, sandbox, sockets, &result.uplink);
  if (!target) return target.error();
  if (!sandbox)
    if (auto st = check_real_host(topology, force, sockets); !st) return st.error();
  SystemObserved observed(sockets);
  const model::Topology where = placed(topology);  // migrated VMs stay where they run
  LabReading lab = read_lab(topology.name);
  observed.know_identities(std::move(lab.identities));
  UpInput in = up_input(where, *target, lab, observed);
  result.steps = planned_steps(in, where, *target, observed);
  return result;
}

Result<UpResult> up(model::Topology file_topo, const std::string& file, const std::string& file_text,
                    const UpOptions& options, std::optional<LabReading> read_ahead) {
  // Migrated VMs stay on the hosts they run on (placement.h): up never moves one back.
  model::Topology topo = placed(std::move(file_topo));
  // Checked before the lock is taken: a refused rename leaves no lock file of the new name.
  if (auto renamed = check_not_renamed(topo, file); !renamed) return renamed.error();
  auto lock = state::LabLock::acquire(topo.name);
  if (!lock) return lock.error();
  LabReading lab = current_reading(topo.name, std::move(read_ahead));
  const std::optional<state::LabState> previous = lab.state;
  if (previous && previous->sandbox != options.sandbox)
    return Error{"lab '" + topo.name + "' already runs " + (previous->sandbox ? "in the sandbox" : "on the real host") +
                 "; take it down first (netlab down " + topo.name + ")"};
  if (auto other = other_host(previous); !other) return other.error();
  const bool fresh = !previous && lab.journal.empty();
  Sockets sockets;
  UplinkChoice uplink;
  auto resolved = resolve_target(topo, options.sandbox, sockets, &uplink);
  if (!resolved) return resolved.error();
  Target target = *resolved;
  if (!options.sandbox)
    if (auto st = check_real_host(topo, options.force, sockets); !st) return st.error();
  probe_accelerator(topo, target);
  SystemObserved observed(sockets);
  observed.know_identities(std::move(lab.identities));
  // The hop map follows from the file and the target alone: it is worked out
  // on the machine's other core while this thread reads the lab and runs the
  // steps. Pure computation, no system call: namespace switches are per
  // thread and stay on this one. `target` is not changed from here on.
  std::future<PlannedHopMap> hops = std::async(std::launch::async, [&topo, &target] {
    PlannedHopMap planned{hop_map(topo, target), std::nullopt};
    const auto& nics = planned.map.nics;
    if (std::none_of(nics.begin(), nics.end(), [&](const auto& nic) { return address_pending(nic, topo); }))
      planned.json = model::hopmap_to_json(planned.map);
    return planned;
  });

  std::error_code ec;
  state::LabState st{topo.name, std::filesystem::absolute(file, ec).string(), options.sandbox, target.host_netns,
                     state::Phase::building, static_cast<int>(::getpid()), "", "",
                     options.sandbox ? "" : host::current_netns_id()};
  // Read before this run overwrites the lab's copy of its file: it names what the
  // lab owns, and is put back when this run fails and returns the lab to it.
  const std::optional<std::string> previous_text = lab.topology_copy;
  // The record of the last `up` too: it is put back with them.
  const std::optional<std::string> previous_built = lab.built_text;
  UpInput in = up_input(topo, target, lab, observed);
  forget_built(topo.name);  // until this run completes, the lab is not what the record says
  if (auto w = state::write_state(st); !w) return w.error();
  if (auto w = state::write_lab_file(topo.name, state::kTopologyCopy, file_text); !w) return w.error();
  auto journal = state::Journal::open(topo.name);
  if (!journal) return journal.error();

  const std::vector<Action> steps = planned_steps(in, topo, target, observed);
  if (auto owned = check_namespace_ownership(topo, in.desired, steps, in.owned); !owned) {
    if (fresh) {
      state::remove_lab_dir(topo.name);
      (*lock)->remove_on_release();
    }
    return owned.error();
  }
  // The lab's record follows from the file and the plan: it is worked out on
  // the other core too, while the steps run (a removed veth alone keeps the
  // kernel busy some 25 ms).
  std::future<std::optional<std::string>> record = std::async(std::launch::async, [&topo, &target, &in] {
    return built_to_text(
        built_record(topo, target, std::move(in.digests), std::move(in.keys), std::move(in.objects)));
  });
  ApplyOptions apply_options{options.on_step};
  SystemWriter writer(sockets);
  std::optional<SystemObserved> after;  // read afresh once a step failed
  const ConvergeFrom from{topo.name, target, [&] { return topology_from(topo.name, previous_text); },
                          [&]() -> Observed& { return after.emplace(sockets); }};
  bool returned = false;
  auto applied = apply_converging(steps, from, *journal, writer, apply_options, &returned);
  if (!applied) {
    if (fresh) {
      sockets.clear();
      state::remove_lab_dir(topo.name);
      (*lock)->remove_on_release();
    } else if (returned && previous && previous_text) {
      // Back as it was: its file, its state, its record.
      state::write_lab_file(topo.name, state::kTopologyCopy, *previous_text);
      if (previous_built) state::write_lab_file(topo.name, state::kBuiltRecord, *previous_built);
      state::write_state(*previous);
    } else {
      st.phase = state::Phase::failed;
      st.message = applied.error().message;
      state::write_state(st);
    }
    return applied.error();
  }
  UpResult result;
  result.uplink = uplink;
  for (const auto& s : steps) result.steps.push_back(describe(s));
  result.leases = std::move(applied->leases);
  const std::optional<std::string> built_text = record.get();
  PlannedHopMap planned_map = hops.get();
  result.hop_map = std::move(planned_map.map);
  if (!planned_map.json) {
    fill_addresses(result.hop_map, topo, target, sockets);
    planned_map.json = model::hopmap_to_json(result.hop_map);
  }
  if (auto w = state::write_lab_file(topo.name, model::kHopMapFile, *planned_map.json); !w) return w.error();
  if (auto w = write_built(topo.name, built_text); !w) return w.error();
  // Each change appends to the journal; once it holds twice what the lab owns,
  // it is rewritten, so reading it follows the lab, not its history.
  if (in.journal_lines > 64 + 2 * in.owned.objects.size())
    (void)state::compact_journal(topo.name);  // on failure the old journal stays, as true as before
  st.phase = state::Phase::ready;
  if (auto w = state::write_state(st); !w) return w.error();
  // Handed to the caller, which decides when they are freed (UpResult::worked_on).
  struct WorkedOn {
    model::Topology topology;
    LabReading lab;
    UpInput in;
  };
  result.worked_on = std::make_shared<const WorkedOn>(WorkedOn{std::move(topo), std::move(lab), std::move(in)});
  return result;
}

Result<TeardownReport> down(const std::string& lab) {
  auto lock = state::LabLock::acquire(lab);
  if (!lock) return lock.error();
  auto st = state::read_state(lab);
  if (auto other = other_host(st); !other) return other.error();
  auto objects = state::read_journal(lab);
  if (!st && objects.empty()) {
    (*lock)->remove_on_release();
    std::error_code ec;
    if (!std::filesystem::exists(state::lab_dir(lab), ec)) return Error{"no lab named '" + lab + "'", true};
    // A run directory with neither state nor journal: an `up` killed between
    // creating it and writing its first state. The journal is written before
    // anything is created, so there is nothing else to remove.
    TeardownReport report;
    if (auto removed = state::remove_lab_dir(lab); !removed) report.problems.push_back(removed.error().message);
    else report.removed.push_back("run directory " + state::lab_dir(lab) + " (no state)");
    return report;
  }
  // Marked before the first removal: a `down` killed half-way leaves a lab in
  // phase `removing` with a free lock, which `gc` then finishes.
  state::LabState marked = st ? *st : state::LabState{};
  marked.lab = lab;
  marked.phase = state::Phase::removing;
  marked.pid = static_cast<int>(::getpid());
  if (auto w = state::write_state(marked); !w) return w.error();
  Sockets sockets;
  // Tagged links the journal may have missed (e.g. created by hand with the tag).
  std::string host_ns = st ? st->host_netns : "";
  if (host_ns.empty() || host::netns_exists(host_ns))
    for (auto& o : tagged_links(lab, host_ns, sockets)) objects.push_back(std::move(o));
  SystemWriter writer(sockets);
  TeardownReport report = remove_objects(objects, writer);
  sockets.clear();
  if (auto removed = state::remove_lab_dir(lab); !removed) report.problems.push_back(removed.error().message);
  (*lock)->remove_on_release();
  return report;
}

bool abandoned(const std::string& lab) {
  auto st = state::read_state(lab);
  if (!st) return true;
  const bool half_done = st->phase == state::Phase::building || st->phase == state::Phase::removing;
  return half_done && !host::alive(st->pid) && !state::LabLock::held_by_other(lab);
}

Result<GcResult> gc() {
  GcResult result;
  std::set<std::string> known;
  for (const auto& lab : state::list_labs()) {
    known.insert(lab);
    if (!abandoned(lab)) continue;
    auto removed = down(lab);
    if (!removed) continue;  // busy: someone is working on it right now
    result.labs.push_back(lab);
    for (auto& r : removed->removed) result.report.removed.push_back(lab + ": " + r);
    for (auto& p : removed->problems) result.report.problems.push_back(lab + ": " + p);
  }
  // Namespaces holding links tagged for a lab that has no run directory at all.
  Sockets sockets;
  SystemWriter writer(sockets);
  std::vector<state::OwnedObject> orphans;
  std::set<std::string> orphan_labs;
  for (const auto& ns : host::list_netns()) {
    auto nl = sockets.netlink(ns);
    if (!nl) continue;
    auto links = (*nl)->list_links();
    if (!links) continue;
    for (const auto& l : *links) {
      auto tagged = model::lab_of_alias(l.alias);
      if (!tagged) continue;
      const std::string& lab = *tagged;
      if (known.count(lab) || std::filesystem::exists(state::lab_dir(lab))) continue;
      orphans.push_back({state::ObjectKind::netns, "", ns, ""});
      orphan_labs.insert(lab);
      break;
    }
  }
  // Their daemons: a dnsmasq whose conf, or a guest's DHCPv6 client whose
  // lease file, lies in a gone lab's run directory.
  const std::vector<std::pair<std::string, std::string>> daemons = {
      {"dnsmasq", "--conf-file=" + state::run_root() + "/"}, {"dhclient", " -lf " + state::run_root() + "/"}};
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    const std::string program = host::process_name(pid);
    for (const auto& [daemon, prefix] : daemons) {
      if (program != daemon) continue;
      const std::string cmd = host::cmdline(pid);
      auto at = cmd.find(prefix);
      if (at == std::string::npos) continue;
      std::string rest = cmd.substr(at + prefix.size());
      std::string lab = rest.substr(0, rest.find('/'));
      if (known.count(lab) || std::filesystem::exists(state::lab_dir(lab))) continue;
      if (writer.stop_process(pid))
        result.report.removed.push_back(lab + ": " + daemon + " pid " + std::to_string(pid));
      orphan_labs.insert(lab);
    }
  }
  // Domains on the host's own libvirt whose netlab metadata names a lab that is gone
  // (sandbox labs' domains live in their private daemons and go with `down` above).
  std::error_code ec;
  if (std::filesystem::exists("/run/libvirt/libvirt-sock", ec))
    if (auto client = host::LibvirtClient::open("qemu:///system"))
      if (auto domains = client->list_domains(libvirt::kMetadataNamespace))
        for (const auto& d : *domains) {
          if (d.lab.empty() || known.count(d.lab) || std::filesystem::exists(state::lab_dir(d.lab))) continue;
          orphans.push_back({state::ObjectKind::domain, "", d.name, "qemu:///system"});
          orphan_labs.insert(d.lab);
        }
  TeardownReport orphaned = remove_objects(orphans, writer);
  for (auto& r : orphaned.removed) result.report.removed.push_back(r);
  for (auto& p : orphaned.problems) result.report.problems.push_back(p);
  for (const auto& lab : orphan_labs) result.labs.push_back(lab);
  return result;
}

namespace {

OvnStatus ovn_status(const model::Topology& topo, const Target& target, Observed& observed) {
  OvnStatus out;
  const auto hosts = model::lab_hosts(topo);
  const std::string central_dir = target.run_dir + "/" + hosts.front().name + "/ovn-central";
  host::OvnCentral central(central_dir);
  out.central = central.running();
  for (size_t i = 0; i < hosts.size(); ++i) {
    OvnHostStatus h;
    h.name = hosts[i].name;
    h.netns = model::hypervisor_namespace(topo, h.name);
    h.gateway = h.name == model::gateway_host(topo).name;
    const std::string dir = target.run_dir + "/" + h.name;
    h.controller = host::OvnController(dir).running();
    auto addrs = observed.addresses(h.netns, host::ovn_devices::kPhysBridge);
    if (!addrs.empty()) h.underlay = addrs.front().address.str();
    if (auto db = host::OvsInstance(dir).connect()) {
      if (auto tunnels = host::ovs_tunnels(*db)) h.tunnels = std::move(tunnels).value();
      else out.problems.push_back(h.name + ": " + tunnels.error().message);
    }
    out.hosts.push_back(std::move(h));
  }
  if (!out.central) return out;
  if (auto sb = central.connect_sb()) {
    if (auto c = host::ovn_chassis(*sb)) out.chassis = std::move(c).value();
    if (auto b = host::ovn_bindings(*sb)) out.bindings = std::move(b).value();
    else out.problems.push_back("SB: " + b.error().message);
  }
  if (auto nb = central.connect_nb()) {
    if (auto a = host::ovn_port_addresses(*nb)) out.addresses = std::move(a).value();
    else out.problems.push_back("NB: " + a.error().message);
  }
  // Ports by the NICs they serve: a VM's logical port is a UUID (names.h).
  for (auto& b : out.bindings) b.logical_port = model::ovn_port_label(topo, b.logical_port);
  for (auto& a : out.addresses) a.port = model::ovn_port_label(topo, a.port);
  return out;
}

}  // namespace

Result<LabStatus> status(const std::string& lab) {
  auto running = running_lab(lab);
  if (!running) return running.error();
  const state::LabState* st = &running->state;
  const model::Topology* topo = &running->topology;
  LabStatus out;
  out.state = *st;
  Sockets sockets;
  // The uplink as `up` found it; a host that lost its route since still shows the lab.
  Target target = target_for(lab, st->sandbox);
  if (auto resolved = resolve_target(*topo, st->sandbox, sockets)) target = *resolved;
  SystemObserved observed(sockets);
  const std::map<std::string, host::Lease> lease_by_mac = lab_leases(lab, *topo);
  const model::DeviceNames names(*topo);
  if (model::uses_ovn(*topo)) out.ovn = ovn_status(*topo, target, observed);
  for (const auto& net : topo->networks) {
    NetworkStatus ns;
    ns.name = net.name;
    ns.mode = net.mode;
    ns.subnet = net.subnet ? net.subnet->block().str() : "";
    if (auto gw = model::gateway(net)) ns.gateway = gw->str();
    if (net.ipv6 && net.ipv6->subnet) ns.subnet6 = net.ipv6->subnet->block().str();
    if (auto gw6 = model::gateway6(net)) ns.gateway6 = gw6->str();
    if (model::uses_macvtap(net)) {
      ns.macvtap_on = net.uplink;  // no bridge at all
    } else if (model::is_ovn(net)) {
      ns.bridge = host::ovn_switch_name(net.name);  // a logical switch: up while its central runs
      ns.bridge_up = out.ovn && out.ovn->central;
    } else {
      ns.bridge = names.bridge(net);
      auto link = observed.link(target.host_netns, ns.bridge);
      ns.bridge_up = link && link->up;
    }
    auto files = host::dnsmasq_files(target.run_dir, net.name);
    if (auto pid = host::pid_running_conf(files.pid, files.conf)) ns.dnsmasq_pid = *pid;
    ns.leases = host::network_leases(target.run_dir, net.name);
    ns.leases6 = host::network_leases6(target.run_dir, net.name);
    out.networks.push_back(std::move(ns));
  }
  for (const auto& guest : topo->guests) {
    GuestStatus gs;
    gs.name = guest.name;
    gs.kind = guest.kind;
    gs.netns = guest.kind == model::GuestKind::netns ? model::guest_namespace(*topo, guest) : "";
    gs.present = gs.netns.empty() ? true : observed.netns_exists(gs.netns);
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const auto& nic = guest.nics[i];
      NicStatus n;
      n.nic = model::guest_nic_name(nic, i);
      n.network = nic.network;
      const model::Network* net = topo->find_network(nic.network);
      const bool macvlan = net && net->mode == model::NetworkMode::bridge && net->attach == model::Attach::macvtap &&
                           guest.kind == model::GuestKind::netns;
      if (!macvlan) n.host_device = names.host_nic(guest, i);
      n.mac = nic.mac ? nic.mac->str() : "";
      n.address_kind = nic.address_kind;
      if (!gs.netns.empty() && gs.present) {
        auto addrs = observed.addresses(gs.netns, n.nic);
        if (!addrs.empty()) n.address = addrs.front().str();
        if (net && net->ipv6)
          for (const auto& a : observed.addresses6(gs.netns, n.nic)) n.addresses6.push_back(a.str());
      }
      if (auto it = lease_by_mac.find(n.mac); it != lease_by_mac.end()) n.lease = it->second;
      // The newest DHCPv6 lease of this NIC (a client asking again may hold an older one beside it).
      for (const auto& ns : out.networks)
        if (ns.name == nic.network && nic.mac)
          for (const auto& l : ns.leases6)
            if (host::lease6_of(l, *nic.mac) && (!n.lease6 || l.expiry > n.lease6->expiry)) n.lease6 = l;
      gs.nics.push_back(std::move(n));
    }
    out.guests.push_back(std::move(gs));
  }
  // Drift is what `up` of the lab's file would do now: the file as it is (when
  // it still loads), else the copy the lab was built from.
  model::Topology wanted = *topo;
  if (auto edited = model::load_file(st->topology_file); edited.ok() && model::validate(edited.topology).empty() &&
                                                          edited.topology.name == lab)
    wanted = std::move(edited.topology);
  const auto placement = read_placement(lab);
  for (const auto& line : placement_drift(wanted, placement)) out.drift.push_back(line);
  for (const auto& step : make(placed(std::move(wanted), placement), target, observed, owned_by(lab, target, *topo)))
    out.drift.push_back(describe_drift(step));
  return out;
}

}  // namespace netlab::plan
