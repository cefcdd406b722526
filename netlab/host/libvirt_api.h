#pragma once
// The libvirt C API, loaded on first use (dlopen of libvirt.so.0 and
// libvirt-qemu.so.0) instead of linked: libvirt brings some 60 shared libraries
// (glib, gnutls, curl, Kerberos...) whose binding at start-up took about 22 ms of
// every netlab command, also those of labs without a VM. Only netlab/host's
// libvirt code includes this; the headers still give each pointer its exact type.
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "netlab/model/result.h"

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

/// One pointer per function, named as in libvirt.
struct LibvirtApi {
#define NETLAB_LIBVIRT_POINTER(name) decltype(&::name) name = nullptr;
  NETLAB_LIBVIRT_FUNCTIONS(NETLAB_LIBVIRT_POINTER)
  NETLAB_LIBVIRT_QEMU_FUNCTIONS(NETLAB_LIBVIRT_POINTER)
#undef NETLAB_LIBVIRT_POINTER
};

/// Loads libvirt the first time (thread-safe; never unloaded), with its errors
/// silenced (netlab reports them itself). An error names what is missing when
/// libvirt is not installed.
Result<const LibvirtApi*> load_libvirt();

/// The loaded API. Precondition: load_libvirt() succeeded (a LibvirtClient
/// exists only after it did).
const LibvirtApi& libvirt_api();

}  // namespace netlab::host
