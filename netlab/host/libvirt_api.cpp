#include "netlab/host/libvirt_api.h"

#include <dlfcn.h>

#include <cstdlib>

namespace netlab::host {
namespace {

/// libvirt prints every error to stderr unless a handler is set; netlab reports them itself.
void quiet_errors(void*, virErrorPtr) {}

/// dlopen with every symbol bound at once (as the executable itself is linked,
/// -z now); kept loaded for the life of the process (libvirt starts threads).
Result<void*> open_library(const char* soname) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Error{std::string("cannot load libvirt (package libvirt0): ") + (why ? why : soname)};
  }
  return handle;
}

Result<LibvirtApi*> load() {
  auto core = open_library("libvirt.so.0");
  if (!core) return core.error();
  auto qemu = open_library("libvirt-qemu.so.0");
  if (!qemu) return qemu.error();
  auto* api = new LibvirtApi;  // lives as long as the libraries: to the end of the process
  std::string missing;
#define NETLAB_LIBVIRT_RESOLVE(handle, name)                                                   \
  api->name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));                      \
  if (!api->name) missing += std::string(missing.empty() ? "" : ", ") + #name;
#define NETLAB_LIBVIRT_CORE(name) NETLAB_LIBVIRT_RESOLVE(*core, name)
#define NETLAB_LIBVIRT_QEMU(name) NETLAB_LIBVIRT_RESOLVE(*qemu, name)
  NETLAB_LIBVIRT_FUNCTIONS(NETLAB_LIBVIRT_CORE)
  NETLAB_LIBVIRT_QEMU_FUNCTIONS(NETLAB_LIBVIRT_QEMU)
#undef NETLAB_LIBVIRT_QEMU
#undef NETLAB_LIBVIRT_CORE
#undef NETLAB_LIBVIRT_RESOLVE
  if (!missing.empty()) {
    delete api;
    return Error{"the installed libvirt lacks " + missing + ""};
  }
  api->virSetErrorFunc(nullptr, quiet_errors);
  return api;
}

}  // namespace

Result<const LibvirtApi*> load_libvirt() {
  static const Result<LibvirtApi*> loaded = load();  // C++ guarantees one initialisation
  if (!loaded) return loaded.error();
  return *loaded;
}

const LibvirtApi& libvirt_api() { return **load_libvirt(); }

}  // namespace netlab::host
