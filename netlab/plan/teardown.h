#pragma once
// Removing what a lab owns: used by `down` (everything in the journal), by `gc`
// (whatever carries the lab's tag), and by a failed `up` (what that run made).
#include <string>
#include <vector>

#include "netlab/plan/host_writer.h"
#include "netlab/plan/sockets.h"
#include "netlab/state/journal.h"

namespace netlab::plan {

struct TeardownReport {
  std::vector<std::string> removed;   // "namespace nat-g1", "dnsmasq pid 1234", ...
  std::vector<std::string> problems;  // what could not be removed, and why
};

/// Removes `objects` in a safe order: processes first (a process keeps its
/// namespace alive), then nft tables, links, and namespaces last; sysctls
/// recorded with their previous value are restored where their namespace
/// survives. Objects already gone are skipped silently. Processes are stopped
/// only when their pid file names a live process whose command line carries the
/// recorded conf file. Every removal goes through `writer`.
TeardownReport remove_objects(const std::vector<state::OwnedObject>& objects, HostWriter& writer);

/// Removes one object as remove_objects does (already gone = success): `up`
/// removing what the file no longer has. An Error says why it stays.
Status remove_object(const state::OwnedObject& object, HostWriter& writer);

/// The order of removal: processes (0), OVS, nft tables, links, namespaces, sysctls.
int removal_rank(state::ObjectKind kind);

/// Links tagged "netlab:<lab>" in `netns` (the lab's host namespace), as
/// objects remove_objects understands: finds what the journal missed.
std::vector<state::OwnedObject> tagged_links(const std::string& lab, const std::string& netns, Sockets& sockets);

}  // namespace netlab::plan
