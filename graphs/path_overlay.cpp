#include "graphs/path_overlay.h"
#include "netlab/model/names.h"
#include "netlab/model/xml_escape.h"

#include <cstdlib>
#include <map>

namespace netlab::graphs {
namespace {

using KeyIndex = std::map<std::string, Place>;

KeyIndex index_keys(const Diagram& d) {
  KeyIndex index;
  for (const auto& n : d.nodes)
    for (const auto& [key, port] : n.match) index.try_emplace(key, Place{n.id, port});
  return index;
}

std::optional<Place> lookup(const KeyIndex& index, const std::string& key) {
  auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

/// The only node whose key starts with `prefix`, if exactly one does.
std::optional<Place> unique_prefix(const KeyIndex& index, const std::string& prefix) {
  std::optional<Place> found;
  for (auto it = index.lower_bound(prefix); it != index.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (found && found->node != it->second.node) return std::nullopt;
    found = it->second;
  }
  return found;
}

/// "①".."⑩" for 1..10 (easy to spot on an edge; DejaVu Sans has no glyph
/// beyond ⑩), "(11)" from there on.
std::string hop_number(int index) {
  if (index >= 1 && index <= 10) {
    // U+2460 + (index - 1), UTF-8 encoded.
    unsigned code = 0x2460 + static_cast<unsigned>(index - 1);
    std::string s;
    s += static_cast<char>(0xE0 | (code >> 12));
    s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (code & 0x3F));
    return s;
  }
  return "(" + std::to_string(index) + ")";
}

/// Adds a line of `color` text to a node's label (a row of its table for HTML
/// labels) and colours its border.
void annotate(Node* n, const std::string& text, const std::string& color) {
  if (n->html) {
    const std::string row = R"(<TR><TD BGCOLOR="#fff1f0" ALIGN="LEFT"><FONT COLOR=")" + color +
                            R"(" POINT-SIZE="10"><B>)" + model::xml_escape(text) + "</B></FONT></TD></TR>";
    auto end = n->label.rfind("</TABLE>");
    if (end != std::string::npos) n->label.insert(end, row);
  } else {
    n->label += "\n" + text;
    n->attrs["fontcolor"] = color;
  }
  n->color = color;
  n->attrs["penwidth"] = "2.5";
}

}  // namespace

std::optional<Place> place_hop(const Diagram& diagram, const TracedPath& path, size_t position) {
  if (position >= path.hops.size()) return std::nullopt;
  const KeyIndex index = index_keys(diagram);
  const TracedHop& hop = path.hops[position];

  using model::HopRole;
  // Match keys start with the role's name (lab_graph.h).
  const std::string role = model::to_string(hop.role);
  if (hop.role == HopRole::guest_nic) {
    if (auto p = lookup(index, role + ":" + hop.netns + ":" + hop.device)) return p;
    if (!path.guest.empty())
      if (auto p = lookup(index, "guest:" + path.guest + ":" + hop.device)) return p;
    return std::nullopt;
  }
  if (model::is_point(hop.role)) {
    // The nearest bridge of the same trace tells which network's point it is.
    size_t best = path.hops.size();
    size_t best_distance = path.hops.size() + 1;
    for (size_t i = 0; i < path.hops.size(); ++i) {
      if (!model::is_switch(path.hops[i].role) || path.hops[i].device.empty()) continue;
      size_t distance = i > position ? i - position : position - i;
      if (distance < best_distance) {
        best = i;
        best_distance = distance;
      }
    }
    if (best < path.hops.size())
      if (auto p = lookup(index, role + ":" + path.hops[best].device)) return p;
    if (!path.network.empty())
      if (auto p = lookup(index, role + ":" + path.network)) return p;
    return unique_prefix(index, role + ":");
  }
  if (hop.role == HopRole::macvtap) {
    if (auto p = lookup(index, role + ":" + path.guest + ":" + path.nic)) return p;
    return std::nullopt;
  }
  if (hop.role == HopRole::upstream) {
    bool routed = false;
    for (const auto& h : path.hops) routed = routed || model::is_point(h.role);
    if (auto p = lookup(index, role + (routed ? ":wan" : ":lan"))) return p;
    return unique_prefix(index, role + ":");
  }
  if (!hop.device.empty()) {
    // A lab across hosts: br-int and the tunnel device exist on every host, so their keys name the namespace.
    if (auto p = lookup(index, "dev:" + hop.netns + "/" + hop.device)) return p;
    if (auto p = lookup(index, "dev:" + hop.device)) return p;
  }
  return std::nullopt;
}

PathDiagram overlay_path(const Diagram& lab, const TracedPath& path) {
  PathDiagram out;
  out.diagram = lab;
  Diagram& d = out.diagram;
  if (!path.summary.empty()) d.title = "traced path: " + path.summary;

  std::vector<std::optional<Place>> places;
  for (size_t i = 0; i < path.hops.size(); ++i) {
    places.push_back(place_hop(lab, path, i));
    if (!places.back()) out.unplaced.push_back(path.hops[i].index);
  }

  std::optional<Place> previous;
  model::Leg previous_leg = model::Leg::request;  // read only once `previous` is set
  for (size_t i = 0; i < path.hops.size(); ++i) {
    const TracedHop& hop = path.hops[i];
    const std::optional<Place>& here = places[i];
    if (!here) continue;
    const std::string color = hop.leg == model::Leg::reply ? kBackColor : kOutColor;
    if (!previous) {
      annotate(d.find_node(here->node), hop_number(hop.index) + " start", color);
    } else if (previous->node != here->node) {
      Edge e;
      e.from = previous->node;
      e.from_port = previous->port;
      e.to = here->node;
      e.to_port = here->port;
      e.label = hop_number(hop.index);
      e.color = color;
      e.style = "bold";
      e.attrs["penwidth"] = "2.5";
      e.attrs["fontcolor"] = color;
      e.attrs["fontsize"] = "13";
      e.attrs["constraint"] = "false";
      d.edges.push_back(e);
    } else if (previous_leg != hop.leg) {
      annotate(d.find_node(here->node), hop_number(hop.index) + " reply starts", color);
    }
    if (!hop.change.empty()) annotate(d.find_node(here->node), hop_number(hop.index) + " " + hop.change, color);
    previous = here;
    previous_leg = hop.leg;
  }

  if (const TracedHop* drop = path.drop()) {
    // Mark the drop beside the node where it happened, or the last node reached.
    std::optional<Place> at;
    for (size_t i = 0; i < path.hops.size(); ++i) {
      if (places[i]) at = places[i];
      if (&path.hops[i] == drop) break;
    }
    std::string where = drop->device.empty() ? model::to_string(drop->role) : model::with_friendly(drop->device, drop->friendly);
    Node n;
    n.id = "n_drop";
    n.label = "✖ dropped at " + where + (drop->drop_cause.empty() ? "" : "\n" + drop->drop_cause);
    n.shape = "octagon";
    n.style = "filled";
    n.color = kDropColor;
    n.fillcolor = "#fde0dd";
    n.attrs["fontcolor"] = kDropColor;
    n.attrs["penwidth"] = "2";
    if (at) {
      Node* dropped_at = d.find_node(at->node);
      n.cluster = dropped_at->cluster;
      dropped_at->color = kDropColor;
      dropped_at->attrs["penwidth"] = "3";
    }
    d.nodes.push_back(n);
    if (at) {
      Edge e;
      e.from = at->node;
      e.from_port = at->port;
      e.to = n.id;
      e.label = hop_number(drop->index);
      e.color = kDropColor;
      e.style = "bold";
      e.attrs["arrowhead"] = "tee";
      e.attrs["penwidth"] = "2.5";
      e.attrs["fontcolor"] = kDropColor;
      d.edges.push_back(e);
    }
  }
  return out;
}

}  // namespace netlab::graphs
