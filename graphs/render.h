#pragma once
// Lays out and renders a Diagram with Graphviz used as a library: cgraph builds
// the graph (agopen/agnode/agedge/agsubg "cluster_*"), gvc lays it out
// (gvLayout) and renders it in memory (gvRenderData). No DOT text is written
// and no `dot` program is run.
#include <optional>
#include <string>
#include <string_view>

#include "graphs/diagram.h"
#include "netlab/model/result.h"

namespace netlab::graphs {

enum class Format { svg, png, dot };
enum class Engine { dot, neato, fdp };

/// "svg" | "png" | "dot" -> Format; nullopt otherwise.
std::optional<Format> parse_format(std::string_view name);
/// The format a file name asks for by its extension (".svg", ".png", ".dot", ".gv"); nullopt otherwise.
std::optional<Format> format_for_path(std::string_view path);
/// "dot" | "neato" | "fdp" -> Engine; nullopt otherwise.
std::optional<Engine> parse_engine(std::string_view name);
const char* to_string(Engine engine);
const char* to_string(Format format);

/// The engine netlab uses when none is asked for. Chosen from the figures of
/// tests/bench/graphs (docs/graphs.md): dot is both the most readable (ranked,
/// left to right) and the fastest at every size measured — neato and fdp with
/// clusters and overlap removal take over a minute at 500 guests — so it is dot.
Engine default_engine(const Diagram& diagram);
/// Node count above which dot runs with fewer crossing-minimisation passes (mclimit).
inline constexpr size_t kLargeDiagram = 1500;

/// Renders `diagram` laid out by `engine` as `format`. For Format::dot the result
/// is the graph as cgraph holds it before layout (canonical DOT, stable for
/// diffs); svg and png are laid out. Errors (an engine or renderer plugin
/// missing, a label Graphviz rejects) come back as an Error with Graphviz's message.
Result<std::string> render(const Diagram& diagram, Format format, Engine engine);

}  // namespace netlab::graphs
