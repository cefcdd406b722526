#pragma once
// The daemons a lab owns, as its journal records them (state::ObjectKind::process:
// the pid file, and a detail naming that very daemon): a network's dnsmasq
// (detail: its conf file) or a light guest's DHCPv6 client (detail: its lease
// file). One lookup for `down`, `gc`, drift and removals, whichever it is.
#include <sys/types.h>

#include <optional>
#include <string>

namespace netlab::host {

/// The pid of the lab's daemon recorded as (`pid_file`, `detail`) while it
/// runs; nullopt when it is gone (or the pid file names another process).
std::optional<pid_t> owned_process_pid(const std::string& pid_file, const std::string& detail);

/// "dnsmasq pid 123" / "dhclient pid 456", for reports: the program that
/// `detail` is recorded for (a DHCPv6 client's lease file lies in the run
/// directory's dhclient6/, host/dhcp6_client.h).
std::string describe_owned_process(pid_t pid, const std::string& detail);

}  // namespace netlab::host
