#pragma once
// C libraries loaded on first use (dlopen) rather than linked: what every
// netlab command would otherwise pay at start-up for binding a library and its
// dependencies is paid only by the commands that use it. Each user declares an
// API struct (for example netlab/host/libvirt_api.h): the libraries
// (kLibraries), one pointer per symbol it uses from an X-macro list
// (NETLAB_SYMBOL_POINTER), and resolve(); load_api<Api>() loads it once. The
// library's headers still give every pointer its exact type.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "netlab/model/result.h"

namespace netlab::model {

/// A library to load: its soname, what to call it in messages, and the Debian
/// package that installs it (named in the error when it is missing).
struct LibraryName {
  const char* soname;
  const char* what;
  const char* package;
};

/// One opened shared library, never closed (its code may have started threads
/// or registered callbacks; it is kept to the end of the process).
class SharedLibrary {
 public:
  /// dlopen with every symbol bound at once (RTLD_NOW, as the executable itself
  /// is linked), kept out of the global namespace (RTLD_LOCAL).
  /// Error: "cannot load <what> (package <package>): <dlerror>".
  static Result<SharedLibrary> open(const LibraryName& name);

  /// Sets `pointer` to the address of the function or variable `symbol`, or to
  /// nullptr and remembers `symbol` as missing (reported by complete()).
  template <typename T>
  void resolve(T*& pointer, const char* symbol) {
    pointer = reinterpret_cast<T*>(address(symbol));
  }

  /// Success when every resolve() found its symbol; else an error naming them
  /// all: "the installed <what> (package <package>) lacks a, b".
  Status complete() const;

 private:
  SharedLibrary(void* handle, const LibraryName& name) : handle_(handle), name_(name) {}
  void* address(const char* symbol);

  void* handle_;
  LibraryName name_;
  std::string missing_;
};

/// In an API struct: one pointer per symbol of an X-macro list (X(name) each),
/// named and typed as the library's header declares it (a variable's address
/// for a variable).
#define NETLAB_SYMBOL_POINTER(name) decltype(&::name) name = nullptr;
/// In Api::resolve(std::vector<SharedLibrary>& from): the member `name` from
/// the first (the second) library of Api::kLibraries.
#define NETLAB_RESOLVE_IN_FIRST(name) from[0].resolve(name, #name);
#define NETLAB_RESOLVE_IN_SECOND(name) from[1].resolve(name, #name);

/// Loads an API the first time it is asked for (thread-safe: C++ initialises
/// the static once), never unloaded: opens every LibraryName of
/// Api::kLibraries in order (one that needs another comes after it), calls
/// Api::resolve(from) with one SharedLibrary per entry (same order), and checks
/// that every symbol was found. Later calls return the same result.
template <typename Api>
Result<const Api*> load_api() {
  static const Result<const Api*> loaded = []() -> Result<const Api*> {
    std::vector<SharedLibrary> opened;
    for (const LibraryName& name : Api::kLibraries) {
      auto library = SharedLibrary::open(name);
      if (!library) return library.error();
      opened.push_back(std::move(*library));
    }
    auto api = std::make_unique<Api>();
    api->resolve(opened);
    for (const SharedLibrary& library : opened)
      if (auto found = library.complete(); !found) return found.error();
    return api.release();  // lives as long as the libraries: to the end of the process
  }();
  return loaded;
}

}  // namespace netlab::model
