#pragma once
// `netlab migrate LAB VM --to HOST`: live migration of a running VM between
// two hosts of a lab across hosts (OVN), between the hosts' libvirt instances.
// The destination is prepared first (its libvirtd, the VM's taps on its br-int
// with the same iface-ids), then libvirt moves the running VM (the disks stay
// where they are: shared storage), then the VM's logical ports follow it
// (requested-chassis), the journal and placement.json record where it runs,
// and the source's taps (and its libvirtd, when no VM is left there) go. A
// light guest on the VM's network pings it throughout, which measures the
// outage.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "netlab/host/pinger.h"
#include "netlab/model/result.h"

namespace netlab::plan {

struct MigrateRequest {
  std::string lab, vm, to;
  /// Told each phase as it starts ("migrating vm1 to h2"), for a progress line.
  std::function<void(const std::string&)> on_phase;
};

struct MigrateReport {
  std::string lab, vm, from, to, domain;
  std::string stream;                   // where QEMU's memory stream went ("tcp://100.64.0.2")
  std::vector<std::string> prepared;    // the destination's steps (plan lines)
  std::vector<std::string> cleaned;     // the source's objects removed afterwards
  double migration_seconds = 0;         // the libvirt migration call
  double total_seconds = 0;             // the whole command
  std::string address_before, address_after;  // the VM's first OVN NIC, read inside it
  /// Each logical port of the VM and the chassis it is bound on afterwards.
  std::vector<std::pair<std::string, std::string>> bindings;
  double bound_seconds = 0;             // from the end of the migration until every port is bound on `to`
  std::string pinger;                   // the light guest that pinged ("" = none)
  std::string ping_note;                // why nothing was pinged
  int ping_interval_ms = 10;
  host::PingFigures ping;
};

/// Migrates. Bad input (Error with bad_input, nothing changed): no such lab,
/// VM or host; a light guest; the host it runs on already; a NIC on a network
/// that is not OVN; a lab built outside the sandbox (its hosts' libvirt is not
/// driven yet). When a step fails, what this call made is removed again and the
/// VM runs where it ran before.
Result<MigrateReport> migrate(const MigrateRequest& request);

}  // namespace netlab::plan
