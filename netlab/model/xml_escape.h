#pragma once
// Escaping user text (names, paths, packet summaries) for every markup netlab
// writes: libvirt XML, SVG and Graphviz HTML-like labels, HTML pages. One
// function, so none of them can be broken by a name with a quote in it.
#include <string>
#include <string_view>

namespace netlab::model {

/// Escapes text for an attribute value (in either quotes) or a text node of
/// XML or HTML: & < > ' " become entities, tab and newline character
/// references; other control bytes, which XML 1.0 cannot carry at all, become U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace netlab::model
