#pragma once
// Graphviz's cgraph and gvc, loaded on first use (dlopen of libcgraph.so.6,
// then libgvc.so.6, which needs it) instead of linked: they bring libltdl,
// libexpat, libpathplan, libcdt... whose binding at start-up every netlab
// command paid, also those that draw nothing. Only graphs/render.cpp uses
// this; the headers still give each pointer its exact type.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <vector>

#include "netlab/model/shared_library.h"

namespace netlab::graphs {

// Every cgraph function and variable netlab uses; X(name) each. The variables
// (Agdirected, AgMemDisc, AgIoDisc) are pointers to them, as dlsym gives them.
#define NETLAB_CGRAPH_SYMBOLS(X)                                                                             \
  X(Agdirected) X(AgIoDisc) X(AgMemDisc) X(agattr) X(agattrsym) X(agclose) X(agedge) X(agnode) X(agopen)     \
  X(agsafeset) X(agseterr) X(agseterrf) X(agstrdup) X(agstrdup_html) X(agstrfree) X(agsubg) X(agsubnode)    \
  X(agwrite) X(agxset)
// From libgvc.so.6.
#define NETLAB_GVC_SYMBOLS(X) \
  X(gvContext) X(gvFreeContext) X(gvFreeLayout) X(gvFreeRenderData) X(gvLayout) X(gvRenderData)

/// One pointer per symbol, named as in Graphviz; model::load_api<GraphvizApi>()
/// loads Graphviz the first time, with an error naming the package when it is
/// not installed. libgvc.so.6 needs libcgraph.so.6 (its NEEDED): opened first,
/// cgraph is found already loaded.
struct GraphvizApi {
  static constexpr model::LibraryName kLibraries[] = {{"libcgraph.so.6", "Graphviz's cgraph", "libcgraph6"},
                                                      {"libgvc.so.6", "Graphviz's gvc", "libgvc6"}};
  NETLAB_CGRAPH_SYMBOLS(NETLAB_SYMBOL_POINTER)
  NETLAB_GVC_SYMBOLS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<model::SharedLibrary>& from) {
    NETLAB_CGRAPH_SYMBOLS(NETLAB_RESOLVE_IN_FIRST)
    NETLAB_GVC_SYMBOLS(NETLAB_RESOLVE_IN_SECOND)
  }
};

/// The loaded API. Precondition: model::load_api<GraphvizApi>() succeeded.
inline const GraphvizApi& graphviz_api() { return **model::load_api<GraphvizApi>(); }

}  // namespace netlab::graphs
