#pragma once
// A traced path drawn over the lab diagram: the hops numbered along the edges
// they take (request in one colour, reply in another), each rewrite labelled at
// the node where it happened (the NAT point), and a drop marked next to the node
// where the packet was last seen, with its cause.
#include <optional>
#include <string>
#include <vector>

#include "graphs/diagram.h"
#include "graphs/traced_path.h"

namespace netlab::graphs {

inline constexpr const char* kOutColor = "#d62728";   // request path
inline constexpr const char* kBackColor = "#7b3294";  // reply path
inline constexpr const char* kDropColor = "#b10026";

/// Where a hop is drawn: a node, and the PORT of its HTML label ("" = the node).
struct Place {
  std::string node;
  std::string port;
  bool operator==(const Place&) const = default;
};

/// Finds the node of hop `position` (an index into path.hops) by its role,
/// device and namespace through the diagram's match keys (lab_graph.h). A nat or
/// route point is placed by the nearest bridge hop of the same path, else by
/// path.network, else by the diagram's only point of that kind. nullopt when the
/// diagram has no such node.
std::optional<Place> place_hop(const Diagram& diagram, const TracedPath& path, size_t position);

struct PathDiagram {
  Diagram diagram;
  std::vector<int> unplaced;  // indexes of hops no node matched (drawn nowhere, listed in reports)
};

/// Returns `lab` with `path` overlaid. Overlay edges (ids of their ends as in
/// the lab) carry the arriving hop's index as label, colour kOutColor or
/// kBackColor by direction, and do not move the lab's layout (constraint=false).
/// A hop's change is added to its node's label; the first drop adds node
/// "n_drop" (octagon, kDropColor) linked from the dropping node. The title
/// becomes the path's summary.
PathDiagram overlay_path(const Diagram& lab, const TracedPath& path);

}  // namespace netlab::graphs
