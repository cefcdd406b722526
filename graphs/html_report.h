#pragma once
// One self-contained HTML page for a traced path: the figure (inline SVG), the
// hop table, a NAT/conntrack explanation and the rule trace. Inline CSS with a
// print style; nothing is fetched from anywhere. All text is escaped.
#include <string>
#include <vector>

#include "graphs/traced_path.h"

namespace netlab::graphs {

/// A simple table: a header row and data rows (cells are plain text).
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  bool empty() const { return rows.empty(); }
};

struct ReportInput {
  std::string title;                   // e.g. "netlab trace: g1 → 198.51.100.7"
  std::string command;                 // how the trace was made, shown under the title; "" = none
  std::string svg;                     // the figure as render(..., Format::svg) made it; "" = none
  TracedPath path;
  std::vector<std::string> nat_notes;  // paragraphs explaining NAT and conntrack for this packet
  Table conntrack;                     // conntrack entries, e.g. proto | original | reply | state
  Table rule_trace;                    // nftables trace: table | chain | rule | verdict
  std::string note;                    // a remark shown above the figure (e.g. "example path"); "" = none
};

/// The page as one string (UTF-8). Sections without data say so instead of vanishing.
std::string html_report(const ReportInput& input);

/// `svg` made fit to sit inside an HTML page: the XML prolog, DOCTYPE and
/// comments removed, and the root's xmlns attributes dropped (the HTML parser
/// knows SVG; this keeps the page free of any URL).
std::string inline_svg(const std::string& svg);

}  // namespace netlab::graphs
