#pragma once
// Reading XML back in tests: parse with libxml2 and ask XPath questions.
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>

namespace netlab::libvirt::testing {

/// A parsed document; ok() is false when the text is not well-formed XML.
class XmlQuery {
 public:
  explicit XmlQuery(const std::string& text);
  bool ok() const { return doc_ != nullptr; }
  /// The XPath string value of `expr` ("" when nothing matches).
  std::string str(const std::string& expr) const;
  /// How many nodes `expr` selects.
  int count(const std::string& expr) const;
  /// Every comment's text, joined by newlines.
  std::string comments() const { return str_all("//comment()"); }

 private:
  std::string str_all(const std::string& expr) const;
  struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
  };
  std::unique_ptr<xmlDoc, DocFree> doc_;
};

}  // namespace netlab::libvirt::testing
