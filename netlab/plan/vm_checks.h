#pragma once
// Checks of a topology's KVM guests against this host, before anything is made:
// the disk image exists and has the format the topology says, and the memory
// asked for fits in the machine. Problems come back as diagnostics at the
// offending key (file:line:col), like the validator's.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/topology.h"

namespace netlab::plan {

/// `image_dir`: where named images live (host::image_cache_dir()); `memory_mib`:
/// the machine's memory (machine_memory_mib()).
std::vector<model::Diagnostic> check_vms(const model::Topology& topology, const std::string& image_dir,
                                         int64_t memory_mib);

/// check_vms against this machine: named images in host::image_cache_dir(), its
/// memory from machine_memory_mib() (what `up` checks; the CLI reaches no host call).
std::vector<model::Diagnostic> check_vms_here(const model::Topology& topology);

/// MemTotal of /proc/meminfo in MiB (0 when unreadable).
int64_t machine_memory_mib();

}  // namespace netlab::plan
