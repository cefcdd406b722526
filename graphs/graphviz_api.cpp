#include "graphs/graphviz_api.h"

#include "netlab/model/shared_library.h"

namespace netlab::graphs {

Result<const GraphvizApi*> load_graphviz() {
  // C++ guarantees one initialisation. libgvc.so.6 needs libcgraph.so.6 (its
  // NEEDED): opened first, it is found already loaded.
  static const Result<const GraphvizApi*> loaded = model::load_api<GraphvizApi>(
      {{"libcgraph.so.6", "Graphviz's cgraph", "libcgraph6"}, {"libgvc.so.6", "Graphviz's gvc", "libgvc6"}},
      [](GraphvizApi& to, std::vector<model::SharedLibrary>& from) {
#define NETLAB_CGRAPH_RESOLVE(name) from[0].resolve(to.name, #name);
#define NETLAB_GVC_RESOLVE(name) from[1].resolve(to.name, #name);
        NETLAB_CGRAPH_SYMBOLS(NETLAB_CGRAPH_RESOLVE)
        NETLAB_GVC_SYMBOLS(NETLAB_GVC_RESOLVE)
#undef NETLAB_GVC_RESOLVE
#undef NETLAB_CGRAPH_RESOLVE
      });
  return loaded;
}

const GraphvizApi& graphviz_api() { return **load_graphviz(); }

}  // namespace netlab::graphs
