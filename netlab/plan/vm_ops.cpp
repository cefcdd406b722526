#include "netlab/plan/vm_ops.h"

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "netlab/libvirt/export_xml.h"
#include "netlab/model/lab_hosts.h"
#include "netlab/plan/lab.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/vm.h"
#include "netlab/state/journal.h"
#include "netlab/state/lab_state.h"
#include "netlab/state/lock.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {

namespace fs = std::filesystem;

struct LabVms {
  model::Topology topo;
  Target target;
};

Result<LabVms> lab_vms(const std::string& lab) {
  auto st = state::read_state(lab);
  if (!st) return Error{"no lab named '" + lab + "'", true};
  auto topo = lab_topology(lab);
  if (!topo) return topo.error();
  return LabVms{std::move(topo).value(), target_for(lab, st->sandbox)};
}

/// One connection per libvirt the lab's VMs run under (a lab across hosts has one per host with VMs).
class LabClients {
 public:
  explicit LabClients(const LabVms& vms) : vms_(vms) {}
  Result<host::LibvirtClient*> of(const model::Guest& g) {
    const std::string uri = libvirt_uri(vms_.topo, vms_.target, g);
    auto it = clients_.find(uri);
    if (it != clients_.end()) return &it->second;
    auto client = host::LibvirtClient::open(uri);
    if (!client) return client.error();
    return &clients_.emplace(uri, std::move(client).value()).first->second;
  }

 private:
  const LabVms& vms_;
  std::map<std::string, host::LibvirtClient> clients_;
};

bool thick(const model::Guest& g) { return g.disk && g.disk->provisioning == model::Provisioning::thick; }

std::string seconds_since(std::chrono::steady_clock::time_point t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  return buf;
}

/// The lab's state files beside its snapshots: <run_dir>/snapshots/<name>/.
std::string snapshot_dir(const Target& t, const std::string& name) { return t.run_dir + "/snapshots/" + name; }

bool valid_snapshot_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return name[0] != '.';
}

}  // namespace

bool is_vm(const std::string& lab, const std::string& guest) {
  auto topo = lab_topology(lab);
  if (!topo) return false;
  const model::Guest* g = topo->find_guest(guest);
  return g && g->kind == model::GuestKind::kvm;
}

Result<VmHandle> open_vm(const std::string& lab, const std::string& guest) {
  auto vms = lab_vms(lab);
  if (!vms) return vms.error();
  const model::Guest* g = vms->topo.find_guest(guest);
  if (!g || g->kind != model::GuestKind::kvm) return Error{"lab '" + lab + "' has no VM named '" + guest + "'", true};
  auto client = host::LibvirtClient::open(libvirt_uri(vms->topo, vms->target, *g));
  if (!client) return client.error();
  return VmHandle{std::move(client).value(), libvirt::domain_name(vms->topo, *g)};
}

Result<host::RunResult> vm_exec(const std::string& lab, const std::string& guest, const std::vector<std::string>& argv,
                                std::chrono::milliseconds timeout) {
  auto vm = open_vm(lab, guest);
  if (!vm) return vm.error();
  auto st = vm->client.state(vm->domain);
  if (!st) return st.error();
  if (*st != host::DomainState::running)
    return Error{"VM " + guest + " is " + host::to_string(*st) + " (netlab up brings it back)"};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!vm->client.agent_ready(vm->domain)) {
    if (std::chrono::steady_clock::now() > deadline)
      return Error{"the guest agent of " + guest + " does not answer (is the VM still booting?)"};
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return vm->client.guest_exec(vm->domain, argv, std::max(left, std::chrono::milliseconds(1000)));
}

Result<SnapshotReport> snapshot_lab(const std::string& lab, const std::string& name) {
  if (!valid_snapshot_name(name))
    return Error{"invalid snapshot name '" + name + "' (letters, digits, '-', '_', '.')", true};
  auto lock = state::LabLock::acquire(lab);
  if (!lock) return lock.error();
  auto vms = lab_vms(lab);
  if (!vms) return vms.error();
  const std::string dir = snapshot_dir(vms->target, name);
  if (fs::exists(dir)) return Error{"lab '" + lab + "' already has a snapshot named '" + name + "'", true};
  LabClients clients(*vms);
  SnapshotReport report;
  std::vector<std::pair<host::LibvirtClient*, std::string>> taken;
  for (const auto& g : vms->topo.guests) {
    if (g.kind != model::GuestKind::kvm) continue;
    if (thick(g)) {
      report.skipped.push_back(g.name + ": its thick raw disk cannot hold an internal snapshot (use provisioning: thin)");
      continue;
    }
    const auto t = std::chrono::steady_clock::now();
    const std::string domain = libvirt::domain_name(vms->topo, g);
    auto client = clients.of(g);
    Status st = client ? (*client)->snapshot_create(domain, name) : Status{client.error()};
    if (!st) {
      for (const auto& [c, d] : taken) c->snapshot_delete(d, name);
      return st.error();
    }
    taken.push_back({*client, domain});
    report.done.push_back(g.name + ": snapshot " + name + " taken (disk and memory, " + seconds_since(t) + ")");
  }
  if (taken.empty()) return Error{"no VM of lab '" + lab + "' can hold a snapshot", true};
  // The lab's own state beside the VMs': its topology copy and hop map as they were.
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const char* f : {"topology.yaml", "hopmap.json"})
    fs::copy_file(vms->target.run_dir + "/" + f, dir + "/" + f, fs::copy_options::overwrite_existing, ec);
  return report;
}

Result<SnapshotReport> restore_lab(const std::string& lab, const std::string& name) {
  auto lock = state::LabLock::acquire(lab);
  if (!lock) return lock.error();
  auto vms = lab_vms(lab);
  if (!vms) return vms.error();
  if (!fs::exists(snapshot_dir(vms->target, name)))
    return Error{"lab '" + lab + "' has no snapshot named '" + name + "' (netlab snapshot " + lab + " --list)", true};
  LabClients clients(*vms);
  SnapshotReport report;
  for (const auto& g : vms->topo.guests) {
    if (g.kind != model::GuestKind::kvm) continue;
    if (thick(g)) {
      report.skipped.push_back(g.name + ": not restored: its thick raw disk holds no snapshot (left as it is)");
      continue;
    }
    const auto t = std::chrono::steady_clock::now();
    auto client = clients.of(g);
    if (!client) return client.error();
    if (auto st = (*client)->snapshot_revert(libvirt::domain_name(vms->topo, g), name); !st) return st.error();
    report.done.push_back(g.name + ": back at snapshot " + name + " (" + seconds_since(t) + ")");
  }
  return report;
}

Result<SnapshotReport> delete_snapshot(const std::string& lab, const std::string& name) {
  auto lock = state::LabLock::acquire(lab);
  if (!lock) return lock.error();
  auto vms = lab_vms(lab);
  if (!vms) return vms.error();
  const std::string dir = snapshot_dir(vms->target, name);
  if (!fs::exists(dir)) return Error{"lab '" + lab + "' has no snapshot named '" + name + "'", true};
  LabClients clients(*vms);
  SnapshotReport report;
  for (const auto& g : vms->topo.guests) {
    if (g.kind != model::GuestKind::kvm || thick(g)) continue;
    const std::string domain = libvirt::domain_name(vms->topo, g);
    auto client = clients.of(g);
    if (!client) return client.error();
    auto list = (*client)->snapshots(domain);
    if (!list) continue;
    for (const auto& s : *list)
      if (s.name == name) {
        if (auto st = (*client)->snapshot_delete(domain, name); !st) return st.error();
        report.done.push_back(g.name + ": snapshot " + name + " deleted");
      }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return report;
}

Result<std::vector<LabSnapshot>> list_snapshots(const std::string& lab) {
  auto vms = lab_vms(lab);
  if (!vms) return vms.error();
  LabClients clients(*vms);
  std::map<std::string, LabSnapshot> by_name;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(vms->target.run_dir + "/snapshots", ec))
    by_name[e.path().filename().string()].name = e.path().filename().string();
  for (const auto& g : vms->topo.guests) {
    if (g.kind != model::GuestKind::kvm) continue;
    auto client = clients.of(g);
    if (!client) return client.error();
    auto list = (*client)->snapshots(libvirt::domain_name(vms->topo, g));
    if (!list) continue;
    for (const auto& s : *list) {
      auto& entry = by_name[s.name];
      entry.name = s.name;
      entry.created = std::max(entry.created, s.created);
      entry.vms.push_back(g.name);
    }
  }
  std::vector<LabSnapshot> out;
  for (auto& [n, s] : by_name) out.push_back(std::move(s));
  return out;
}

VmStatus vm_status(const std::string& lab, const std::string& guest) {
  VmStatus out;
  out.state = "unknown";
  auto vms = lab_vms(lab);
  if (!vms) return out;
  const model::Guest* g = vms->topo.find_guest(guest);
  if (!g) return out;
  out.domain = libvirt::domain_name(vms->topo, *g);
  out.vcpus = g->vcpus;
  out.memory_mib = g->memory_mib;
  out.accelerator = vms->target.accelerator == "kvm" ? "kvm" : "tcg";
  if (auto client = host::LibvirtClient::open(libvirt_uri(vms->topo, vms->target, *g)))
    if (auto st = client->state(out.domain)) out.state = host::to_string(*st);
  // The journal names every libvirt the domain was recorded on; more than one
  // means a migration stopped half-way (plan/migrate.cpp records the destination first).
  std::set<std::string> uris;
  for (const auto& o : state::read_journal(lab))
    if (o.kind == state::ObjectKind::domain && o.name == out.domain) uris.insert(o.detail);
  if (uris.size() > 1) {
    std::string where;
    for (const auto& uri : uris) {
      std::string host = uri;
      for (const auto& h : model::lab_hosts(vms->topo))
        if (libvirt_uri_on(vms->topo, vms->target, h.name) == uri) host = h.name;
      std::string state = "unknown (its libvirtd does not answer)";
      if (auto client = host::LibvirtClient::open(uri))
        if (auto st = client->state(out.domain)) {
          state = host::to_string(*st);
          if (*st == host::DomainState::running || *st == host::DomainState::paused) out.state = state;
        }
      where += (where.empty() ? "" : ", ") + host + " " + state;
    }
    out.interrupted_migration = "an interrupted migration left domain " + out.domain + " recorded on " +
                                std::to_string(uris.size()) + " hosts: " + where + " (netlab down removes it on every one)";
  }
  if (g->disk)
    if (auto info = host::disk_info(vm_disk_path(vms->target, *g))) out.disks.push_back(std::move(info).value());
  return out;
}

}  // namespace netlab::plan
