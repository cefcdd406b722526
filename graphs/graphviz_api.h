#pragma once
// Graphviz's cgraph and gvc, loaded on first use (dlopen of libcgraph.so.6,
// then libgvc.so.6, which needs it) instead of linked: they bring libltdl,
// libexpat, libpathplan, libcdt... whose binding at start-up every netlab
// command paid, also those that draw nothing. Only graphs/render.cpp uses
// this; the headers still give each pointer its exact type.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "netlab/model/result.h"

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

/// One pointer per symbol, named as in Graphviz.
struct GraphvizApi {
#define NETLAB_GRAPHVIZ_POINTER(name) decltype(&::name) name = nullptr;
  NETLAB_CGRAPH_SYMBOLS(NETLAB_GRAPHVIZ_POINTER)
  NETLAB_GVC_SYMBOLS(NETLAB_GRAPHVIZ_POINTER)
#undef NETLAB_GRAPHVIZ_POINTER
};

/// Loads Graphviz the first time (thread-safe; never unloaded). An error names
/// the package when Graphviz is not installed.
Result<const GraphvizApi*> load_graphviz();

/// The loaded API. Precondition: load_graphviz() succeeded.
const GraphvizApi& graphviz_api();

}  // namespace netlab::graphs
