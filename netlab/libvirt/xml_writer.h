#pragma once
// A tiny XML writer for the documents netlab hands to libvirt: every attribute
// value and text node goes through model::xml_escape, each comment through
// comment_text, so user text
// (names, paths) can never break the markup.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netlab::libvirt {

/// One attribute: name (a literal chosen by netlab) and value (any text, escaped).
using Attr = std::pair<std::string, std::string>;

/// Text fit for <!-- ... -->: control bytes become spaces, "--" becomes "- -",
/// and a trailing '-' gets a space, so the comment cannot end early.
std::string comment_text(std::string_view text);

/// Writes indented XML (two spaces a level) into a string. Elements are opened
/// and closed in order; close() closes the innermost one. str() is valid once
/// every opened element was closed.
class XmlWriter {
 public:
  /// <name attrs...> on its own line; children follow until close().
  void open(const std::string& name, const std::vector<Attr>& attrs = {});
  /// </name> of the innermost open element.
  void close();
  /// <name attrs.../> on its own line.
  void empty(const std::string& name, const std::vector<Attr>& attrs = {});
  /// <name attrs...>text</name> on its own line.
  void text(const std::string& name, std::string_view text, const std::vector<Attr>& attrs = {});
  /// <!-- text --> on its own line.
  void comment(std::string_view text);
  /// The document so far.
  const std::string& str() const { return out_; }
  /// How many elements are open.
  size_t depth() const { return stack_.size(); }

 private:
  void start_tag(const std::string& name, const std::vector<Attr>& attrs);
  void indent();
  std::string out_;
  std::vector<std::string> stack_;
};

}  // namespace netlab::libvirt
