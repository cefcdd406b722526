#pragma once
// What the CLI does with a running lab's KVM guests: run a command inside one
// (guest agent), attach to its serial console, and snapshot / restore every VM
// of the lab together, through the libvirt the lab's VMs run under.
#include <chrono>
#include <string>
#include <vector>

#include "netlab/host/libvirt_client.h"
#include "netlab/host/process.h"
#include "netlab/host/vm_image.h"
#include "netlab/model/result.h"

namespace netlab::plan {

/// A kvm guest of a running lab and the connection to its libvirt. An Error
/// (bad input) when the lab or the VM does not exist.
struct VmHandle {
  host::LibvirtClient client;
  std::string domain;
};
Result<VmHandle> open_vm(const std::string& lab, const std::string& guest);

/// True when `guest` of `lab` is a kvm guest.
bool is_vm(const std::string& lab, const std::string& guest);

/// Runs argv inside the VM; waits up to `timeout` for the guest agent to
/// answer (a VM still booting) and then for the command.
Result<host::RunResult> vm_exec(const std::string& lab, const std::string& guest, const std::vector<std::string>& argv,
                                std::chrono::milliseconds timeout);

/// One lab snapshot, as `snapshot --list` shows it.
struct LabSnapshot {
  std::string name;
  long long created = 0;
  std::vector<std::string> vms;  // the VMs it holds
};

/// What a snapshot operation did per VM ("vm1: snapshot s1 taken (0.2 s)") and
/// which VMs it left out and why (a thick raw disk holds no internal snapshot).
struct SnapshotReport {
  std::vector<std::string> done, skipped;
};

/// Snapshots every VM of the lab (disk and memory) as `name`, and keeps a copy
/// of the lab's state files beside them. An Error (bad input) when the name is
/// taken or no VM can hold a snapshot.
Result<SnapshotReport> snapshot_lab(const std::string& lab, const std::string& name);
/// Brings every VM in snapshot `name` back to it (disks and memory).
Result<SnapshotReport> restore_lab(const std::string& lab, const std::string& name);
Result<SnapshotReport> delete_snapshot(const std::string& lab, const std::string& name);
Result<std::vector<LabSnapshot>> list_snapshots(const std::string& lab);

/// A VM as `status` shows it.
struct VmStatus {
  std::string domain, state, accelerator;  // state: host::to_string(DomainState)
  int vcpus = 0, memory_mib = 0;
  std::vector<host::DiskInfo> disks;
  /// Set when the journal records the domain on more than one host (a
  /// `netlab migrate` killed half-way): the domain's state on each, e.g.
  /// "an interrupted migration left domain netlab-l-vm1 recorded on two hosts: h1 absent, h2 running; ...".
  std::string interrupted_migration;
};
/// The VM's status; state "unknown" when its libvirt does not answer. After an
/// interrupted migration `state` is that of the host where the domain is
/// (running or paused) rather than where the lab expects it.
VmStatus vm_status(const std::string& lab, const std::string& guest);

}  // namespace netlab::plan
