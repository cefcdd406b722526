#include "netlab/host/libvirt_api.h"

#include "netlab/model/shared_library.h"

namespace netlab::host {
namespace {

/// libvirt prints every error to stderr unless a handler is set; netlab reports them itself.
void quiet_errors(void*, virErrorPtr) {}

}  // namespace

Result<const LibvirtApi*> load_libvirt() {
  static const Result<const LibvirtApi*> loaded = [] {  // C++ guarantees one initialisation
    auto api = model::load_api<LibvirtApi>(
        {{"libvirt.so.0", "libvirt", "libvirt0"}, {"libvirt-qemu.so.0", "libvirt-qemu", "libvirt0"}},
        [](LibvirtApi& to, std::vector<model::SharedLibrary>& from) {
#define NETLAB_LIBVIRT_CORE(name) from[0].resolve(to.name, #name);
#define NETLAB_LIBVIRT_QEMU(name) from[1].resolve(to.name, #name);
          NETLAB_LIBVIRT_FUNCTIONS(NETLAB_LIBVIRT_CORE)
          NETLAB_LIBVIRT_QEMU_FUNCTIONS(NETLAB_LIBVIRT_QEMU)
#undef NETLAB_LIBVIRT_QEMU
#undef NETLAB_LIBVIRT_CORE
        });
    if (api) (*api)->virSetErrorFunc(nullptr, quiet_errors);
    return api;
  }();
  return loaded;
}

const LibvirtApi& libvirt_api() { return **load_libvirt(); }

}  // namespace netlab::host
