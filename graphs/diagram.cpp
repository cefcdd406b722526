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
  std::string out = text;
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

}  // namespace netlab::graphs
