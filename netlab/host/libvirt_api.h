#pragma once
// The libvirt C API, loaded on first use (dlopen of libvirt.so.0 and
// libvirt-qemu.so.0) instead of linked: libvirt brings some 60 shared libraries
// (glib, gnutls, curl, Kerberos...) whose binding at start-up took about 22 ms of
// every netlab command, also those of labs without a VM. Only netlab/host's
// libvirt code includes this; the headers still give each pointer its exact type.
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <vector>

#include "netlab/model/shared_library.h"

namespace netlab::host {

// Every libvirt function netlab calls; X(name) per function.
#define NETLAB_LIBVIRT_FUNCTIONS(X)                                                                          \
  X(virConnectClose) X(virConnectGetLibVersion) X(virConnectListAllDomains) X(virConnectOpen)                \
  X(virDomainCreate) X(virDomainDefineXML) X(virDomainDestroy) X(virDomainFree) X(virDomainGetMetadata)      \
  X(virDomainGetName) X(virDomainGetState) X(virDomainGetXMLDesc) X(virDomainIsActive)                       \
  X(virDomainListAllSnapshots) X(virDomainLookupByName) X(virDomainMigrate3) X(virDomainOpenConsole)         \
  X(virDomainRevertToSnapshot) X(virDomainSnapshotCreateXML) X(virDomainSnapshotDelete)                      \
  X(virDomainSnapshotFree) X(virDomainSnapshotGetName) X(virDomainSnapshotGetXMLDesc)                        \
  X(virDomainSnapshotLookupByName) X(virDomainUndefineFlags) X(virGetLastError) X(virGetLastErrorMessage)    \
  X(virSetErrorFunc) X(virStreamAbort) X(virStreamFree) X(virStreamNew) X(virStreamRecv) X(virStreamSend)    \
  X(virTypedParamsAddString) X(virTypedParamsFree)
// From libvirt-qemu.so.0.
#define NETLAB_LIBVIRT_QEMU_FUNCTIONS(X) X(virDomainQemuAgentCommand)

/// One pointer per function, named as in libvirt; model::load_api<LibvirtApi>()
/// loads libvirt the first time, its errors silenced (netlab reports them
/// itself), with an error naming the package when libvirt is not installed.
struct LibvirtApi {
  static constexpr model::LibraryName kLibraries[] = {{"libvirt.so.0", "libvirt", "libvirt0"},
                                                      {"libvirt-qemu.so.0", "libvirt-qemu", "libvirt0"}};
  NETLAB_LIBVIRT_FUNCTIONS(NETLAB_SYMBOL_POINTER)
  NETLAB_LIBVIRT_QEMU_FUNCTIONS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<model::SharedLibrary>& from) {
    NETLAB_LIBVIRT_FUNCTIONS(NETLAB_RESOLVE_IN_FIRST)
    NETLAB_LIBVIRT_QEMU_FUNCTIONS(NETLAB_RESOLVE_IN_SECOND)
    // libvirt prints every error to stderr unless a handler is set.
    if (virSetErrorFunc) virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  }
};

/// The loaded API. Precondition: model::load_api<LibvirtApi>() succeeded (a
/// LibvirtClient exists only after it did).
inline const LibvirtApi& libvirt_api() { return **model::load_api<LibvirtApi>(); }

}  // namespace netlab::host
