#include "graphs/render.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "graphs/graphviz_api.h"

namespace netlab::graphs {
namespace {

/// cgraph's API takes char* but copies every string it is given.
char* cs(const std::string& s) { return const_cast<char*>(s.c_str()); }

/// Collects the messages Graphviz reports while one render() runs (cgraph's
/// error hook is process-wide; netlab renders from one thread).
std::string& graphviz_messages() {
  static std::string messages;
  return messages;
}
int collect_message(char* text) {
  graphviz_messages() += text ? text : "";
  return 0;
}

/// Installs collect_message for its lifetime and restores the previous hook.
class ErrorCapture {
 public:
  ErrorCapture()
      : previous_(graphviz_api().agseterrf(collect_message)), level_(graphviz_api().agseterr(AGERR)) {
    graphviz_messages().clear();
  }
  ~ErrorCapture() {
    graphviz_api().agseterrf(previous_);
    graphviz_api().agseterr(level_);
  }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  std::string text() const {
    std::string t = graphviz_messages();
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t.empty() ? "no message from Graphviz" : t;
  }

 private:
  agusererrf previous_;
  agerrlevel_t level_;
};

struct GvcDeleter {
  void operator()(GVC_t* gvc) const { graphviz_api().gvFreeContext(gvc); }
};
/// Owns a GVC_t (the plugin context).
using GvcPtr = std::unique_ptr<GVC_t, GvcDeleter>;

struct GraphDeleter {
  void operator()(Agraph_t* g) const { graphviz_api().agclose(g); }
};
/// Owns a root Agraph_t (agclose frees subgraphs, nodes and edges with it).
using GraphPtr = std::unique_ptr<Agraph_t, GraphDeleter>;

/// Frees a layout made by gvLayout before the graph is closed.
class LayoutGuard {
 public:
  LayoutGuard(GVC_t* gvc, Agraph_t* g) : gvc_(gvc), g_(g) {}
  ~LayoutGuard() { graphviz_api().gvFreeLayout(gvc_, g_); }
  LayoutGuard(const LayoutGuard&) = delete;
  LayoutGuard& operator=(const LayoutGuard&) = delete;

 private:
  GVC_t* gvc_;
  Agraph_t* g_;
};

/// Owns the buffer gvRenderData returns.
struct RenderDataDeleter {
  void operator()(char* data) const { graphviz_api().gvFreeRenderData(data); }
};

/// cgraph's default ID discipline turns a name into the address of its interned
/// string, and subgraphs are kept ordered by ID: their order (hence the DOT text
/// and the layout) would follow heap addresses. This discipline numbers names in
/// the order they are first seen, so the same Diagram gives the same output.
struct OrderedIds {
  Agraph_t* root = nullptr;
  std::map<std::string, IDTYPE> ids;
  std::vector<char*> names;   // names[id / 2 - 1], interned in root's string pool (agwrite needs that)
  IDTYPE next_anonymous = 1;  // odd ids: anonymous objects, as in cgraph's own discipline
};
void* ids_open(Agraph_t* g, Agdisc_t*) {
  auto* s = new OrderedIds;
  s->root = g;
  return s;
}
long ids_map(void* state, int, char* str, IDTYPE* id, int createflag) {
  auto* s = static_cast<OrderedIds*>(state);
  if (!str) {
    *id = s->next_anonymous;
    s->next_anonymous += 2;
    return 1;
  }
  auto it = s->ids.find(str);
  if (it != s->ids.end()) {
    *id = it->second;
    return 1;
  }
  if (!createflag) return 0;
  // Freed with the graph's string pool by agclose.
  s->names.push_back(graphviz_api().agstrdup(s->root, str));
  *id = static_cast<IDTYPE>(s->names.size() * 2);
  s->ids.emplace(str, *id);
  return 1;
}
long ids_alloc(void*, int, IDTYPE) { return 0; }  // no caller-chosen ids
void ids_free(void*, int, IDTYPE) {}
char* ids_print(void* state, int, IDTYPE id) {
  auto* s = static_cast<OrderedIds*>(state);
  if (id % 2 != 0 || id == 0 || id / 2 > s->names.size()) return nullptr;
  return s->names[id / 2 - 1];
}
void ids_close(void* state) { delete static_cast<OrderedIds*>(state); }
void ids_register(void*, int, void*) {}
Agiddisc_t kOrderedIdDisc = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};
/// cgraph's memory and I/O disciplines with kOrderedIdDisc (the graph keeps a pointer to it).
Agdisc_t* ordered_disc() {
  static Agdisc_t disc = {graphviz_api().AgMemDisc, &kOrderedIdDisc, graphviz_api().AgIoDisc};
  return &disc;
}

void set(void* obj, const char* name, const std::string& value) {
  if (value.empty()) return;
  graphviz_api().agsafeset(obj, const_cast<char*>(name), cs(value), const_cast<char*>(""));
}

void set_label(Agraph_t* root, void* obj, const std::string& label, bool html) {
  if (!html) {
    // Plain text: '\n' breaks a line; backslashes must not start Graphviz escapes.
    std::string text;
    for (char c : label) {
      if (c == '\\') text += "\\\\";
      else if (c == '\n') text += "\\n";
      else text += c;
    }
    set(obj, "label", text);
    return;
  }
  Agsym_t* sym = graphviz_api().agattrsym(obj, const_cast<char*>("label"));
  if (!sym) {
    graphviz_api().agsafeset(obj, const_cast<char*>("label"), const_cast<char*>(""), const_cast<char*>(""));
    sym = graphviz_api().agattrsym(obj, const_cast<char*>("label"));
  }
  char* h = graphviz_api().agstrdup_html(root, cs(label));
  graphviz_api().agxset(obj, sym, h);
  graphviz_api().agstrfree(root, h);
}

void set_all(void* obj, const std::map<std::string, std::string>& attrs) {
  for (const auto& [k, v] : attrs) set(obj, k.c_str(), v);
}

/// Defaults every netlab figure shares; Diagram::graph_attrs override them.
void set_defaults(Agraph_t* g, Engine engine, size_t nodes) {
  const GraphvizApi& gv = graphviz_api();
  const std::string font = "DejaVu Sans";
  gv.agattr(g, AGRAPH, cs("fontname"), cs(font));
  gv.agattr(g, AGRAPH, cs("fontsize"), cs("12"));
  gv.agattr(g, AGRAPH, cs("bgcolor"), cs("white"));
  gv.agattr(g, AGRAPH, cs("pad"), cs("0.3"));
  gv.agattr(g, AGRAPH, cs("labeljust"), cs("l"));
  gv.agattr(g, AGNODE, cs("fontname"), cs(font));
  gv.agattr(g, AGNODE, cs("fontsize"), cs("11"));
  gv.agattr(g, AGNODE, cs("margin"), cs("0.08,0.04"));
  gv.agattr(g, AGEDGE, cs("fontname"), cs(font));
  gv.agattr(g, AGEDGE, cs("fontsize"), cs("10"));
  gv.agattr(g, AGEDGE, cs("arrowsize"), cs("0.7"));
  if (engine == Engine::dot) {
    set(g, "rankdir", "LR");
    set(g, "nodesep", "0.25");
    set(g, "ranksep", "0.55");
    set(g, "newrank", "true");
    if (nodes > kLargeDiagram) {
      // Fewer crossing-minimisation passes: about 15% faster at 2000 guests
      // (docs/graphs.md), and such a figure is read by searching anyway.
      set(g, "mclimit", "0.1");
    }
  } else {
    set(g, "overlap", "false");
    set(g, "splines", "true");
    set(g, "sep", "+8");
  }
}

Result<GraphPtr> build_graph(const Diagram& d, Engine engine) {
  const GraphvizApi& gv = graphviz_api();
  GraphPtr g(gv.agopen(cs(d.name.empty() ? "netlab" : d.name), *gv.Agdirected, ordered_disc()));
  if (!g) return Error{"Graphviz could not create a graph"};
  Agraph_t* root = g.get();
  set_defaults(root, engine, d.nodes.size());
  if (!d.title.empty()) {
    set(root, "label", d.title);
    set(root, "labelloc", "t");
    set(root, "fontsize", "15");
  }
  set_all(root, d.graph_attrs);

  std::map<std::string, Agraph_t*> clusters;
  for (const auto& c : d.clusters) {
    Agraph_t* parent = root;
    if (!c.parent.empty()) {
      auto it = clusters.find(c.parent);
      if (it == clusters.end()) return Error{"cluster '" + c.id + "' names unknown parent '" + c.parent + "'"};
      parent = it->second;
    }
    Agraph_t* sg = graphviz_api().agsubg(parent, cs(c.id), 1);
    set(sg, "label", c.label);
    set(sg, "style", c.style);
    set(sg, "color", c.color);
    set(sg, "fillcolor", c.fillcolor);
    set(sg, "fontsize", "12");
    set_all(sg, c.attrs);
    clusters[c.id] = sg;
  }

  std::map<std::string, Agnode_t*> nodes;
  for (const auto& n : d.nodes) {
    Agraph_t* home = root;
    if (!n.cluster.empty()) {
      auto it = clusters.find(n.cluster);
      if (it == clusters.end()) return Error{"node '" + n.id + "' is in unknown cluster '" + n.cluster + "'"};
      home = it->second;
    }
    Agnode_t* an = graphviz_api().agnode(root, cs(n.id), 1);
    if (home != root) graphviz_api().agsubnode(home, an, 1);
    set_label(root, an, n.label, n.html);
    set(an, "shape", n.shape);
    set(an, "style", n.style);
    set(an, "color", n.color);
    set(an, "fillcolor", n.fillcolor);
    if (n.html) set(an, "margin", "0");
    set_all(an, n.attrs);
    nodes[n.id] = an;
  }

  for (const auto& e : d.edges) {
    auto t = nodes.find(e.from);
    auto h = nodes.find(e.to);
    if (t == nodes.end() || h == nodes.end())
      return Error{"edge " + e.from + " -> " + e.to + " names a node that does not exist"};
    Agedge_t* ae = graphviz_api().agedge(root, t->second, h->second, nullptr, 1);
    set(ae, "tailport", e.from_port);
    set(ae, "headport", e.to_port);
    set(ae, "label", e.label);
    set(ae, "color", e.color);
    set(ae, "style", e.style);
    set_all(ae, e.attrs);
  }
  return g;
}

/// The graph as DOT text, written by cgraph's agwrite into a memory stream.
Result<std::string> write_dot(Agraph_t* g, const ErrorCapture& capture) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* stream = open_memstream(&buffer, &size);
  if (!stream) return Error{"could not open a memory stream for DOT output"};
  int rc = graphviz_api().agwrite(g, stream);
  fclose(stream);
  std::unique_ptr<char, decltype(&free)> owned(buffer, &free);
  if (rc != 0) return Error{"Graphviz could not write DOT: " + capture.text()};
  return std::string(buffer, size);
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "svg") return Format::svg;
  if (name == "png") return Format::png;
  if (name == "dot" || name == "gv") return Format::dot;
  return std::nullopt;
}

std::optional<Format> format_for_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  return parse_format(path.substr(dot + 1));
}

std::optional<Engine> parse_engine(std::string_view name) {
  if (name == "dot") return Engine::dot;
  if (name == "neato") return Engine::neato;
  if (name == "fdp") return Engine::fdp;
  return std::nullopt;
}

const char* to_string(Engine engine) {
  switch (engine) {
    case Engine::dot: return "dot";
    case Engine::neato: return "neato";
    case Engine::fdp: return "fdp";
  }
  return "?";
}

const char* to_string(Format format) {
  switch (format) {
    case Format::svg: return "svg";
    case Format::png: return "png";
    case Format::dot: return "dot";
  }
  return "?";
}

Engine default_engine(const Diagram& diagram) {
  (void)diagram;  // dot wins at every size measured (docs/graphs.md)
  return Engine::dot;
}

Result<std::string> render(const Diagram& diagram, Format format, Engine engine) {
  if (auto loaded = model::load_api<GraphvizApi>(); !loaded) return loaded.error();
  ErrorCapture capture;
  GvcPtr gvc(graphviz_api().gvContext());
  if (!gvc) return Error{"Graphviz could not create its context"};
  auto built = build_graph(diagram, engine);
  if (!built) return built.error();
  Agraph_t* g = built->get();

  char* raw = nullptr;
  unsigned int length = 0;
  if (format == Format::dot) return write_dot(g, capture);
  {
    if (graphviz_api().gvLayout(gvc.get(), g, to_string(engine)) != 0)
      return Error{std::string("Graphviz layout '") + to_string(engine) + "' failed: " + capture.text()};
    LayoutGuard layout(gvc.get(), g);
    const char* device = format == Format::svg ? "svg" : "png";
    if (graphviz_api().gvRenderData(gvc.get(), g, device, &raw, &length) != 0)
      return Error{std::string("Graphviz could not render ") + device + ": " + capture.text()};
  }
  std::unique_ptr<char, RenderDataDeleter> data(raw);
  // Graphviz reports some problems (a malformed HTML label) and carries on with
  // a fallback; netlab treats any reported error as a failure.
  if (!graphviz_messages().empty()) return Error{"Graphviz reported: " + capture.text()};
  return std::string(data.get(), length);
}

}  // namespace netlab::graphs
