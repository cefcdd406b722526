#include "netlab/host/nft_rules.h"

#include <sstream>

#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"

namespace netlab::host {
namespace {

/// nft strings are double-quoted and cannot hold a quote: keep names printable and quote-free.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text)
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  return out + "\"";
}

/// "oifname "up"" or, without an uplink, "oifname != "br"".
std::string out_match(const NetworkRules& n) {
  return n.uplink.empty() ? "oifname != " + quoted(n.bridge) : "oifname " + quoted(n.uplink);
}
std::string in_match(const NetworkRules& n) {
  return n.uplink.empty() ? "iifname != " + quoted(n.bridge) : "iifname " + quoted(n.uplink);
}

void accept_rules(std::ostream& out, const std::string& lab, const NetworkRules& n) {
  const std::string tail = " counter accept comment " + quoted(rule_comment(lab, n.name)) + "\n";
  const std::string br = quoted(n.bridge);
  const std::string subnet = n.subnet.block().str();
  out << "    iifname " << br << " oifname " << br << tail;
  if (!model::forwards(n.mode)) return;
  out << "    oifname " << br << " ip daddr " << subnet << " ct state established,related" << tail;
  out << "    iifname " << br << " ip saddr " << subnet << " " << out_match(n) << tail;
  if (!model::masquerades(n.mode))  // routed: upstream may reach the guests
    out << "    " << in_match(n) << " oifname " << br << " ip daddr " << subnet << tail;
  for (const ForwardRule& f : n.forwards)  // published ports, once DNATed
    out << "    " << in_match(n) << " oifname " << br << " ip daddr " << f.to.str() << " " << model::to_string(f.proto)
        << " dport " << f.to_port << " ct status dnat" << tail;
  if (!n.subnet6) return;
  const std::string subnet6 = n.subnet6->block().str();
  out << "    oifname " << br << " ip6 daddr " << subnet6 << " ct state established,related" << tail;
  out << "    iifname " << br << " ip6 saddr " << subnet6 << " " << out_match(n) << tail;
  if (!n.masquerade6)  // routed IPv6 (also on a nat network without nat66): upstream may reach the guests
    out << "    " << in_match(n) << " oifname " << br << " ip6 daddr " << subnet6 << tail;
}

void dnat_rules(std::ostream& out, const std::string& lab, const NetworkRules& n) {
  const std::string comment = " comment " + quoted(rule_comment(lab, n.name)) + "\n";
  for (const ForwardRule& f : n.forwards)
    out << "    " << in_match(n) << " fib daddr type local " << model::to_string(f.proto) << " dport " << f.port
        << " counter dnat ip to " << f.to.str() << ":" << f.to_port << comment;
}

void reject_rules(std::ostream& out, const std::string& lab, const NetworkRules& n) {
  const std::string tail = " counter reject comment " + quoted(rule_comment(lab, n.name)) + "\n";
  out << "    iifname " << quoted(n.bridge) << tail;
  out << "    oifname " << quoted(n.bridge) << tail;
}

void nat_rules(std::ostream& out, const std::string& lab, const NetworkRules& n) {
  const std::string comment = " comment " + quoted(rule_comment(lab, n.name)) + "\n";
  const std::string subnet = n.subnet.block().str();
  const std::string from = "ip saddr " + subnet;
  out << "    " << from << " ip daddr 224.0.0.0/24 counter return" << comment;
  out << "    " << from << " ip daddr 255.255.255.255 counter return" << comment;
  out << "    meta l4proto { tcp, udp } " << from << " ip daddr != " << subnet << " " << out_match(n)
      << " counter masquerade to :1024-65535" << comment;
  out << "    " << from << " ip daddr != " << subnet << " " << out_match(n) << " counter masquerade" << comment;
  if (!n.subnet6 || !n.masquerade6) return;
  const std::string subnet6 = n.subnet6->block().str();
  const std::string from6 = "ip6 saddr " + subnet6;
  out << "    " << from6 << " ip6 daddr ff00::/8 counter return" << comment;
  out << "    meta l4proto { tcp, udp } " << from6 << " ip6 daddr != " << subnet6 << " " << out_match(n)
      << " counter masquerade to :1024-65535" << comment;
  out << "    " << from6 << " ip6 daddr != " << subnet6 << " " << out_match(n) << " counter masquerade" << comment;
}

}  // namespace

std::string rule_comment(const std::string& lab, const std::string& network) {
  return "netlab:" + lab + ":" + network;
}

std::string render_lab_ruleset(const LabRules& rules) {
  std::ostringstream out;
  out << "table inet " << model::nft_table_name(rules.lab) << " {\n";
  out << "  chain forward {\n";
  out << "    type filter hook forward priority filter; policy accept;\n";
  for (const NetworkRules& n : rules.networks)
    if (model::traits(n.mode).netlab_subnet) accept_rules(out, rules.lab, n);
  for (const NetworkRules& n : rules.networks)
    if (model::traits(n.mode).netlab_subnet) reject_rules(out, rules.lab, n);
  out << "  }\n";
  bool publishes = false;
  for (const NetworkRules& n : rules.networks) publishes = publishes || !n.forwards.empty();
  if (publishes) {
    out << "  chain prerouting {\n";
    out << "    type nat hook prerouting priority dstnat; policy accept;\n";
    for (const NetworkRules& n : rules.networks)
      if (model::traits(n.mode).publishes_ports) dnat_rules(out, rules.lab, n);
    out << "  }\n";
  }
  out << "  chain postrouting {\n";
  out << "    type nat hook postrouting priority srcnat; policy accept;\n";
  for (const NetworkRules& n : rules.networks)
    if (model::masquerades(n.mode)) nat_rules(out, rules.lab, n);
  out << "  }\n";
  out << "}\n";
  return out.str();
}

std::string render_lab_replace(const LabRules& rules) {
  const std::string table = "inet " + model::nft_table_name(rules.lab);
  return "add table " + table + "\ndelete table " + table + "\n" + render_lab_ruleset(rules);
}

std::string render_trace_chain(const std::string& lab, const std::string& match) {
  if (match.empty() || match.find_first_of(";{}#\"'\n\r\\") != std::string::npos) return {};
  const std::string table = "inet " + model::nft_table_name(lab);
  std::ostringstream out;
  out << "add chain " << table << " trace_pre { type filter hook prerouting priority raw - 1; policy accept; }\n";
  out << "add rule " << table << " trace_pre " << match << " meta nftrace set 1 comment "
      << quoted(rule_comment(lab, "trace")) << "\n";
  return out.str();
}

std::string render_trace_chain_removal(const std::string& lab) {
  return "delete chain inet " + model::nft_table_name(lab) + " trace_pre\n";
}

}  // namespace netlab::host
