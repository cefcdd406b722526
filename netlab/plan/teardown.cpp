#include "netlab/plan/teardown.h"

#include <algorithm>
#include <set>

#include "netlab/host/netns.h"
#include "netlab/model/names.h"

namespace netlab::plan {
namespace {

using state::ObjectKind;
using state::OwnedObject;

}  // namespace

// Lower runs first.
int removal_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::process: return 0;
    case ObjectKind::ovs: return 1;
    case ObjectKind::nft_table: return 2;
    case ObjectKind::link: return 3;
    case ObjectKind::netns: return 4;
    case ObjectKind::sysctl: return 5;
  }
  return 6;
}

namespace {

void remove_one(const OwnedObject& o, const std::set<std::string>& doomed_namespaces, HostWriter& writer,
                TeardownReport& report) {
  const bool inside_doomed = !o.netns.empty() && doomed_namespaces.count(o.netns);
  switch (o.kind) {
    case ObjectKind::process: {
      auto pid = writer.running_process(o.name, o.detail);
      if (!pid) return;
      if (auto st = writer.stop_process(*pid); !st) {
        report.problems.push_back("dnsmasq pid " + std::to_string(*pid) + ": " + st.error().message);
        return;
      }
      report.removed.push_back("dnsmasq pid " + std::to_string(*pid));
      return;
    }
    case ObjectKind::ovs: {
      if (!writer.ovs_running(o.name)) return;
      if (auto st = writer.stop_ovs(o.name); !st) report.problems.push_back("OVS daemons: " + st.error().message);
      else report.removed.push_back("OVS daemons of " + o.name);
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
  std::set<std::string> doomed;
  for (const auto& o : objects)
    if (o.kind == ObjectKind::netns) doomed.insert(o.name);
  // Newest first within a rank: the reverse of creation.
  std::vector<OwnedObject> ordered(objects.rbegin(), objects.rend());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return removal_rank(a.kind) < removal_rank(b.kind); });
  TeardownReport report;
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
  const std::string tag = model::link_tag(lab);
  for (const auto& l : *links)
    if (l.alias == tag) found.push_back({ObjectKind::link, netns, l.name, l.kind});
  return found;
}

}  // namespace netlab::plan
