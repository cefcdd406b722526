#include "graphs/html_report.h"

#include "graphs/diagram.h"
#include "graphs/path_overlay.h"
#include "netlab/model/names.h"
#include "netlab/model/xml_escape.h"

namespace netlab::graphs {
namespace {

const char* kStyle = R"css(
:root { --out: #d62728; --back: #7b3294; --drop: #b10026; --ink: #1d2430; --muted: #5a6270; --rule: #d9dde3; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
       color: var(--ink); background: #ffffff; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 16px; padding-bottom: 8px; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 17px; margin: 28px 0 8px 0; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
.command { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); }
.summary { font-size: 15px; }
.note { background: #fff7e0; border-left: 4px solid #e0a800; padding: 6px 10px; margin: 12px 0; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: bold; color: #fff; }
.verdict.ok { background: #2a9d3a; }
.verdict.dropped { background: var(--drop); }
figure { margin: 8px 0; padding: 8px; border: 1px solid var(--rule); border-radius: 6px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 6px; }
.key span { display: inline-block; margin-right: 18px; }
.swatch { display: inline-block; width: 22px; height: 4px; vertical-align: middle; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr.back td:first-child { border-left: 4px solid var(--back); }
tr.out td:first-child { border-left: 4px solid var(--out); }
tr.dropped td { background: #fde0dd; color: var(--drop); font-weight: bold; }
td.nowrap { white-space: nowrap; }
td.mono, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  body { padding: 0; font-size: 11pt; }
  figure { border: none; overflow: visible; page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  tr { page-break-inside: avoid; }
}
)css";

std::string esc(const std::string& s) { return model::xml_escape(s); }

std::string table_html(const Table& t, const char* empty_text) {
  if (t.empty()) return std::string("<p class=\"empty\">") + esc(empty_text) + "</p>\n";
  std::string s = "<table>\n<thead><tr>";
  for (const auto& h : t.header) s += "<th>" + esc(h) + "</th>";
  s += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (const auto& cell : row) s += "<td class=\"mono\">" + esc(cell) + "</td>";
    s += "</tr>\n";
  }
  s += "</tbody>\n</table>\n";
  return s;
}

std::string hop_table(const TracedPath& path) {
  if (path.hops.empty()) return "<p class=\"empty\">No hop was recorded.</p>\n";
  std::string s =
      "<table>\n<thead><tr><th>#</th><th>direction</th><th>role</th><th>namespace</th><th>device</th>"
      "<th>seen</th><th>change</th><th>time</th></tr></thead>\n<tbody>\n";
  for (const auto& h : path.hops) {
    std::string cls = h.dropped ? "dropped" : (h.leg == model::Leg::reply ? "back" : "out");
    std::string time = h.time_us < 0 ? "" : "+" + std::to_string(h.time_us) + " µs";
    std::string seen = h.summary;
    if (h.dropped) seen += (seen.empty() ? "" : " — ") + std::string("DROPPED") +
                           (h.drop_cause.empty() ? "" : ": " + h.drop_cause);
    s += "<tr class=\"" + cls + "\"><td>" + std::to_string(h.index) + "</td><td>" +
         esc(model::to_string(h.leg)) + "</td><td>" + esc(model::to_string(h.role)) + "</td><td class=\"mono\">" +
         esc(h.netns) + "</td><td class=\"mono\">" + esc(model::with_friendly(h.device, h.friendly)) + "</td><td class=\"mono\">" + esc(seen) +
         "</td><td class=\"mono\">" + esc(h.change) + "</td><td class=\"nowrap\">" + esc(time) + "</td></tr>\n";
  }
  s += "</tbody>\n</table>\n";
  return s;
}

}  // namespace

std::string inline_svg(const std::string& svg) {
  auto start = svg.find("<svg");
  if (start == std::string::npos) return "";
  std::string s = svg.substr(start);
  // Drop comments.
  for (auto c = s.find("<!--"); c != std::string::npos; c = s.find("<!--", c)) {
    auto end = s.find("-->", c);
    if (end == std::string::npos) {
      s.erase(c);
      break;
    }
    s.erase(c, end + 3 - c);
  }
  // Drop xmlns / xmlns:* attributes of the root element.
  auto tag_end = s.find('>');
  std::string root = s.substr(0, tag_end);
  for (auto a = root.find(" xmlns"); a != std::string::npos; a = root.find(" xmlns")) {
    auto q1 = root.find('"', a);
    auto q2 = q1 == std::string::npos ? q1 : root.find('"', q1 + 1);
    if (q2 == std::string::npos) break;
    root.erase(a, q2 + 1 - a);
  }
  return root + s.substr(tag_end);
}

std::string html_report(const ReportInput& in) {
  const TracedHop* drop = in.path.drop();
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>" + esc(in.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  s += "<header>\n<h1>" + esc(in.title) + "</h1>\n";
  if (!in.command.empty()) s += "<div class=\"command\">" + esc(in.command) + "</div>\n";
  s += "<p class=\"summary\">" + esc(in.path.summary) + " ";
  s += drop ? "<span class=\"verdict dropped\">dropped at " +
                  esc(drop->device.empty() ? model::to_string(drop->role) : model::with_friendly(drop->device, drop->friendly)) +
                  "</span>"
            : "<span class=\"verdict ok\">delivered</span>";
  s += "</p>\n</header>\n";
  if (!in.note.empty()) s += "<p class=\"note\">" + esc(in.note) + "</p>\n";

  s += "<section id=\"figure\">\n<h2>Path through the lab</h2>\n";
  if (in.svg.empty()) {
    s += "<p class=\"empty\">No figure.</p>\n";
  } else {
    s += "<figure>\n" + inline_svg(in.svg) + "\n<figcaption class=\"key\">";
    s += std::string("<span><i class=\"swatch\" style=\"background:") + kOutColor + "\"></i>request</span>";
    s += std::string("<span><i class=\"swatch\" style=\"background:") + kBackColor + "\"></i>reply</span>";
    s += std::string("<span><i class=\"swatch\" style=\"background:") + kDropColor +
         "\"></i>drop</span>numbers are the hop numbers of the table below</figcaption>\n</figure>\n";
  }
  s += "</section>\n";

  s += "<section id=\"hops\">\n<h2>Hops</h2>\n" + hop_table(in.path) + "</section>\n";

  s += "<section id=\"nat\">\n<h2>NAT and connection tracking</h2>\n";
  if (in.nat_notes.empty()) {
    bool any = false;
    for (const auto& h : in.path.hops) {
      if (h.change.empty()) continue;
      if (!any) s += "<ul>\n";
      any = true;
      s += "<li>hop " + std::to_string(h.index) + " (" + esc(model::to_string(h.role)) +
           (h.device.empty() ? "" : " " + esc(model::with_friendly(h.device, h.friendly))) +
           "): <span class=\"mono\">" + esc(h.change) + "</span></li>\n";
    }
    s += any ? "</ul>\n" : "<p class=\"empty\">No address was rewritten along this path.</p>\n";
  } else {
    for (const auto& p : in.nat_notes) s += "<p>" + esc(p) + "</p>\n";
  }
  s += table_html(in.conntrack, "No conntrack entry was recorded.");
  s += "</section>\n";

  s += "<section id=\"rules\">\n<h2>Rule trace</h2>\n";
  s += table_html(in.rule_trace, "No nftables rule trace was recorded.");
  s += "</section>\n";
  s += "<footer><p class=\"command\">made by netlab</p></footer>\n</body>\n</html>\n";
  return s;
}

}  // namespace netlab::graphs
