#pragma once
// A renderer-independent description of a figure: clusters, nodes and edges with
// the few visual attributes netlab uses. lab_graph.h builds one from a Topology,
// path_overlay.h overlays a traced path on it, render.h lays it out with Graphviz.
// Everything is kept in insertion order so the same input gives the same output.
#include <map>
#include <string>
#include <vector>

namespace netlab::graphs {

/// A box around nodes (a Graphviz "cluster_*" subgraph). `parent` is the id of
/// the enclosing cluster, "" for the top level; parents come before children.
struct Cluster {
  std::string id;       // "cluster_host", "cluster_net_default", ...
  std::string label;
  std::string parent;
  std::string style;    // Graphviz style, e.g. "rounded,filled"
  std::string color;    // border colour
  std::string fillcolor;
  std::map<std::string, std::string> attrs;  // any further Graphviz attribute
  bool operator==(const Cluster&) const = default;
};

/// A node. When `html` is true, `label` is a Graphviz HTML-like label (a table,
/// text already escaped); otherwise it is plain text with '\n' line breaks.
struct Node {
  std::string id;       // stable: n_bridge_<net>, n_guest_<guest>, ...
  std::string label;
  bool html = false;
  std::string shape;    // "box", "plaintext", "cylinder", ...
  std::string style;    // "rounded,filled", ...
  std::string color;
  std::string fillcolor;
  std::string cluster;  // id of the cluster it sits in, "" = top level
  /// Keys a traced hop is matched by (see path_overlay.h), each with the PORT the
  /// hop sits at ("" = the node itself): "dev:nat-g1-0" -> "", "guest:g1:eth0" -> "nic0".
  std::map<std::string, std::string> match;
  std::map<std::string, std::string> attrs;
  bool operator==(const Node&) const = default;
};

/// An edge between two nodes; `from_port`/`to_port` name a PORT cell of an HTML label.
struct Edge {
  std::string from;
  std::string to;
  std::string from_port;
  std::string to_port;
  std::string label;
  std::string color;
  std::string style;    // "solid", "dashed", "bold", ...
  std::map<std::string, std::string> attrs;
  bool operator==(const Edge&) const = default;
};

struct Diagram {
  std::string name;     // the graph's name (the lab)
  std::string title;    // shown at the top of the figure; "" = none
  std::map<std::string, std::string> graph_attrs;  // overrides of render.h's defaults
  std::vector<Cluster> clusters;
  std::vector<Node> nodes;
  std::vector<Edge> edges;

  const Node* find_node(const std::string& id) const;
  Node* find_node(const std::string& id);
  const Cluster* find_cluster(const std::string& id) const;
  bool operator==(const Diagram&) const = default;
};

/// `text` as part of an id, in [A-Za-z0-9_]: letters and digits stay, '_' becomes "__",
/// '-' "_d", any other byte "_x<hex>". One-to-one, so names differing only in '-'
/// and '_' ("web-1", "web_1") get different ids.
std::string id_part(const std::string& text);

}  // namespace netlab::graphs
