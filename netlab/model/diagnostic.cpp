#include "netlab/model/diagnostic.h"

namespace netlab::model {

std::string Diagnostic::format() const {
  std::string out = pos.file;
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line);
    if (pos.column > 0) out += ":" + std::to_string(pos.column);
  }
  out += ": error: " + message;
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

std::string format_all(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.format() + "\n";
  return out;
}

std::string excerpt(std::string_view text, size_t max) {
  size_t cut = text.size();
  if (cut > max) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // no half characters
  }
  std::string out;
  for (size_t i = 0; i < cut; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut < text.size()) out += "...";
  return out;
}

}  // namespace netlab::model
