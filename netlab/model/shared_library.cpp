#include "netlab/model/shared_library.h"

#include <dlfcn.h>

namespace netlab::model {

Result<SharedLibrary> SharedLibrary::open(const LibraryName& name) {
  void* handle = dlopen(name.soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Error{std::string("cannot load ") + name.what + " (package " + name.package + "): " +
                 (why ? why : name.soname)};
  }
  return SharedLibrary(handle, name);
}

void* SharedLibrary::address(const char* symbol) {
  void* found = dlsym(handle_, symbol);
  if (!found) missing_ += (missing_.empty() ? "" : ", ") + std::string(symbol);
  return found;
}

Status SharedLibrary::complete() const {
  if (missing_.empty()) return {};
  return Error{std::string("the installed ") + name_.what + " (package " + name_.package + ") lacks " + missing_};
}

}  // namespace netlab::model
