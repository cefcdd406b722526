#pragma once
// A netlab topology as libvirt XML: one network document per network and one
// domain document per kvm guest, the form `virsh net-define` / `virsh define`
// read. Pure functions: topology in, text out (docs/libvirt.md has the mapping).
#include <string>
#include <vector>

#include "netlab/model/topology.h"

namespace netlab::libvirt {

/// The namespace of netlab's <metadata> element in exported documents; import
/// reads it back to restore the lab's own names (and what libvirt cannot say).
inline constexpr const char* kMetadataNamespace = "urn:netlab:libvirt:1";

/// Where named images (`image: netlab-test`) live by default; export points at them there.
inline constexpr const char* kNamedImageDir = "/var/cache/netlab/images";

/// One exported document.
struct XmlDocument {
  enum class Kind { network, domain };
  Kind kind = Kind::network;
  std::string name;       // the libvirt object's name ("<lab>-<network>", "<lab>-<guest>")
  std::string file_name;  // "<name>.network.xml" or "<name>.domain.xml"
  std::string text;       // the XML, ending with a newline
};

/// libvirt's name for a network of the lab: "<lab>-<network>", so that labs do
/// not clash with each other or with libvirt's own "default" network.
std::string network_name(const model::Topology& topo, const model::Network& net);
/// libvirt's name for a kvm guest's domain: "<lab>-<guest>".
std::string domain_name(const model::Topology& topo, const model::Guest& guest);

/// A fixed UUID for the guest's domain, derived from the lab's and guest's names:
/// redefining the domain with changed XML must keep its UUID, or libvirt refuses.
std::string domain_uuid(const model::Topology& topo, const model::Guest& guest);

/// libvirt's <lease expiry unit> for a netlab lease time ("1h", "30m", "90",
/// "2d", "infinite"): {expiry, unit}; days and weeks become hours, infinite is 0.
std::pair<std::string, std::string> lease_expiry(const std::string& lease_time);

/// The network XML of `net` (a network of `topo`, which should be valid).
std::string network_xml(const model::Topology& topo, const model::Network& net);
/// How a domain runs on a host, beyond what the topology says. Absent (export):
/// libvirt's own networks and the topology's image as written. Present (`up`):
/// the lab's disk, each NIC on the tap or macvtap netlab made (`managed='no'`),
/// a direct kernel boot for images that come with a kernel, a console log and
/// the guest agent's channel.
struct DomainRuntime {
  std::string type = "kvm";  // libvirt domain type: "kvm", or "qemu" (TCG)
  std::string disk, disk_format;
  std::string kernel, initrd, cmdline;  // kernel "" = boot from the disk
  std::string console_log;
};

/// The domain XML of kvm guest `guest` of `topo`; `runtime` as above. `up` and
/// `export --libvirt` both call this, so what runs is what export shows.
std::string domain_xml(const model::Topology& topo, const model::Guest& guest, const DomainRuntime* runtime = nullptr);

/// Every document of the lab: the networks in file order, then the kvm guests.
/// Light (netns) guests are listed in comments of the networks they use.
std::vector<XmlDocument> export_lab(const model::Topology& topo);

/// All documents as one text for stdout: each preceded by the comment line
/// "<!-- ==== FILE_NAME ==== -->".
std::string join_documents(const std::vector<XmlDocument>& docs);

}  // namespace netlab::libvirt
