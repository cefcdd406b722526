#pragma once
// A netlab topology as libvirt XML: one network document per network and one
// domain document per kvm guest, the form `virsh net-define` / `virsh define`
// read. Pure functions: topology in, text out (docs/libvirt.md has the mapping).
#include <functional>
#include <string>
#include <vector>

#include "netlab/model/topology.h"

namespace netlab::libvirt {

/// The namespace of netlab's <metadata> element in exported documents; import
/// reads it back to restore the lab's own names (and what libvirt cannot say).
inline constexpr const char* kMetadataNamespace = "urn:netlab:libvirt:1";

/// One exported document.
struct XmlDocument {
  enum class Kind { network, domain };
  Kind kind = Kind::network;
  std::string name;       // the libvirt object's name ("<lab>-<network>", "netlab-<lab>-<guest>")
  std::string file_name;  // "<name>.network.xml" or "<name>.domain.xml"
  std::string text;       // the XML, ending with a newline
};

/// libvirt's name for a network of the lab: "<lab>-<network>", so that labs do
/// not clash with each other or with libvirt's own "default" network.
std::string network_name(const model::Topology& topo, const model::Network& net);
/// libvirt's name for a kvm guest's domain: "netlab-<lab>-<guest>" (on a real
/// host's qemu:///system it sits among the user's own domains; netlab's are
/// told apart by the prefix, and by their metadata naming the lab).
std::string domain_name(const model::Topology& topo, const model::Guest& guest);

/// A fixed UUID for the guest's domain, derived from the lab's and guest's names:
/// redefining the domain with changed XML must keep its UUID, or libvirt refuses.
std::string domain_uuid(const model::Topology& topo, const model::Guest& guest);

/// libvirt's <lease expiry unit> for a netlab lease time ("1h", "30m", "90",
/// "2d", "infinite"): {expiry, unit}; days and weeks become hours, infinite is 0.
std::pair<std::string, std::string> lease_expiry(const std::string& lease_time);

/// The network XML of `net` (a network of `topo`, which should be valid).
std::string network_xml(const model::Topology& topo, const model::Network& net);
/// How a domain runs on a host, beyond what the topology says (plan::domain_runtime
/// computes it for a target): the lab's disk, a direct kernel boot for images that
/// come with a kernel, the accelerator, the console log.
struct DomainRuntime {
  std::string type = "kvm";  // libvirt domain type: "kvm", or "qemu" (TCG)
  std::string disk, disk_format;
  std::string kernel, initrd, cmdline;  // kernel "" = boot from the disk
  std::string console_log;
};

/// The domain XML of kvm guest `guest` of `topo` running as `runtime`: name,
/// fixed UUID, netlab metadata naming the lab, vcpus, memory, the disk, each NIC
/// on the tap or macvtap netlab makes (`<interface type='ethernet'>`, `managed='no'`)
/// with its MAC and model, a serial console with its log, the guest agent's
/// channel. `up` defines exactly this and `export --libvirt` prints it.
std::string domain_xml(const model::Topology& topo, const model::Guest& guest, const DomainRuntime& runtime);

/// The runtime of each kvm guest (export asks plan::domain_runtime).
using RuntimeOf = std::function<DomainRuntime(const model::Guest&)>;

/// Every document of the lab: the networks in file order, then the kvm guests
/// (domain_xml with `runtime_of(guest)`). Light (netns) guests are listed in
/// comments of the networks they use.
std::vector<XmlDocument> export_lab(const model::Topology& topo, const RuntimeOf& runtime_of);

/// All documents as one text for stdout: each preceded by the comment line
/// "<!-- ==== FILE_NAME ==== -->".
std::string join_documents(const std::vector<XmlDocument>& docs);

}  // namespace netlab::libvirt
