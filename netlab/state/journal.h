#pragma once
// The write-ahead journal of what a lab owns. Every object netlab creates is
// appended here *before* it is created, so `down` and `gc` find it even when the
// `up` that made it was killed half-way. One JSON object per line, append-only
// (appending stays O(1) per object where rewriting a state file would be O(n)).
#include <string>
#include <vector>

#include "netlab/model/result.h"

namespace netlab::state {

enum class ObjectKind {
  netns,      // name = namespace name; detail = its identity once created ("" before)
  link,       // netns + name = device; detail = link kind (bridge, veth, tap, macvlan)
  nft_table,  // netns + name = "<family> <table>"
  process,    // netns; name = pid file path; detail = program name (dnsmasq, udhcpc, ...)
  sysctl,     // netns + name = key ("net/ipv4/ip_forward"); detail = value before netlab
  ovs,        // netns; name = OVS run directory of a private ovsdb-server + vswitchd
  uplink,     // netns + name = a host NIC netlab enslaved to a bridge; detail = what it held
              // before (host::uplink_snapshot_to_json). The newest record of a NIC counts.
  libvirtd,   // netns; name = run directory of the lab's private libvirtd (host/libvirt_daemon.h)
  domain,     // name = libvirt domain name; detail = the libvirt URI it is defined on
  file,       // name = path of a file the lab made (a VM's disk); detail = what it is
  ovn,        // netns; name = directory of OVN daemons; detail = "central" (NB, SB, northd) or "controller"
};

struct OwnedObject {
  ObjectKind kind = ObjectKind::netns;
  std::string netns;
  std::string name;
  std::string detail;
  bool operator==(const OwnedObject&) const = default;
};

const char* to_string(ObjectKind kind);
/// "link nat-host/nat-default (bridge)" and the like, for messages.
std::string describe(const OwnedObject& object);

class Journal {
 public:
  /// Opens (creating) <lab_dir>/journal for appending; creates the lab directory.
  static Result<Journal> open(const std::string& lab);
  Journal(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(Journal&&) = delete;
  ~Journal();

  /// Appends one record with a single write(2) (atomic for lines this short).
  Status record(const OwnedObject& object);
  /// Appends a record saying the lab no longer owns `object` (written after it
  /// was removed, so a removal that fails leaves it owned for `down` and `gc`).
  Status forget(const OwnedObject& object);

 private:
  explicit Journal(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Every object recorded for the lab and not forgotten since, oldest first, duplicates removed
/// (keeps the first: the state before netlab). Two kinds take a later detail:
/// a namespace is recorded twice, before it is created (detail "") and once
/// made, with its identity (host::netns_identity) as detail, and the latest
/// identity wins; an uplink, whose record is written only when a move starts,
/// keeps the newest detail. Empty when the lab has no journal. With
/// `lines_read`, how many lines the journal had.
std::vector<OwnedObject> read_journal(const std::string& lab, size_t* lines_read = nullptr);

/// Rewrites the journal as read_journal() reads it: one record per object still
/// owned, oldest first; the forgotten ones and superseded details are gone, and
/// read_journal() returns the same before and after. A lab changed often by `up`
/// otherwise keeps every record it ever wrote. Atomic (a new file renamed over
/// the old one): a reader sees one or the other. Only with the lab's lock held,
/// and no Journal of the lab written to afterwards (it would append to the old file).
Status compact_journal(const std::string& lab);

}  // namespace netlab::state
