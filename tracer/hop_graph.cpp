#include "tracer/hop_graph.h"

#include <algorithm>
#include <deque>

namespace netlab::tracer {

using model::HopRole;

HopGraph HopGraph::build(const model::HopMap& map, const std::vector<Device>& devices) {
  HopGraph g;
  for (const auto& d : devices) {
    GraphNode n;
    n.netns = d.netns;
    n.device = d.name;
    n.role = d.role;
    n.captured = true;
    n.depth = 1 << 20;
    g.nodes_.push_back(n);
  }
  auto find_or_add = [&g](const model::Hop& hop) -> int {
    bool point = hop.device.empty();
    HopRole role = hop.role;
    for (size_t i = 0; i < g.nodes_.size(); ++i) {
      const auto& n = g.nodes_[i];
      if (n.point != point || n.netns != hop.netns) continue;
      if (point ? n.role == role : n.device == hop.device) {
        if (g.nodes_[i].friendly.empty()) g.nodes_[i].friendly = hop.friendly;
        return static_cast<int>(i);
      }
    }
    GraphNode n;
    n.netns = hop.netns;
    n.device = hop.device;
    n.friendly = hop.friendly;
    n.role = role;
    n.point = point;
    n.depth = 1 << 20;
    g.nodes_.push_back(n);
    return static_cast<int>(g.nodes_.size() - 1);
  };
  std::vector<std::vector<int>> paths;
  for (const auto& nic : map.nics) {
    auto& path = paths.emplace_back();
    for (const auto& hop : nic.hops) path.push_back(find_or_add(hop));
    int guest_node = -1;
    for (size_t i = 0; i < path.size(); ++i) {
      auto& n = g.nodes_[static_cast<size_t>(path[i])];
      n.depth = std::min(n.depth, static_cast<int>(i));
      if (n.role == HopRole::guest_nic && guest_node < 0) guest_node = path[i];
    }
    if (auto cidr = model::Cidr::parse(nic.address)) g.guests_.emplace_back(*cidr, guest_node);
    else if (auto ip = model::Ipv4::parse(nic.address)) g.guests_.emplace_back(model::Cidr{*ip, 32}, guest_node);
    if (auto cidr6 = model::Cidr6::parse(nic.address6)) g.guests6_.emplace_back(*cidr6, guest_node);
  }
  size_t n = g.nodes_.size();
  std::vector<std::vector<int>> adj(n);
  for (const auto& path : paths) {
    for (size_t i = 1; i < path.size(); ++i) {
      int a = path[i - 1], b = path[i];
      if (a == b) continue;
      if (std::find(adj[a].begin(), adj[a].end(), b) == adj[a].end()) adj[a].push_back(b);
      if (std::find(adj[b].begin(), adj[b].end(), a) == adj[b].end()) adj[b].push_back(a);
    }
  }
  // The underlay joins every host's tunnel endpoint to every other host's.
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      if (!model::is_tunnel(g.nodes_[a].role) || !model::is_tunnel(g.nodes_[b].role)) continue;
      if (g.nodes_[a].netns == g.nodes_[b].netns) continue;
      if (std::find(adj[a].begin(), adj[a].end(), static_cast<int>(b)) != adj[a].end()) continue;
      adj[a].push_back(static_cast<int>(b));
      adj[b].push_back(static_cast<int>(a));
    }
  }
  // All-pairs BFS (a lab has tens of nodes), remembering the points crossed.
  g.dist_.assign(n * n, kFar);
  g.between_.assign(n * n, -1);
  for (size_t s = 0; s < n; ++s) {
    std::deque<int> queue{static_cast<int>(s)};
    g.dist_[s * n + s] = 0;
    while (!queue.empty()) {
      int u = queue.front();
      queue.pop_front();
      for (int v : adj[u]) {
        if (g.dist_[s * n + v] != kFar) continue;
        g.dist_[s * n + v] = static_cast<uint16_t>(g.dist_[s * n + u] + 1);
        int via = g.between_[s * n + u];
        if (via < 0 && g.nodes_[u].point && static_cast<size_t>(u) != s) via = u;
        g.between_[s * n + v] = via;
        queue.push_back(v);
      }
    }
  }
  g.outer_.assign(n, -1);
  for (const auto& path : paths) {
    int outer = -1;
    for (int node : path) {
      if (g.nodes_[node].captured) outer = node;
    }
    for (int node : path) {
      if (g.outer_[node] < 0) g.outer_[node] = outer;
    }
  }
  return g;
}

int HopGraph::guest_nic_of(uint32_t ip) const {
  for (const auto& [cidr, node] : guests_) {
    if (cidr.address.value == ip) return node;
  }
  return -1;
}

bool HopGraph::in_guest_subnet(uint32_t ip) const {
  for (const auto& [cidr, node] : guests_) {
    if (cidr.contains(model::Ipv4{ip})) return true;
  }
  return false;
}

namespace {
model::Ipv6 ipv6_of(const uint8_t* ip) {
  model::Ipv6 a;
  std::copy(ip, ip + 16, a.bytes.begin());
  return a;
}
}  // namespace

int HopGraph::guest_nic_of6(const uint8_t* ip) const {
  const model::Ipv6 a = ipv6_of(ip);
  for (const auto& [cidr, node] : guests6_) {
    if (cidr.address == a) return node;
  }
  return -1;
}

bool HopGraph::in_guest_subnet6(const uint8_t* ip) const {
  const model::Ipv6 a = ipv6_of(ip);
  for (const auto& [cidr, node] : guests6_) {
    if (cidr.contains(a)) return true;
  }
  return false;
}

}  // namespace netlab::tracer
