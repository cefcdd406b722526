#include "netlab/plan/teardown.h"

#include <algorithm>
#include <set>

#include "netlab/host/netns.h"
#include "netlab/host/owned_process.h"
#include "netlab/host/uplink_move.h"
#include "netlab/model/names.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

}  // namespace

// Lower runs first.
int removal_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::domain: return 0;  // QEMU holds the taps and disks, and outlives libvirtd
    case ObjectKind::process: return 1;
    case ObjectKind::libvirtd: return 2;
    case ObjectKind::ovn: return 2;  // ovn-controller before its OVS (newest first within the rank)
    case ObjectKind::ovs: return 2;
    case ObjectKind::nft_table: return 3;
    case ObjectKind::uplink: return 4;  // before the bridge goes: the host keeps its routes throughout
    case ObjectKind::link: return 5;
    case ObjectKind::netns: return 6;
    case ObjectKind::sysctl: return 7;
    case ObjectKind::file: return 7;
  }
  return 8;
}

/// Stops and undefines a domain through its libvirt; when that libvirt no longer
/// answers (its daemon died), ends the QEMU it left running.
void remove_domain(const OwnedObject& o, HostWriter& writer, TeardownReport& report) {
  auto state = writer.domain_state(o.detail, o.name);
  if (state) {
    if (*state == host::DomainState::absent) return;
    if (auto s = writer.destroy_domain(o.detail, o.name); !s) report.problems.push_back(s.error().message);
    if (auto s = writer.undefine_domain(o.detail, o.name); !s) report.problems.push_back(s.error().message);
    else report.removed.push_back("domain " + o.name);
    return;
  }
  auto pid = writer.orphan_qemu(o.detail, o.name);
  if (!pid) return;
  if (auto s = writer.stop_process(*pid); !s) report.problems.push_back("qemu of " + o.name + ": " + s.error().message);
  else report.removed.push_back("qemu of domain " + o.name + " (pid " + std::to_string(*pid) + ")");
}

namespace {

void remove_one(const OwnedObject& o, const std::set<std::string>& doomed_namespaces, HostWriter& writer,
                TeardownReport& report) {
  const bool inside_doomed = !o.netns.empty() && doomed_namespaces.count(o.netns);
  switch (o.kind) {
    case ObjectKind::process: {
      auto pid = writer.running_process(o.name, o.detail);
      if (!pid) return;
      const std::string what = host::describe_owned_process(*pid, o.detail);
      if (auto st = writer.stop_process(*pid); !st) {
        report.problems.push_back(what + ": " + st.error().message);
        return;
      }
      report.removed.push_back(what);
      return;
    }
    case ObjectKind::ovs: {
      if (!writer.ovs_running(o.name)) return;
      if (auto st = writer.stop_ovs(o.name); !st) report.problems.push_back("OVS daemons: " + st.error().message);
      else report.removed.push_back("OVS daemons of " + o.name);
      return;
    }
    case ObjectKind::ovn: {
      const bool central = o.detail == "central";
      if (central ? !writer.ovn_central_running(o.name) : !writer.ovn_controller_running(o.name)) return;
      Status st = central ? writer.stop_ovn_central(o.name) : writer.stop_ovn_controller(o.name);
      if (!st) report.problems.push_back("OVN " + o.detail + ": " + st.error().message);
      else report.removed.push_back(std::string(central ? "OVN databases and ovn-northd" : "ovn-controller") + " of " + o.name);
      return;
    }
    case ObjectKind::nft_table: {
      if (inside_doomed || (!o.netns.empty() && !writer.netns_exists(o.netns))) return;  // went with it
      auto space = o.name.find(' ');
      if (space == std::string::npos) return;
      auto outcome = writer.delete_nft_table(o.netns, o.name.substr(0, space), o.name.substr(space + 1));
      if (!outcome) report.problems.push_back("nft table " + o.name + ": " + outcome.error().message);
      else if (*outcome == host::DeleteOutcome::deleted) report.removed.push_back("nft table " + o.name);
      return;
    }
    case ObjectKind::link: {
      if (inside_doomed) return;  // goes with its namespace
      if (!o.netns.empty() && !writer.netns_exists(o.netns)) return;
      auto found = writer.find_link(o.netns, o.name);
      if (!found || !found.value()) return;
      // Another kind under the lab's name (a dummy where its veth was): someone
      // else's device, made after the lab's went; not the lab's to remove.
      if (!o.detail.empty() && !(*found)->kind.empty() && (*found)->kind != o.detail) {
        report.problems.push_back("link " + o.name + (o.netns.empty() ? "" : " in namespace " + o.netns) + " is a " +
                                  (*found)->kind + ", not the " + o.detail + " this lab made; left alone");
        return;
      }
      if (auto st = writer.delete_link(o.netns, o.name); !st) report.problems.push_back(st.error().message);
      else report.removed.push_back("link " + o.name);
      return;
    }
    case ObjectKind::netns: {
      // Also a bare /run/netns file: an `up` killed inside create_netns leaves one.
      if (!writer.netns_file_exists(o.name)) return;
      if (auto st = writer.delete_netns(o.name); !st) report.problems.push_back(st.error().message);
      else report.removed.push_back("namespace " + o.name);
      return;
    }
    case ObjectKind::domain: remove_domain(o, writer, report); return;
    case ObjectKind::libvirtd: {
      if (!writer.libvirtd_running(o.name)) return;
      if (auto st = writer.stop_libvirtd(o.name); !st) report.problems.push_back(st.error().message);
      else report.removed.push_back("libvirtd of " + o.name);
      return;
    }
    case ObjectKind::file: {
      auto removed = writer.remove_file(o.name);
      if (!removed) report.problems.push_back(removed.error().message);
      else if (*removed) report.removed.push_back("file " + o.name);
      return;
    }
    case ObjectKind::uplink: {
      if (inside_doomed || (!o.netns.empty() && !writer.netns_exists(o.netns))) return;  // went with it
      auto snapshot = host::uplink_snapshot_from_json(o.detail);
      if (!snapshot) {
        report.problems.push_back("uplink " + o.name + ": its journal record does not parse; check its addresses and routes by hand");
        return;
      }
      // Restoring is idempotent: after a rollback that already did it, only what is missing comes back.
      auto link = writer.find_link(o.netns, o.name);
      const bool enslaved = link && link.value() && (*link)->master == snapshot->bridge;
      if (auto st = writer.restore_uplink(o.netns, *snapshot); !st) report.problems.push_back(st.error().message);
      else if (enslaved)
        report.removed.push_back("uplink " + o.name + " out of bridge " + snapshot->bridge +
                                 ", its addresses and routes restored");
      return;
    }
    case ObjectKind::sysctl: {
      if (o.detail.empty() || inside_doomed) return;
      if (!o.netns.empty() && !writer.netns_exists(o.netns)) return;
      if (auto st = writer.set_sysctl(o.netns, o.name, o.detail); !st) report.problems.push_back(st.error().message);
      else report.removed.push_back("sysctl " + o.name + " restored to " + o.detail);
      return;
    }
  }
}

}  // namespace

Status remove_object(const OwnedObject& object, HostWriter& writer) {
  TeardownReport report;
  remove_one(object, {}, writer, report);
  if (report.problems.empty()) return {};
  return Error{report.problems.front()};
}

TeardownReport remove_objects(const std::vector<OwnedObject>& objects, HostWriter& writer) {
  TeardownReport report;
  // A namespace deleted and re-created by someone else since the lab made it
  // (another identity) is not the lab's: neither it nor anything in it is touched.
  std::set<std::string> replaced;
  for (const auto& o : objects) {
    if (o.kind != ObjectKind::netns || o.detail.empty()) continue;
    const std::string now = host::netns_identity(o.name);
    if (now.empty() || host::same_netns(o.detail, now)) continue;
    replaced.insert(o.name);
    report.problems.push_back("namespace " + o.name +
                              " is not the one this lab made (deleted and re-created by someone else); left alone");
  }
  // Processes are found by their pid file and conf, not by namespace: still ours.
  auto foreign = [&](const OwnedObject& o) {
    if (o.kind == ObjectKind::netns) return replaced.count(o.name) > 0;
    if (o.kind == ObjectKind::process || o.kind == ObjectKind::ovs || o.kind == ObjectKind::ovn) return false;
    return replaced.count(o.netns) > 0;
  };
  std::vector<OwnedObject> ours;
  for (const auto& o : objects)
    if (!foreign(o)) ours.push_back(o);
  std::set<std::string> doomed;
  for (const auto& o : ours)
    if (o.kind == ObjectKind::netns) doomed.insert(o.name);
  // Newest first within a rank: the reverse of creation.
  std::vector<OwnedObject> ordered(ours.rbegin(), ours.rend());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return removal_rank(a.kind) < removal_rank(b.kind); });
  for (const auto& o : ordered) remove_one(o, doomed, writer, report);
  return report;
}

std::vector<OwnedObject> tagged_links(const std::string& lab, const std::string& netns, Sockets& sockets) {
  std::vector<OwnedObject> found;
  if (!netns.empty() && !host::netns_exists(netns)) return found;
  auto nl = sockets.netlink(netns);
  if (!nl) return found;
  auto links = (*nl)->list_links();
  if (!links) return found;
  // The alias starts with the lab's tag; labs made before it held the guest and NIC carry the bare tag.
  for (const auto& l : *links)
    if (model::lab_of_alias(l.alias) == lab) found.push_back({ObjectKind::link, netns, l.name, l.kind});
  return found;
}

}  // namespace netlab::plan
