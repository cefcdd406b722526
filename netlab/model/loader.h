#pragma once
// Parses a topology YAML file into a Topology, keeping each node's file, line
// and column. Structural problems (YAML syntax, unknown keys, wrong types,
// malformed addresses) are reported here; cross-node rules live in validator.h.
#include <string>
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/topology.h"

namespace netlab::model {

struct LoadResult {
  Topology topology;
  std::vector<Diagnostic> diagnostics;  // empty when the file loaded cleanly
  bool ok() const { return diagnostics.empty(); }
};

/// Reads and parses `path`. Never throws; every problem becomes a Diagnostic.
/// NIC MACs left out are generated stably (generate_mac) in 52:54:00:xx:xx:xx.
LoadResult load_file(const std::string& path);
/// Same, from text; `file_name` is used in positions.
LoadResult load_string(const std::string& text, const std::string& file_name);

/// The MAC netlab gives NIC `nic_index` of `guest` in lab `lab` when the file names
/// none: 52:54:00 plus 24 bits of a stable hash, so the same file gives the same MAC.
Mac generate_mac(const std::string& lab, const std::string& guest, size_t nic_index);

/// The MAC of network `network`'s bridge in `topo` (libvirt gives virbr0 one too):
/// 52:54:00 plus a stable hash, never one of the lab's NIC MACs. A fixed bridge
/// MAC outlives the bridge: when `up` recreates a bridge deleted by hand, the
/// guests' ARP entries for their gateway still hold.
Mac generate_bridge_mac(const Topology& topo, const std::string& network);

}  // namespace netlab::model
