#include "netlab/plan/vm.h"

#include "netlab/host/libvirt_daemon.h"
#include "netlab/model/lab_hosts.h"
#include "netlab/plan/lab.h"

namespace netlab::plan {

bool has_vms(const model::Topology& topology) {
  for (const auto& g : topology.guests)
    if (g.kind == model::GuestKind::kvm) return true;
  return false;
}

std::string libvirt_uri(const model::Topology& topology, const Target& target) {
  return libvirt_uri_on(topology, target, model::lab_hosts(topology).front().name);
}

std::string libvirtd_dir(const model::Topology& topology, const Target& target, const std::string& host) {
  // The first host keeps the lab's own directory, as a lab without `hosts:` has it.
  if (model::host_index(topology, host) <= 0) return target.run_dir;
  return target.run_dir + "/" + host;
}

std::string libvirt_uri_on(const model::Topology& topology, const Target& target, const std::string& host) {
  if (target.sandbox) return host::libvirt_socket_uri(host::libvirtd_files(libvirtd_dir(topology, target, host)).socket);
  for (const auto& h : model::lab_hosts(topology))
    if (h.name == host && !h.libvirt.empty()) return h.libvirt;
  return topology.host.libvirt.empty() ? "qemu:///system" : topology.host.libvirt;
}

std::string libvirt_uri(const model::Topology& topology, const Target& target, const model::Guest& guest) {
  return libvirt_uri_on(topology, target, model::guest_host(topology, guest));
}

std::string vm_disk_path(const Target& target, const model::Guest& guest) {
  const bool thick = guest.disk && guest.disk->provisioning == model::Provisioning::thick;
  return target.run_dir + "/vms/" + guest.name + (thick ? ".raw" : ".qcow2");
}

host::BaseImage vm_base_image(const Target& target, const model::Guest& guest) {
  if (!guest.disk) return {};
  return host::resolve_image(guest.disk->image, guest.disk->format, target.image_dir);
}

std::string vm_xml_copy(const Target& target, const model::Guest& guest) {
  return target.run_dir + "/vms/" + guest.name + ".xml";
}

std::string vm_console_log(const Target& target, const model::Guest& guest) {
  return target.run_dir + "/vms/" + guest.name + ".console.log";
}

libvirt::DomainRuntime domain_runtime_here(const model::Topology& topology, const model::Guest& guest) {
  return domain_runtime(topology, guest, target_for(topology.name, false));
}

libvirt::DomainRuntime domain_runtime(const model::Topology& topology, const model::Guest& guest, const Target& target) {
  (void)topology;
  libvirt::DomainRuntime r;
  r.type = target.accelerator;
  const host::BaseImage base = vm_base_image(target, guest);
  if (guest.disk) {
    r.disk = vm_disk_path(target, guest);
    r.disk_format = guest.disk->provisioning == model::Provisioning::thick ? "raw" : "qcow2";
  }
  r.kernel = base.kernel;
  r.initrd = base.initrd;
  if (!r.kernel.empty()) r.cmdline = "console=ttyS0 root=/dev/vda rw quiet netlab.hostname=" + guest.name;
  r.console_log = vm_console_log(target, guest);
  return r;
}

}  // namespace netlab::plan
