#pragma once
// Where a lab's KVM guests live on a target: the libvirt they run under, their
// disks and files in the run directory, and the domain XML `up` defines (built by
// libvirt::domain_xml, the function `export --libvirt` uses too).
#include <string>

#include "netlab/host/vm_image.h"
#include "netlab/libvirt/export_xml.h"
#include "netlab/model/topology.h"
#include "netlab/plan/target.h"

namespace netlab::plan {

/// True when the topology has a kvm guest.
bool has_vms(const model::Topology& topology);

/// The libvirt URI of the lab's first host: the lab's private daemon in the
/// sandbox; on a real host the topology's `host: {libvirt: URI}`, else qemu:///system.
std::string libvirt_uri(const model::Topology& topology, const Target& target);
/// The libvirt of host `host` of the lab: in the sandbox the private daemon in
/// that host's namespace (files under libvirtd_dir); on a real host its
/// `hosts: {libvirt: URI}`, else as above.
std::string libvirt_uri_on(const model::Topology& topology, const Target& target, const std::string& host);
/// The libvirt the guest runs under: that of its host (model::guest_host).
std::string libvirt_uri(const model::Topology& topology, const Target& target, const model::Guest& guest);
/// The directory whose libvirt/ holds the private libvirtd of host `host`
/// (host/libvirt_daemon.h): the lab's run directory for the first host,
/// <run_dir>/<host> for the others.
std::string libvirtd_dir(const model::Topology& topology, const Target& target, const std::string& host);

/// The guest's own disk: <run_dir>/vms/<guest>.qcow2 (thin) or .raw (thick).
std::string vm_disk_path(const Target& target, const model::Guest& guest);
/// The base image the guest's disk is made from (nullopt-like empty disk when it has none).
host::BaseImage vm_base_image(const Target& target, const model::Guest& guest);
/// Where `up` keeps the XML it defined the domain from, and the serial console's log.
std::string vm_xml_copy(const Target& target, const model::Guest& guest);
std::string vm_console_log(const Target& target, const model::Guest& guest);

/// The domain's runtime on this target (libvirt/export_xml.h).
libvirt::DomainRuntime domain_runtime(const model::Topology& topology, const model::Guest& guest, const Target& target);
/// The runtime `up` gives the guest on this machine (what `export --libvirt`
/// prints): the lab's run directory and disks, the image cache, the accelerator
/// the probe chose ("qemu" until one ran). Sandbox or not changes nothing in it.
libvirt::DomainRuntime domain_runtime_here(const model::Topology& topology, const model::Guest& guest);

}  // namespace netlab::plan
