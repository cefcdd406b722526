#include "netlab/libvirt/libxml2_api.h"

#include "netlab/model/shared_library.h"

namespace netlab::libvirt {

Result<const Libxml2Api*> load_libxml2() {
  // C++ guarantees one initialisation.
  static const Result<const Libxml2Api*> loaded = model::load_api<Libxml2Api>(
      {{"libxml2.so.2", "libxml2", "libxml2"}}, [](Libxml2Api& to, std::vector<model::SharedLibrary>& from) {
#define NETLAB_LIBXML2_RESOLVE(name) from[0].resolve(to.name, #name);
        NETLAB_LIBXML2_SYMBOLS(NETLAB_LIBXML2_RESOLVE)
#undef NETLAB_LIBXML2_RESOLVE
      });
  return loaded;
}

const Libxml2Api& libxml2_api() { return **load_libxml2(); }

}  // namespace netlab::libvirt
