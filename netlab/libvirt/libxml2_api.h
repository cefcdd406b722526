#pragma once
// libxml2, loaded on first use (dlopen of libxml2.so.2) instead of linked: it
// brings ICU (libicuuc, libicudata: some 30 MB to map and relocate), liblzma and
// zlib, whose binding at start-up every netlab command paid, also those that
// import no XML. Only import_xml.cpp uses this; the headers still give each
// pointer its exact type.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "netlab/model/result.h"

namespace netlab::libvirt {

// Every libxml2 symbol netlab uses; X(name) each. xmlFree is a variable (a
// pointer to the deallocator; its member here points to that variable).
// xmlStructuredError and xmlStructuredErrorContext are macros calling the
// per-thread accessors __xmlStructuredError() and __xmlStructuredErrorContext().
#define NETLAB_LIBXML2_SYMBOLS(X)                                                                            \
  X(__xmlStructuredError) X(__xmlStructuredErrorContext) X(xmlCtxtReadMemory) X(xmlDocGetRootElement)         \
  X(xmlFree) X(xmlFreeDoc) X(xmlFreeParserCtxt) X(xmlGetLineNo) X(xmlGetNoNsProp) X(xmlNewParserCtxt)         \
  X(xmlNodeGetContent) X(xmlNodeListGetString) X(xmlSetStructuredErrorFunc)

/// One pointer per symbol, named as in libxml2.
struct Libxml2Api {
#define NETLAB_LIBXML2_POINTER(name) decltype(&::name) name = nullptr;
  NETLAB_LIBXML2_SYMBOLS(NETLAB_LIBXML2_POINTER)
#undef NETLAB_LIBXML2_POINTER
};

/// Loads libxml2 the first time (thread-safe; never unloaded). An error names
/// the package when libxml2 is not installed.
Result<const Libxml2Api*> load_libxml2();

/// The loaded API. Precondition: load_libxml2() succeeded.
const Libxml2Api& libxml2_api();

}  // namespace netlab::libvirt
