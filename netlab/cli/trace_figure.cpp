// Trace figures (see trace_figure.h).
#include "netlab/cli/trace_figure.h"

#include "graphs/html_report.h"
#include "graphs/lab_graph.h"
#include "graphs/path_overlay.h"
#include "graphs/render.h"
#include "netlab/cli/lab_live_data.h"
#include "netlab/model/file_io.h"
#include "netlab/plan/running_lab.h"
#include "tracer/conntrack.h"

namespace netlab::cli {
namespace {

void add_hops(const tracer::TracedPacket& p, model::Leg leg, int* index, uint64_t t0,
              graphs::TracedPath* out) {
  for (size_t i = 0; i < p.hops.size(); ++i) {
    const tracer::Hop& h = p.hops[i];
    graphs::TracedHop g;
    g.index = ++*index;
    g.role = h.role;
    g.netns = h.netns;
    g.device = h.device;
    g.friendly = h.friendly;
    g.leg = leg;
    g.summary = i == 0 ? p.summary : "";
    g.change = h.change;
    g.time_us = h.t_ns >= t0 && t0 != 0 ? static_cast<long long>((h.t_ns - t0) / 1000) : -1;
    if (p.dropped && i + 1 == p.hops.size()) {
      g.dropped = true;
      g.drop_cause = p.drop_cause;
    }
    out->hops.push_back(std::move(g));
  }
}

}  // namespace

graphs::TracedPath to_graph_path(const std::string& lab, const std::string& guest, const model::NicPath& nic,
                                 const std::vector<tracer::TracedPacket>& packets) {
  graphs::TracedPath path;
  path.lab = lab;
  path.guest = guest;
  path.nic = nic.nic;
  path.network = nic.network;
  const tracer::TracedPacket* req = nullptr;
  const tracer::TracedPacket* rep = nullptr;
  for (const auto& p : packets) {
    if (req == nullptr && p.leg == model::Leg::request) req = &p;
    else if (req != nullptr && rep == nullptr && p.leg == model::Leg::reply) rep = &p;
  }
  if (req == nullptr) return path;
  path.summary = req->summary;
  int index = 0;
  uint64_t t0 = req->hops.empty() ? 0 : req->hops.front().t_ns;
  add_hops(*req, model::Leg::request, &index, t0, &path);
  if (rep != nullptr) {
    if (rep->hops.empty() && rep->dropped && !path.hops.empty()) {
      // A missing reply: the drop belongs to where the request ended.
      path.hops.back().dropped = true;
      path.hops.back().drop_cause = rep->drop_cause;
    }
    add_hops(*rep, model::Leg::reply, &index, t0, &path);
  }
  return path;
}

Status write_trace_figures(const std::string& lab, const graphs::TracedPath& path, const tracer::LiveResult& res,
                           const std::string& command, const FigureFiles& files) {
  auto running = plan::running_lab(lab);
  if (!running) return running.error();
  const graphs::LiveData live = lab_live_data(running->state, running->topology);
  graphs::Diagram lab_diagram = graphs::build_lab_diagram(running->topology, live);
  graphs::PathDiagram overlay = graphs::overlay_path(lab_diagram, path);
  graphs::Engine engine = graphs::default_engine(overlay.diagram);
  auto render_to = [&](const std::string& file, graphs::Format format) -> Status {
    if (file.empty()) return {};
    auto out = graphs::render(overlay.diagram, format, engine);
    if (!out) return out.error();
    return model::write_file(file, *out);
  };
  if (Status st = render_to(files.svg, graphs::Format::svg); !st) return st;
  if (Status st = render_to(files.png, graphs::Format::png); !st) return st;
  if (Status st = render_to(files.dot, graphs::Format::dot); !st) return st;
  if (files.html.empty()) return {};
  auto svg = graphs::render(overlay.diagram, graphs::Format::svg, engine);
  if (!svg) return svg.error();
  graphs::ReportInput in;
  in.title = "netlab trace: " + path.guest + " → " + (res.packets.empty() ? "" : path.summary);
  in.command = command;
  in.svg = *svg;
  in.path = path;
  in.conntrack.header = {"proto", "original", "reply", "status"};
  for (const auto& e : res.conntrack) {
    std::string orig = tracer::format_tuple(e.proto, e.original);
    std::string reply = tracer::format_tuple(e.proto, e.reply);
    auto sp = orig.find(' ');
    in.conntrack.rows.push_back({orig.substr(0, sp), orig.substr(sp + 1), reply.substr(reply.find(' ') + 1),
                                 tracer::format_status(e)});
    if (e.src_nat()) {
      in.nat_notes.push_back("The host masqueraded the guest: conntrack rewrote the source " + e.original.src.str() +
                             " to " + e.reply.dst.str() + " on the way out, and turns replies to " +
                             e.reply.dst.str() + " back into " + e.original.src.str() + ".");
    }
  }
  in.rule_trace.header = {"table", "chain", "rule", "verdict"};
  for (const auto& e : res.events) {
    std::string rule = e.type == "rule" ? e.rule : e.type;
    if (!e.comment.empty()) rule += "  (" + e.comment + ")";
    in.rule_trace.rows.push_back({e.family + " " + e.table, e.chain, rule, e.verdict});
  }
  return model::write_file(files.html, graphs::html_report(in));
}

}  // namespace netlab::cli
