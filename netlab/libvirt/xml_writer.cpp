#include "netlab/libvirt/xml_writer.h"

#include "netlab/model/xml_escape.h"

namespace netlab::libvirt {

std::string comment_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    char v = (u < 0x20 || u == 0x7f) ? ' ' : c;
    if (v == '-' && !out.empty() && out.back() == '-') out += ' ';
    out += v;
  }
  if (!out.empty() && out.back() == '-') out += ' ';
  return out;
}

void XmlWriter::indent() { out_.append(2 * stack_.size(), ' '); }

void XmlWriter::start_tag(const std::string& name, const std::vector<Attr>& attrs) {
  indent();
  out_ += '<';
  out_ += name;
  for (const auto& [key, value] : attrs) {
    out_ += ' ';
    out_ += key;
    out_ += "='";
    out_ += model::xml_escape(value);
    out_ += '\'';
  }
}

void XmlWriter::open(const std::string& name, const std::vector<Attr>& attrs) {
  start_tag(name, attrs);
  out_ += ">\n";
  stack_.push_back(name);
}

void XmlWriter::close() {
  if (stack_.empty()) return;
  std::string name = std::move(stack_.back());
  stack_.pop_back();
  indent();
  out_ += "</" + name + ">\n";
}

void XmlWriter::empty(const std::string& name, const std::vector<Attr>& attrs) {
  start_tag(name, attrs);
  out_ += "/>\n";
}

void XmlWriter::text(const std::string& name, std::string_view text, const std::vector<Attr>& attrs) {
  start_tag(name, attrs);
  out_ += '>';
  out_ += model::xml_escape(text);
  out_ += "</" + name + ">\n";
}

void XmlWriter::comment(std::string_view text) {
  indent();
  out_ += "<!-- " + comment_text(text) + " -->\n";
}

}  // namespace netlab::libvirt
