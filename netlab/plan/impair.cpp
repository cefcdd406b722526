// Live link impairment (see impair.h).
#include "netlab/plan/impair.h"

#include <map>

#include "netlab/model/names.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/lab.h"
#include "netlab/plan/running_lab.h"
#include "netlab/plan/sockets.h"
#include "netlab/plan/system_writer.h"
#include "netlab/state/lock.h"

namespace netlab::plan {

Result<std::vector<DeviceImpairment>> impairments(const std::string& lab) {
  auto running = running_lab(lab);
  if (!running) return running.error();
  const model::Topology& topo = running->topology;
  const Target target = target_for(lab, running->state.sandbox);
  const model::DeviceNames names(topo);
  Sockets sockets;
  std::map<std::string, std::map<std::string, host::QdiscInfo>> roots;  // netns -> device -> root qdisc
  auto root_of = [&](const NetemDevice& d) -> const host::QdiscInfo* {
    auto it = roots.find(d.netns);
    if (it == roots.end()) {
      std::map<std::string, host::QdiscInfo> found;
      if (auto nl = sockets.netlink(d.netns))
        if (auto list = (*nl)->root_qdiscs())
          for (auto& q : *list) found[q.device] = std::move(q);
      it = roots.emplace(d.netns, std::move(found)).first;
    }
    auto dev = it->second.find(d.device);
    return dev == it->second.end() ? nullptr : &dev->second;
  };
  std::vector<DeviceImpairment> out;
  for (const auto& guest : topo.guests) {
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const auto devices = nic_netem_devices(topo, target, names, guest, i);
      std::vector<DeviceImpairment> rows;
      bool any = guest.nics[i].impair && !guest.nics[i].impair->none();
      for (size_t d = 0; d < devices.size(); ++d) {
        DeviceImpairment row;
        row.guest = guest.name;
        row.nic = model::guest_nic_name(guest.nics[i], i);
        // nic_netem_devices lists the host side first and a light guest's own NIC last.
        row.side = guest.kind == model::GuestKind::netns && d + 1 == devices.size() ? "guest" : "host";
        row.netns = devices[d].netns;
        row.device = devices[d].device;
        row.file = guest.nics[i].impair.value_or(model::Impairment{});
        if (const host::QdiscInfo* q = root_of(devices[d]); q && q->netem) {
          row.live = q->netem;
          row.sent_packets = q->packets;
          row.sent_bytes = q->bytes;
          row.dropped = q->drops;
          row.overlimits = q->overlimits;
          any = true;
        }
        rows.push_back(std::move(row));
      }
      if (any) out.insert(out.end(), rows.begin(), rows.end());
    }
  }
  return out;
}

Result<std::vector<std::string>> impair(const ImpairRequest& req) {
  auto running = running_lab(req.lab);
  if (!running) return running.error();
  const model::Topology& topo = running->topology;
  const model::Guest* guest = topo.find_guest(req.guest);
  if (!guest) return Error{"lab " + req.lab + " has no guest named '" + req.guest + "'", true};
  const Target target = target_for(req.lab, running->state.sandbox);
  const model::DeviceNames names(topo);
  std::vector<size_t> nics;
  for (size_t i = 0; i < guest->nics.size(); ++i)
    if (req.nic.empty() || model::guest_nic_name(guest->nics[i], i) == req.nic) nics.push_back(i);
  if (nics.empty())
    return Error{"guest " + req.guest + " of lab " + req.lab + " has no NIC named '" + req.nic + "'", true};
  auto lock = state::LabLock::acquire(req.lab);
  if (!lock) return lock.error();
  Sockets sockets;
  SystemWriter writer(sockets);
  std::vector<std::string> done;
  for (size_t i : nics) {
    const std::string who = req.guest + ":" + model::guest_nic_name(guest->nics[i], i);
    const auto devices = nic_netem_devices(topo, target, names, *guest, i);
    if (devices.empty()) {
      if (!req.nic.empty())
        return Error{who + " is a VM's macvtap on the uplink: no device of netlab's carries its traffic", true};
      continue;
    }
    std::string where;
    for (const auto& d : devices) {
      if (auto st = writer.set_netem(d.netns, d.device, req.impairment); !st) return st.error();
      where += (where.empty() ? "" : ", ") + (d.netns.empty() ? d.device : d.netns + "/" + d.device);
    }
    done.push_back(who + ": " + (req.impairment.none() ? "netem removed" : "netem " + model::describe(req.impairment)) +
                   " (" + where + ")");
  }
  return done;
}

}  // namespace netlab::plan
