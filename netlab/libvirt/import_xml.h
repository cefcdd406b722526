#pragma once
// libvirt network XML (what `virsh net-dumpxml` prints) read into netlab's
// terms, and written out as a topology YAML. Pure functions: text in, text out;
// libxml2 parses, and its line numbers locate every problem and every note.
#include <string>
#include <string_view>
#include <vector>

#include "netlab/model/result.h"
#include "netlab/model/topology.h"

namespace netlab::libvirt {

/// One libvirt <network> document in netlab's terms.
struct ImportedNetwork {
  std::string file;              // where it came from, for notes
  std::string libvirt_name;      // its <name>
  std::string lab;               // lab name from netlab's <metadata>, empty otherwise
  std::string name;              // netlab network name from <metadata>, empty otherwise
  /// mode, switch_kind, bridge (as written, checked later), subnet, gateway,
  /// dhcp, dns, mtu, uplink, attach. `name` is left empty.
  model::Network network;
  std::string forward_dev;       // <forward dev=...> of a nat/route network
  std::string host_uplink;       // the lab's host uplink from netlab's <metadata>
  /// Everything read but not carried over, one sentence each, ending with
  /// "(FILE:LINE)": "ignored <uuid> (default.xml:3)".
  std::vector<std::string> notes;
};

/// Loads libxml2, which parse_network_xml needs, the first time (dlopen,
/// libxml2_api.h). The error, when it is not installed, names its package: a
/// failure of the system, not of the input.
Status load_xml_parser();

/// Parses one libvirt network document. Malformed XML, a root other than
/// <network>, a DOCTYPE, or a network netlab cannot express (no IPv4 <ip> for a
/// nat/route/isolated network, forward modes passthrough/private/vepa/hostdev,
/// bad addresses) give an Error whose message is "FILE:LINE: error: ...";
/// libxml2 missing gives load_xml_parser()'s error.
Result<ImportedNetwork> parse_network_xml(std::string_view text, const std::string& file);

struct ImportOptions {
  std::string name;    // the lab's name; empty = from metadata, else the first network's name
  std::string uplink;  // host NIC for bridge-mode networks that name none; empty = placeholder eth1, eth2, ...
};

/// Keeps `text` within netlab's name rule (model::is_valid_name): letters,
/// digits, '-' and '_' stay as they are, runs of other characters become one
/// '-', leading '-'/'_' and trailing '-' go, at most `max_len` bytes; "net"
/// when nothing is left. A valid name comes back unchanged.
std::string sanitize_name(std::string_view text, size_t max_len);

/// A topology YAML with one network per `networks` entry, in order, its notes
/// as `# netlab import: ...` comments beside its name.
std::string topology_yaml(const std::vector<ImportedNetwork>& networks, const ImportOptions& options);

}  // namespace netlab::libvirt
