#pragma once
// Figures of a live trace through graphs/: the traced path (first request and
// its reply) converted to graphs::TracedPath, overlaid on the lab diagram and
// rendered as SVG/PNG/DOT, or put into the self-contained HTML report with the
// hop table, the conntrack explanation and the rule trace. The conversion
// lives here so that graphs/ does not depend on the tracer (one-way deps).
#include <string>
#include <vector>

#include "graphs/traced_path.h"
#include "netlab/model/result.h"
#include "tracer/live_trace.h"

namespace netlab::cli {

/// The first request of `packets` and the first reply after it, as one path:
/// request hops "out", reply hops "back", indexes running on; a dropped
/// packet's last hop carries the drop and its cause.
graphs::TracedPath to_graph_path(const std::string& lab, const std::string& guest, const model::NicPath& nic,
                                 const std::vector<tracer::TracedPacket>& packets);

/// Where the figures go ("" = not wanted).
struct FigureFiles {
  std::string svg, png, dot, html;
  bool any() const { return !svg.empty() || !png.empty() || !dot.empty() || !html.empty(); }
};

/// Loads the running lab's topology from its run directory, draws `path` on
/// it and writes every file asked for. `command` is shown in the HTML report.
Status write_trace_figures(const std::string& lab, const graphs::TracedPath& path, const tracer::LiveResult& res,
                           const std::string& command, const FigureFiles& files);

}  // namespace netlab::cli
