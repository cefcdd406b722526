#pragma once
// C libraries loaded on first use (dlopen) rather than linked: what every
// netlab command would otherwise pay at start-up for binding a library and its
// dependencies is paid only by the commands that use it. Each user lists the
// symbols it needs in an X-macro of decltype(&::name) pointers (for example
// netlab/host/libvirt_api.h) and fills them with load_api(); the library's
// headers still give every pointer its exact type.
#include <initializer_list>
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

/// Opens `libraries` in order (one that needs another comes after it), lets
/// `resolve(Api&, std::vector<SharedLibrary>&)` fill a new Api from them (one
/// SharedLibrary per entry of `libraries`, same order), and checks that every
/// symbol was found. The Api, like the libraries, lives to the end of the process.
template <typename Api, typename Resolve>
Result<const Api*> load_api(std::initializer_list<LibraryName> libraries, Resolve resolve) {
  std::vector<SharedLibrary> opened;
  for (const LibraryName& name : libraries) {
    auto library = SharedLibrary::open(name);
    if (!library) return library.error();
    opened.push_back(std::move(*library));
  }
  auto api = std::make_unique<Api>();
  resolve(*api, opened);
  for (const SharedLibrary& library : opened)
    if (auto found = library.complete(); !found) return found.error();
  return api.release();
}

}  // namespace netlab::model
