#include "graphs/lab_graph.h"

#include <set>
#include <tuple>
#include <vector>

#include "netlab/model/lab_hosts.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/model/xml_escape.h"

namespace netlab::graphs {
namespace {

using model::HopRole;
using model::NetworkMode;

/// A card-like HTML label: a bold title on a coloured header, then detail lines.
std::string card(const std::string& title, const std::vector<std::string>& lines, const std::string& header_fill) {
  std::string s = R"(<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">)";
  s += R"(<TR><TD BGCOLOR=")" + header_fill + R"("><B>)" + model::xml_escape(title) + "</B></TD></TR>";
  for (const auto& line : lines)
    s += R"(<TR><TD><FONT POINT-SIZE="10">)" + model::xml_escape(line) + "</FONT></TD></TR>";
  s += "</TABLE>";
  return s;
}

std::string gateway_text(const model::Network& net) {
  auto gw = model::gateway(net);
  return gw ? gw->str() : "";
}

/// A box node of HTML label `label` (a card) filled white, drawn in `style` and `color`.
Node card_node(const std::string& id, const std::string& label, const std::string& style, const std::string& color) {
  Node n;
  n.id = id;
  n.label = label;
  n.html = true;
  n.shape = "box";
  n.style = style;
  n.color = color;
  n.fillcolor = "#ffffff";
  return n;
}

/// The box of network `net` labelled `label`: its colours by mode, dashed when isolated.
Cluster network_box(const model::Network& net, const std::string& label) {
  Cluster c;
  c.id = "cluster_net_" + id_part(net.name);
  c.label = label;
  c.style = net.mode == NetworkMode::isolated ? "rounded,dashed,filled" : "rounded,filled";
  c.color = mode_color(net.mode);
  c.fillcolor = mode_fill(net.mode);
  return c;
}

/// A match key of a hop with `role` (path_overlay.cpp builds the same from a traced hop).
std::string role_key(HopRole role, const std::string& rest) { return std::string(model::to_string(role)) + ":" + rest; }

class Builder {
 public:
  Builder(const model::Topology& topo, const LiveData& live, const DiagramOptions& options)
      : topo_(topo), live_(live), options_(options), names_(topo) {}

  Diagram build() {
    d_.name = topo_.name.empty() ? "lab" : topo_.name;
    d_.title = "netlab lab \"" + topo_.name + "\"" + (live_.sandbox ? " (sandbox)" : "");
    add_host();
    add_underlay();
    for (const auto& net : topo_.networks) add_network(net);
    find_groups();
    for (size_t g = 0; g < topo_.guests.size(); ++g) {
      auto it = group_of_.find(g);
      if (it == group_of_.end()) add_guest(topo_.guests[g]);
      else if (groups_[it->second].members.front() == g) add_group(groups_[it->second]);
    }
    add_outside();
    add_legend();
    return std::move(d_);
  }

 private:
  /// The cluster of host `name`: cluster_host for the first (or only) host, cluster_host_<name> for the others.
  std::string host_cluster(const std::string& name) const {
    const auto hosts = model::lab_hosts(topo_);
    return hosts.empty() || hosts.front().name == name ? "cluster_host" : "cluster_host_" + id_part(name);
  }
  std::string guest_cluster(const model::Guest& guest) const { return host_cluster(model::guest_host(topo_, guest)); }
  std::string gateway_cluster() const { return host_cluster(model::gateway_host(topo_).name); }

  /// A hypervisor's box: cluster `id` labelled `label`.
  void add_host_box(const std::string& id, const std::string& label) {
    Cluster c;
    c.id = id;
    c.label = label;
    c.style = "rounded,filled";
    c.color = "#5a6270";
    c.fillcolor = "#f6f7f9";
    c.attrs["penwidth"] = "1.5";
    d_.clusters.push_back(c);
  }

  void add_host() {
    if (model::lab_hosts(topo_).size() > 1 || model::uses_ovn(topo_)) return add_hosts();
    add_host_box("cluster_host", live_.sandbox
                                     ? "KVM host  (sandbox namespace " + model::sandbox_host_namespace(topo_.name) + ")"
                                     : "KVM host");
  }

  /// A lab across hosts: one box per hypervisor (the first keeps the id
  /// cluster_host), saying which runs OVN's databases and which is the gateway chassis.
  void add_hosts() {
    const auto hosts = model::lab_hosts(topo_);
    const std::string gateway = model::gateway_host(topo_).name;
    for (size_t i = 0; i < hosts.size(); ++i) {
      std::string label = "host " + hosts[i].name;
      if (live_.sandbox) label += "  (sandbox namespace " + model::hypervisor_namespace(topo_, hosts[i].name) + ")";
      if (model::uses_ovn(topo_)) {
        if (i == 0) label += " · OVN databases, northd";
        if (hosts[i].name == gateway) label += " · gateway chassis";
      }
      add_host_box(host_cluster(hosts[i].name), label);
    }
  }

  /// The hosts' underlay (a lab across hosts): each host's tunnel endpoint
  /// (its underlay device, Geneve from br-phy's address), the data-centre
  /// network joining them, and a Geneve tunnel between every two hosts; and on
  /// each host OVN's integration bridge br-int, where the guests' ports are.
  void add_underlay() {
    if (!model::uses_ovn(topo_)) return;
    const auto hosts = model::lab_hosts(topo_);
    for (const auto& h : hosts) {
      const std::string ns = model::hypervisor_namespace(topo_, h.name);
      Node b = card_node("n_brint_" + id_part(h.name),
                         card("br-int", {"OVS integration bridge", "ovn-controller, chassis " + h.name}, "#dde6f3"),
                         "rounded,filled", "#3b5a8c");
      b.cluster = host_cluster(h.name);
      b.match["dev:" + ns + "/br-int"] = "";
      d_.nodes.push_back(b);
    }
    if (hosts.size() < 2) return;
    Node u = card_node("n_underlay",
                       card(live_.sandbox ? model::sandbox_dc_namespace(topo_.name) : "underlay",
                            {"data-centre network", "carries the Geneve tunnels"}, "#e2e8e2"),
                       "rounded,filled", "#4d6b4d");
    d_.nodes.push_back(u);
    for (const auto& h : hosts) {
      const std::string ns = model::hypervisor_namespace(topo_, h.name);
      std::vector<std::string> lines{"underlay device, tunnel endpoint"};
      if (h.address) lines.push_back("Geneve from " + h.address->str());
      else lines.push_back("Geneve from br-phy's address");
      Node t = card_node("n_tunnel_" + id_part(h.name), card("dc0", lines, "#e2e8e2"), "rounded,filled", "#4d6b4d");
      t.cluster = host_cluster(h.name);
      t.match["dev:" + ns + "/dc0"] = "";
      d_.nodes.push_back(t);
      d_.edges.push_back(Edge{.from = "n_brint_" + id_part(h.name), .to = t.id, .color = "#4d6b4d"});
      d_.edges.push_back(Edge{.from = t.id, .to = u.id, .color = "#4d6b4d", .style = "bold"});
    }
    for (size_t a = 0; a < hosts.size(); ++a)
      for (size_t b = a + 1; b < hosts.size(); ++b) {
        Edge e{.from = "n_tunnel_" + id_part(hosts[a].name), .to = "n_tunnel_" + id_part(hosts[b].name),
               .label = "Geneve tunnel", .color = "#4d6b4d", .style = "dashed"};
        e.attrs["dir"] = "both";
        e.attrs["fontcolor"] = "#4d6b4d";
        d_.edges.push_back(e);
      }
  }

  /// The physical NIC node for `device`, created once; a NIC with two roles says both.
  std::string physical_nic(const std::string& device, const std::string& what) {
    std::string id = "n_nic_" + id_part(device);
    auto [it, inserted] = nic_roles_.try_emplace(device, std::vector<std::string>{});
    bool known = false;
    for (const auto& r : it->second) known = known || r == what;
    if (!known) it->second.push_back(what);
    std::vector<std::string> lines{"physical NIC"};
    for (const auto& r : it->second) lines.push_back(r);
    if (inserted) {
      Node n = card_node(id, "", "rounded,filled,bold", "#3b4250");  // its card is written below, with all its roles
      n.cluster = model::uses_ovn(topo_) ? gateway_cluster() : "cluster_host";
      n.match["dev:" + device] = "";
      n.match[role_key(HopRole::uplink, device)] = "";
      d_.nodes.push_back(n);
    }
    d_.find_node(id)->label = card(device, lines, "#d9dde3");
    return id;
  }

  void add_network(const model::Network& net) {
    if (model::is_ovn(net)) return add_ovn_network(net);
    Cluster c = network_box(net, "network " + net.name + "  [" + model::to_string(net.mode) + "]");
    c.parent = "cluster_host";
    d_.clusters.push_back(c);
    const std::string bridge_id = model::has_bridge(net) ? add_switch(net, c.id) : "";
    bridge_of_[net.name] = bridge_id;
    if (net.dhcp || (net.dns && model::serves_dhcp(net.mode) && net.subnet)) add_dnsmasq(net, c.id, bridge_id);
    add_way_out(net, c.id, bridge_id);
  }

  /// An OVN network spans the hosts: its box is outside them, with the logical
  /// switch (OVN's DHCP on it) and, for nat/route, the logical router whose
  /// gateway port sits on the gateway chassis' uplink; each host's br-int
  /// realises the switch there.
  void add_ovn_network(const model::Network& net) {
    const std::string color = mode_color(net.mode);
    std::set<std::string> on_hosts;
    for (const auto& g : topo_.guests)
      for (const auto& nic : g.nics)
        if (nic.network == net.name) on_hosts.insert(model::guest_host(topo_, g));
    if (model::forwards(net.mode)) on_hosts.insert(model::gateway_host(topo_).name);
    std::string spans;
    for (const auto& h : model::lab_hosts(topo_))
      if (on_hosts.count(h.name)) spans += (spans.empty() ? "" : ", ") + h.name;
    Cluster c = network_box(net, "OVN network " + net.name + "  [" + model::to_string(net.mode) + "]" +
                                     (spans.empty() ? "" : "  spans " + spans));
    d_.clusters.push_back(c);
    std::vector<std::string> lines{"OVN logical switch · " + std::string(model::to_string(net.mode))};
    if (net.subnet) lines.push_back(net.subnet->block().str());
    if (model::forwards(net.mode) && net.subnet) lines.push_back("router port " + gateway_text(net));
    if (net.dhcp) lines.push_back("OVN DHCP " + net.dhcp->range_start.str() + " – " + net.dhcp->range_end.str());
    lines.push_back("mtu " + std::to_string(net.mtu));
    Node n = card_node("n_bridge_" + id_part(net.name), card("logical switch " + net.name, lines, mode_fill(net.mode)),
                       "rounded,filled", color);
    n.cluster = c.id;
    n.attrs["penwidth"] = "2";
    d_.nodes.push_back(n);
    bridge_of_[net.name] = n.id;
    for (const auto& h : on_hosts) {
      Edge e{.from = "n_brint_" + id_part(h), .to = n.id, .label = "realises", .color = color, .style = "dotted"};
      e.attrs["fontcolor"] = color;
      d_.edges.push_back(e);
    }
    if (!model::forwards(net.mode)) return;
    const bool nat = model::masquerades(net.mode);
    const std::string up = host_uplink(topo_, live_);
    Node r = card_node((nat ? "n_nat_" : "n_route_") + id_part(net.name),
                       card("logical router " + net.name,
                            {nat ? "SNAT " + (net.subnet ? net.subnet->block().str() : std::string("?")) + " → outside"
                                 : "routing (no NAT)",
                             "gateway port on chassis " + model::gateway_host(topo_).name},
                            mode_fill(net.mode)),
                       nat ? "filled,bold" : "filled", color);
    if (nat) r.attrs["peripheries"] = "2";
    r.cluster = c.id;
    const HopRole point = nat ? HopRole::nat : HopRole::route;
    r.match[role_key(point, "br-int")] = "";
    r.match[role_key(point, net.name)] = "";
    d_.nodes.push_back(r);
    d_.edges.push_back(Edge{.from = n.id, .to = r.id, .color = color});
    std::string nic = physical_nic(up, "OVN physical network (br-ex)");
    d_.edges.push_back(Edge{.from = r.id, .to = nic, .label = "localnet", .color = color});
    want_wan_ = true;
    wan_nics_.insert(up);
  }

  /// The network's bridge (Linux or OVS) in cluster `cluster`; returns its node id.
  std::string add_switch(const model::Network& net, const std::string& cluster) {
    const std::string& br = names_.bridge(net);
    std::vector<std::string> lines;
    lines.push_back(std::string(net.switch_kind == model::SwitchKind::ovs ? "Open vSwitch bridge" : "Linux bridge") +
                    " · " + model::to_string(net.mode));
    if (net.subnet) lines.push_back(net.subnet->block().str());
    if (model::traits(net.mode).netlab_subnet && net.subnet) lines.push_back("gateway " + gateway_text(net));
    if (net.ipv6 && net.ipv6->subnet) {
      auto gw6 = model::gateway6(net);
      lines.push_back(net.ipv6->subnet->block().str() + (gw6 ? " · gateway " + gw6->str() : ""));
    }
    if (net.mode == NetworkMode::isolated) lines.push_back("no forwarding");
    if (net.mtu != 1500) lines.push_back("mtu " + std::to_string(net.mtu));
    Node n = card_node("n_bridge_" + id_part(net.name), card(br, lines, color_header(net.mode)), "rounded,filled",
                       mode_color(net.mode));
    n.cluster = cluster;
    n.attrs["penwidth"] = "2";
    n.match["dev:" + br] = "";
    n.match[role_key(net.switch_kind == model::SwitchKind::ovs ? HopRole::ovs : HopRole::bridge, br)] = "";
    d_.nodes.push_back(n);
    return n.id;
  }

  /// The network's dnsmasq: its DHCP range and DNS, serving the bridge.
  void add_dnsmasq(const model::Network& net, const std::string& cluster, const std::string& bridge_id) {
    std::vector<std::string> lines;
    if (net.dhcp) {
      lines.push_back("DHCP " + net.dhcp->range_start.str() + " – " + net.dhcp->range_end.str());
      lines.push_back("lease " + net.dhcp->lease_time);
      if (!net.dhcp->hosts.empty())
        lines.push_back(std::to_string(net.dhcp->hosts.size()) + " static host" +
                        (net.dhcp->hosts.size() == 1 ? "" : "s"));
    }
    if (net.dns && net.subnet) lines.push_back("DNS on " + gateway_text(net));
    if (net.ipv6 && net.ipv6->dhcp)
      lines.push_back("DHCPv6 " + net.ipv6->dhcp->range_start.str() + " – " + net.ipv6->dhcp->range_end.str() + ", RA");
    else if (net.ipv6 && net.ipv6->slaac)
      lines.push_back("RA for SLAAC " + net.ipv6->subnet->block().str());
    Node n = card_node("n_dnsmasq_" + id_part(net.name), card("dnsmasq", lines, "#eeeeee"), "rounded,filled,dashed",
                       "#777777");
    n.cluster = cluster;
    n.match["dnsmasq:" + net.name] = "";
    d_.nodes.push_back(n);
    if (!bridge_id.empty()) {
      Edge e{.from = n.id, .to = bridge_id, .label = "serves", .color = "#888888", .style = "dashed"};
      e.attrs["arrowhead"] = "none";
      e.attrs["fontcolor"] = "#666666";
      d_.edges.push_back(e);
    }
  }

  /// How the network leaves the host: a nat or route point on to the host's
  /// uplink, or (bridge mode) its own uplink to the LAN; isolated: none.
  void add_way_out(const model::Network& net, const std::string& cluster, const std::string& bridge_id) {
    const std::string color = mode_color(net.mode);
    const std::string edge_style = net.mode == NetworkMode::isolated ? "dashed" : "solid";
    const std::string& br = names_.bridge(net);
    if (model::forwards(net.mode)) {
      const std::string up = host_uplink(topo_, live_);
      const bool nat = model::masquerades(net.mode);
      const std::string subnet = net.subnet ? net.subnet->block().str() : "?";
      std::vector<std::string> nat_lines{"MASQUERADE " + subnet + " → " + up, "forward + conntrack"};
      for (const model::PortForward& f : net.forwards)  // published ports: DNAT on the uplink address
        nat_lines.push_back(std::string("publish ") + model::to_string(f.proto) + "/" + std::to_string(f.port) +
                            " → " + f.guest + ":" + std::to_string(f.to_port));
      Node n = card_node((nat ? "n_nat_" : "n_route_") + id_part(net.name),
                         nat ? card("NAT (nftables)", nat_lines, color_header(net.mode))
                             : card("routing (no NAT)", {"forward " + subnet + " ↔ " + up, "source address kept"},
                                    color_header(net.mode)),
                         nat ? "filled,bold" : "filled", color);
      if (nat) n.attrs["peripheries"] = "2";
      n.cluster = cluster;
      const HopRole point = nat ? HopRole::nat : HopRole::route;
      n.match[role_key(point, br)] = "";
      n.match[role_key(point, net.name)] = "";
      d_.nodes.push_back(n);
      if (!bridge_id.empty())
        d_.edges.push_back(Edge{.from = bridge_id, .to = n.id, .color = color, .style = edge_style});
      std::string nic = physical_nic(up, "host uplink");
      d_.edges.push_back(Edge{.from = n.id, .to = nic, .color = color, .style = edge_style});
      want_wan_ = true;
      wan_nics_.insert(up);
    } else if (model::traits(net.mode).on_lan) {
      const std::string up = net.uplink.empty() ? host_uplink(topo_, live_) : net.uplink;
      std::string nic = physical_nic(up, model::uses_macvtap(net) ? "macvtap lower device" : "enslaved to " + br);
      if (!bridge_id.empty()) {
        Edge e{.from = bridge_id, .to = nic, .label = "enslaved port", .color = color, .style = edge_style};
        e.attrs["fontcolor"] = color;
        d_.edges.push_back(e);
      }
      lan_nics_.push_back(nic);
      want_lan_ = true;
    }
  }

  /// A VM's disk: a cylinder beside it saying the image, how the lab's own disk
  /// is made from it, and the VM's size; a dotted edge to the VM (virtio vda).
  void add_disk(const model::Guest& guest, const std::string& guest_id) {
    const model::Disk& disk = *guest.disk;
    const bool thick = disk.provisioning == model::Provisioning::thick;
    Node d;
    d.id = "n_disk_" + id_part(guest.name);
    d.label = "disk vda: " + std::string(thick ? "thick raw copy" : "thin qcow2 overlay") + "\nof " + disk.image +
              "\n" + std::to_string(guest.vcpus) + " vCPU, " + std::to_string(guest.memory_mib) + " MiB";
    d.shape = "cylinder";
    d.style = "filled";
    d.color = "#5a6270";
    d.fillcolor = "#f3f4f6";
    d.cluster = guest_cluster(guest);
    d.attrs["fontsize"] = "9";
    d_.nodes.push_back(d);
    d_.edges.push_back(Edge{.from = guest_id, .to = d.id, .label = "virtio", .color = "#5a6270", .style = "dotted"});
  }

  void add_guest(const model::Guest& guest) {
    const std::string gid = id_part(guest.name);
    std::string s = R"(<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#5a6270">)";
    s += R"(<TR><TD BGCOLOR="#e4e8ee"><B>)" + model::xml_escape(guest.name) + R"(</B>  <FONT POINT-SIZE="9">)" +
         (guest.kind == model::GuestKind::kvm ? "KVM guest" : "light guest (netns)") + "</FONT></TD></TR>";
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const auto& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      std::string line1 = model::guest_nic_name(nic, i) + "  " + (nic.mac ? nic.mac->str() : "");
      std::string line2 = nic_address_text(nic, net, live_);
      if (nic.vlan) line2 += "  vlan " + std::to_string(*nic.vlan);
      std::string bg = net ? mode_fill(net->mode) : "#ffffff";
      s += R"(<TR><TD PORT="nic)" + std::to_string(i) + R"(" ALIGN="LEFT" BGCOLOR=")" + bg + R"("><FONT POINT-SIZE="10">)" +
           model::xml_escape(line1) + R"(<BR ALIGN="LEFT"/>)" + model::xml_escape(line2) + R"(<BR ALIGN="LEFT"/></FONT></TD></TR>)";
    }
    s += "</TABLE>";
    Node n;
    n.id = "n_guest_" + gid;
    n.label = s;
    n.html = true;
    n.shape = "plaintext";
    n.cluster = guest_cluster(guest);
    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const std::string dev = model::guest_nic_name(guest.nics[i], i);
      n.match["guest:" + guest.name + ":" + dev] = "nic" + std::to_string(i);
      n.match[role_key(HopRole::guest_nic, model::guest_namespace(topo_, guest) + ":" + dev)] = "nic" + std::to_string(i);
    }
    d_.nodes.push_back(n);
    if (guest.kind == model::GuestKind::kvm && guest.disk) add_disk(guest, n.id);

    for (size_t i = 0; i < guest.nics.size(); ++i) {
      const auto& nic = guest.nics[i];
      const model::Network* net = topo_.find_network(nic.network);
      const std::string& dev = names_.host_nic(guest, i);
      const HopRole role = net ? model::guest_link_role(*net, guest.kind)
                               : guest.kind == model::GuestKind::kvm ? HopRole::tap : HopRole::veth;
      const std::string color = net ? mode_color(net->mode) : "#000000";
      const std::string edge_style = net && net->mode == NetworkMode::isolated ? "dashed" : "solid";
      Node p;
      p.id = "n_port_" + gid + "_" + std::to_string(i);
      p.label = model::with_friendly(dev, model::friendly_nic(guest.name, model::guest_nic_name(nic, i))) + "\n" +
                model::to_string(role);
      p.shape = "box";
      p.style = "filled";
      p.color = color;
      p.fillcolor = "#ffffff";
      p.cluster = net && !model::is_ovn(*net) ? "cluster_net_" + id_part(net->name) : guest_cluster(guest);
      p.attrs["fontsize"] = "10";
      p.attrs["height"] = "0.3";
      if (role == HopRole::macvtap) {
        p.label = "macvtap on " + (net->uplink.empty() ? host_uplink(topo_, live_) : net->uplink);
        p.match[role_key(HopRole::macvtap, guest.name + ":" + model::guest_nic_name(nic, i))] = "";
      } else {
        p.match["dev:" + dev] = "";
      }
      d_.nodes.push_back(p);
      Edge nic_edge{.from = n.id, .to = p.id, .from_port = "nic" + std::to_string(i), .color = color, .style = edge_style};
      // An impaired link says how (`impair:`, netem on both of its ends).
      if (nic.impair && !nic.impair->none()) nic_edge.label = "netem " + model::describe(*nic.impair);
      d_.edges.push_back(nic_edge);
      if (!net) continue;
      const std::string& bridge_id = bridge_of_[net->name];
      if (model::is_ovn(*net)) {  // an OVN port: on its host's br-int (iface-id = the logical port)
        d_.edges.push_back(Edge{.from = p.id, .to = "n_brint_" + id_part(model::guest_host(topo_, guest)),
                                .color = color, .style = edge_style});
      } else if (!bridge_id.empty()) {
        d_.edges.push_back(Edge{.from = p.id, .to = bridge_id, .color = color, .style = edge_style});
      } else {
        // macvtap: the device sits directly on the physical NIC.
        const std::string up = net->uplink.empty() ? host_uplink(topo_, live_) : net->uplink;
        d_.edges.push_back(Edge{.from = p.id, .to = "n_nic_" + id_part(up), .label = "macvtap", .color = color,
                                .style = edge_style});
      }
    }
  }

  /// Guests drawn as one: same network, kind, address kind and VLAN, one NIC each.
  struct Group {
    std::string id;                // "<network>_<k>", through id_part
    const model::Network* network = nullptr;
    std::vector<size_t> members;   // indexes into topo_.guests, in file order
  };

  /// Fills groups_ and group_of_ with every shape that has more than
  /// options_.group_above guests.
  void find_groups() {
    using Shape = std::tuple<std::string, int, int, int, std::string>;  // network, kind, address kind, vlan (-1: none), host
    std::map<Shape, std::vector<size_t>> shapes;
    std::vector<Shape> order;  // first appearance, so groups come in file order
    for (size_t g = 0; g < topo_.guests.size(); ++g) {
      const model::Guest& guest = topo_.guests[g];
      if (guest.nics.size() != 1 || !topo_.find_network(guest.nics[0].network)) continue;
      const model::Nic& nic = guest.nics[0];
      Shape shape{nic.network, static_cast<int>(guest.kind), static_cast<int>(nic.address_kind), nic.vlan.value_or(-1),
                  model::guest_host(topo_, guest)};
      auto& members = shapes[shape];
      if (members.empty()) order.push_back(shape);
      members.push_back(g);
    }
    std::map<std::string, int> per_network;
    for (const Shape& shape : order) {
      auto& members = shapes[shape];
      if (members.size() <= options_.group_above) continue;
      const std::string& net = std::get<0>(shape);
      Group group{id_part(net) + "_" + std::to_string(per_network[net]++), topo_.find_network(net), members};
      for (size_t g : members) group_of_[g] = groups_.size();
      groups_.push_back(std::move(group));
    }
  }

  /// One node for a group of guests ("g1 … g1000", "1000 light guests, DHCP")
  /// and one for their host-side devices, joined to the network's bridge.
  void add_group(const Group& group) {
    const model::Network& net = *group.network;
    const model::Guest& first = topo_.guests[group.members.front()];
    const model::Guest& last = topo_.guests[group.members.back()];
    const model::Nic& nic = first.nics[0];
    const std::string count = std::to_string(group.members.size());
    const bool kvm = first.kind == model::GuestKind::kvm;
    std::string what = count + (kvm ? " KVM guests" : " light guests") + ", ";
    switch (nic.address_kind) {
      case model::AddressKind::dhcp: what += "DHCP"; break;
      case model::AddressKind::static_cidr: what += "static addresses"; break;
      case model::AddressKind::none: what += "no address"; break;
    }
    if (nic.vlan) what += ", vlan " + std::to_string(*nic.vlan);
    const std::string dev = model::guest_nic_name(nic, 0);
    std::vector<std::string> lines;
    if (nic.mac && last.nics[0].mac) lines.push_back(dev + "  " + nic.mac->str() + " … " + last.nics[0].mac->str());
    else lines.push_back(dev);
    if (nic.address_kind == model::AddressKind::static_cidr && nic.address && last.nics[0].address)
      lines.push_back(nic.address->str() + " … " + last.nics[0].address->str());
    if (nic.address_kind == model::AddressKind::dhcp && !live_.leases.empty()) {
      size_t leased = 0;
      for (size_t g : group.members) {
        const auto& mac = topo_.guests[g].nics[0].mac;
        leased += mac && live_.leases.count(mac->str()) ? 1 : 0;
      }
      lines.push_back(std::to_string(leased) + " of " + count + " hold a lease");
    }
    std::string s = R"(<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#5a6270">)";
    s += R"(<TR><TD BGCOLOR="#e4e8ee"><B>)" + model::xml_escape(first.name + " … " + last.name) +
         R"(</B><BR/><FONT POINT-SIZE="9">)" + model::xml_escape(what) + "</FONT></TD></TR>";
    s += R"(<TR><TD PORT="nic0" ALIGN="LEFT" BGCOLOR=")" + std::string(mode_fill(net.mode)) +
         R"("><FONT POINT-SIZE="10">)";
    for (const auto& line : lines) s += model::xml_escape(line) + R"(<BR ALIGN="LEFT"/>)";
    s += "</FONT></TD></TR></TABLE>";
    Node n;
    n.id = "n_group_" + group.id;
    n.label = s;
    n.html = true;
    n.shape = "plaintext";
    n.cluster = guest_cluster(first);
    const HopRole role = model::guest_link_role(net, first.kind);
    Node p;
    p.id = "n_gport_" + group.id;
    p.label = count + " × " + model::to_string(role) + "\n" + names_.host_nic(first, 0) + " … " +
              names_.host_nic(last, 0);
    p.shape = "box";
    p.style = "filled";
    p.color = mode_color(net.mode);
    p.fillcolor = "#ffffff";
    p.cluster = model::is_ovn(net) ? guest_cluster(first) : "cluster_net_" + id_part(net.name);
    p.attrs["fontsize"] = "10";
    for (size_t g : group.members) {
      const model::Guest& guest = topo_.guests[g];
      const std::string nic_name = model::guest_nic_name(guest.nics[0], 0);
      n.match["guest:" + guest.name + ":" + nic_name] = "nic0";
      n.match[role_key(HopRole::guest_nic, model::guest_namespace(topo_, guest) + ":" + nic_name)] = "nic0";
      if (role == HopRole::macvtap) p.match[role_key(HopRole::macvtap, guest.name + ":" + nic_name)] = "";
      else p.match["dev:" + names_.host_nic(guest, 0)] = "";
    }
    const std::string color = mode_color(net.mode);
    const std::string edge_style = net.mode == NetworkMode::isolated ? "dashed" : "solid";
    d_.nodes.push_back(std::move(n));
    d_.nodes.push_back(std::move(p));
    d_.edges.push_back(Edge{.from = "n_group_" + group.id, .to = "n_gport_" + group.id, .from_port = "nic0",
                            .color = color, .style = edge_style});
    const std::string& bridge_id = bridge_of_[net.name];
    if (model::is_ovn(net)) {
      d_.edges.push_back(Edge{.from = "n_gport_" + group.id, .to = "n_brint_" + id_part(model::guest_host(topo_, first)),
                              .color = color, .style = edge_style});
    } else if (!bridge_id.empty()) {
      d_.edges.push_back(Edge{.from = "n_gport_" + group.id, .to = bridge_id, .color = color, .style = edge_style});
    } else {
      const std::string up = net.uplink.empty() ? host_uplink(topo_, live_) : net.uplink;
      d_.edges.push_back(Edge{.from = "n_gport_" + group.id, .to = "n_nic_" + id_part(up), .label = "macvtap",
                              .color = color, .style = edge_style});
    }
  }

  void add_outside() {
    const std::string lab = topo_.name;
    if (want_wan_) {
      Node n = card_node("n_wan",
                         live_.sandbox ? card(model::sandbox_wan_namespace(lab),
                                              {"upstream router / internet", "203.0.113.1, 198.51.100.0/24"}, "#e9e2f5")
                                       : card("upstream network", {"router / internet"}, "#e9e2f5"),
                         "rounded,filled", "#6a5a8c");
      n.match[role_key(HopRole::upstream, "wan")] = "";
      d_.nodes.push_back(n);
      for (const auto& dev : wan_nics_)
        d_.edges.push_back(Edge{.from = "n_nic_" + id_part(dev), .to = n.id, .color = "#6a5a8c", .style = "bold"});
    }
    if (want_lan_) {
      Node n = card_node("n_lan",
                         live_.sandbox ? card(model::sandbox_lan_namespace(lab),
                                              {"office LAN (its own DHCP)", "192.0.2.0/24"}, "#fbe7cf")
                                       : card("physical LAN", {"its own router and DHCP"}, "#fbe7cf"),
                         "rounded,filled", mode_color(NetworkMode::bridge));
      n.match[role_key(HopRole::upstream, "lan")] = "";
      d_.nodes.push_back(n);
      std::set<std::string> done;
      for (const auto& nic : lan_nics_)
        if (done.insert(nic).second)
          d_.edges.push_back(Edge{.from = nic, .to = n.id, .color = mode_color(NetworkMode::bridge), .style = "bold"});
    }
  }

  void add_legend() {
    Cluster c;
    c.id = "cluster_legend";
    c.label = "legend";
    c.style = "rounded";
    c.color = "#bbbbbb";
    d_.clusters.push_back(c);
    std::string s = R"(<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">)";
    const NetworkMode modes[] = {NetworkMode::nat, NetworkMode::route, NetworkMode::isolated, NetworkMode::bridge};
    const char* what[] = {"nat: guests masqueraded behind the host uplink", "route: forwarded, addresses kept",
                          "isolated: guests and host only (dashed)", "bridge: guests directly on the LAN"};
    for (int i = 0; i < 4; ++i) {
      s += R"(<TR><TD BGCOLOR=")" + std::string(mode_color(modes[i])) + R"(" WIDTH="18"> </TD><TD BGCOLOR=")" +
           mode_fill(modes[i]) + R"(" ALIGN="LEFT"><FONT POINT-SIZE="10">)" + model::xml_escape(what[i]) + "</FONT></TD></TR>";
    }
    s += R"(<TR><TD BORDER="1" COLOR="#777777" STYLE="dashed" WIDTH="18"> </TD><TD ALIGN="LEFT"><FONT POINT-SIZE="10">)"
         "dnsmasq: DHCP range and DNS</FONT></TD></TR>";
    s += "</TABLE>";
    Node n;
    n.id = "n_legend";
    n.label = s;
    n.html = true;
    n.shape = "plaintext";
    n.cluster = c.id;
    d_.nodes.push_back(n);
    // An invisible edge from the rightmost node keeps the legend beside the
    // figure (to its right in dot's left-to-right ranks) instead of above it.
    std::string anchor = want_wan_ ? "n_wan" : want_lan_ ? "n_lan" : "";
    if (anchor.empty()) {
      for (const auto& node : d_.nodes)
        if (node.id.rfind("n_bridge_", 0) == 0) anchor = node.id;
    }
    if (!anchor.empty()) {
      Edge e{.from = anchor, .to = n.id, .style = "invis"};
      d_.edges.push_back(e);
    }
  }

  static const char* color_header(NetworkMode mode) { return mode_fill(mode); }

  const model::Topology& topo_;
  const LiveData& live_;
  const DiagramOptions& options_;
  const model::DeviceNames names_;
  std::vector<Group> groups_;
  std::map<size_t, size_t> group_of_;  // guest index -> index in groups_
  Diagram d_;
  std::map<std::string, std::vector<std::string>> nic_roles_;
  std::map<std::string, std::string> bridge_of_;
  std::set<std::string> wan_nics_;
  std::vector<std::string> lan_nics_;
  bool want_wan_ = false;
  bool want_lan_ = false;
};

}  // namespace

const char* mode_color(model::NetworkMode mode) {
  switch (mode) {
    case NetworkMode::nat: return "#1f6fb4";
    case NetworkMode::route: return "#2a9d3a";
    case NetworkMode::isolated: return "#7a7a7a";
    case NetworkMode::bridge: return "#d9730d";
  }
  return "#000000";
}

const char* mode_fill(model::NetworkMode mode) {
  switch (mode) {
    case NetworkMode::nat: return "#e6f0fa";
    case NetworkMode::route: return "#e7f5e9";
    case NetworkMode::isolated: return "#f0f0f0";
    case NetworkMode::bridge: return "#fcefdf";
  }
  return "#ffffff";
}

std::string host_uplink(const model::Topology& topology, const LiveData& live) {
  (void)live;  // the sandbox names its host uplink eth0 too (plan/target.h)
  if (!topology.host.uplink.empty()) return topology.host.uplink;
  return "eth0";
}

std::string nic_address_text(const model::Nic& nic, const model::Network* network, const LiveData& live) {
  switch (nic.address_kind) {
    case model::AddressKind::static_cidr: return nic.address ? nic.address->str() + " (static)" : "static";
    case model::AddressKind::none: return "no address";
    case model::AddressKind::dhcp: break;
  }
  if (nic.mac) {
    auto it = live.leases.find(nic.mac->str());
    if (it != live.leases.end()) return it->second + " (lease)";
    if (network && network->dhcp)
      for (const auto& host : network->dhcp->hosts)
        if (host.mac && *host.mac == *nic.mac) return "dhcp (reserved " + host.ip.str() + ")";
  }
  return "dhcp";
}

Diagram build_lab_diagram(const model::Topology& topology, const LiveData& live, const DiagramOptions& options) {
  return Builder(topology, live, options).build();
}

}  // namespace netlab::graphs
