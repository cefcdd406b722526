#include "graphs/diagram.h"

namespace netlab::graphs {

const Node* Diagram::find_node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

Node* Diagram::find_node(const std::string& id) {
  for (auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

const Cluster* Diagram::find_cluster(const std::string& id) const {
  for (const auto& c : clusters)
    if (c.id == id) return &c;
  return nullptr;
}

std::string id_part(const std::string& text) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) out += static_cast<char>(c);
    else if (c == '_') out += "__";
    else if (c == '-') out += "_d";
    else out += std::string("_x") + kHex[c >> 4] + kHex[c & 15];
  }
  return out;
}

}  // namespace netlab::graphs
