#pragma once
// libxml2, loaded on first use (dlopen of libxml2.so.2) instead of linked: it
// brings ICU (libicuuc, libicudata: some 30 MB to map and relocate), liblzma and
// zlib, whose binding at start-up every netlab command paid, also those that
// import no XML. Only import_xml.cpp uses this; the headers still give each
// pointer its exact type.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <vector>

#include "netlab/model/shared_library.h"

namespace netlab::libvirt {

// Every libxml2 symbol netlab uses; X(name) each. xmlFree is a variable (a
// pointer to the deallocator; its member here points to that variable).
// xmlStructuredError and xmlStructuredErrorContext are macros calling the
// per-thread accessors __xmlStructuredError() and __xmlStructuredErrorContext().
#define NETLAB_LIBXML2_SYMBOLS(X)                                                                            \
  X(__xmlStructuredError) X(__xmlStructuredErrorContext) X(xmlCtxtReadMemory) X(xmlDocGetRootElement)         \
  X(xmlFree) X(xmlFreeDoc) X(xmlFreeParserCtxt) X(xmlGetLineNo) X(xmlGetNoNsProp) X(xmlNewParserCtxt)         \
  X(xmlNodeGetContent) X(xmlNodeListGetString) X(xmlSetStructuredErrorFunc)

/// One pointer per symbol, named as in libxml2; model::load_api<Libxml2Api>()
/// loads libxml2 the first time, with an error naming the package when it is
/// not installed.
struct Libxml2Api {
  static constexpr model::LibraryName kLibraries[] = {{"libxml2.so.2", "libxml2", "libxml2"}};
  NETLAB_LIBXML2_SYMBOLS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<model::SharedLibrary>& from) { NETLAB_LIBXML2_SYMBOLS(NETLAB_RESOLVE_IN_FIRST) }
};

/// Precondition: model::load_api<Libxml2Api>() succeeded.
inline const Libxml2Api& libxml2_api() { return **model::load_api<Libxml2Api>(); }

}  // namespace netlab::libvirt
