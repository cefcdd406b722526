// Unit tests of the live tracer's pure parts: probe parsing and the filters
// derived from it, nft trace message parsing, ruleset JSON indexing and rule
// text, FORWARD policy detection, the path facts' pure parts, the explainer's drop causes, conntrack formatting, and saving a
// capture set that load_capture_set reads back. No root, no network.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/unit/tracer/live_fixtures.h"
#include "tracer/capture_save.h"
#include "tracer/capture_set.h"
#include "tracer/conntrack.h"
#include "tracer/doctor.h"
#include "tracer/explain.h"
#include "tracer/inject.h"
#include "tracer/label.h"
#include "tracer/nft_rule_text.h"
#include "tracer/nft_trace.h"
#include "tracer/output_text.h"
#include "tracer/path_facts.h"
#include "tracer/probe.h"

namespace netlab::tracer {
namespace {

model::Ipv4 ip(const char* s) { return *model::Ipv4::parse(s); }

TEST(Probe, ParsesProtocols) {
  auto icmp = parse_probe_proto("icmp");
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->proto, ProbeProto::kIcmp);
  auto tcp = parse_probe_proto("tcp:8080");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->proto, ProbeProto::kTcp);
  EXPECT_EQ(tcp->port, 8080);
  EXPECT_EQ(probe_proto_text(*tcp), "tcp:8080");
  auto udp = parse_probe_proto("udp:53");
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->proto, ProbeProto::kUdp);
  for (const char* bad : {"", "tcp", "tcp:", "tcp:0", "tcp:65536", "udp:x", "sctp:1", "icmp:1", "tcp:80x"})
    EXPECT_FALSE(parse_probe_proto(bad)) << bad;
}

TEST(Probe, FilterCompilesAndNftMatchIsAccepted) {
  testing::expect_probe_filters_valid(ip("192.168.122.10"), ip("198.51.100.1"));
  EXPECT_EQ(probe_bpf_filter(*parse_probe_proto("tcp:80"), ip("198.51.100.1")),
            "host 198.51.100.1 and (tcp port 80 or icmp)");
  EXPECT_EQ(probe_nft_match(*parse_probe_proto("tcp:80"), ip("192.168.122.10"), ip("198.51.100.1"), false),
            "ip saddr 192.168.122.10 ip daddr 198.51.100.1 tcp dport 80");
  EXPECT_EQ(probe_nft_match(*parse_probe_proto("udp:53"), ip("192.168.122.10"), ip("198.51.100.1"), true),
            "ip saddr 198.51.100.1 udp sport 53");
}

/// Appends a netlink attribute.
void put_attr(std::vector<uint8_t>* b, uint16_t type, const void* data, size_t len) {
  nlattr a{static_cast<uint16_t>(NLA_HDRLEN + len), type};
  size_t at = b->size();
  b->resize(at + NLA_ALIGN(NLA_HDRLEN + len), 0);
  std::memcpy(b->data() + at, &a, sizeof a);
  if (len) std::memcpy(b->data() + at + NLA_HDRLEN, data, len);
}
void put_u32(std::vector<uint8_t>* b, uint16_t type, uint32_t v) {
  v = htonl(v);
  put_attr(b, type, &v, 4);
}
void put_str(std::vector<uint8_t>* b, uint16_t type, const std::string& s) { put_attr(b, type, s.c_str(), s.size() + 1); }

/// One NFT_MSG_TRACE message as the kernel sends it.
std::vector<uint8_t> trace_message(uint8_t family, const std::string& table, const std::string& chain, uint32_t id,
                                   uint32_t type, uint64_t handle, int32_t verdict, bool with_header) {
  std::vector<uint8_t> attrs;
  put_str(&attrs, NFTA_TRACE_TABLE, table);
  put_str(&attrs, NFTA_TRACE_CHAIN, chain);
  put_u32(&attrs, NFTA_TRACE_ID, id);
  put_u32(&attrs, NFTA_TRACE_TYPE, type);
  if (handle != 0) {
    uint32_t hl[2] = {htonl(static_cast<uint32_t>(handle >> 32)), htonl(static_cast<uint32_t>(handle))};
    put_attr(&attrs, NFTA_TRACE_RULE_HANDLE, hl, 8);
  }
  if (type == NFT_TRACETYPE_POLICY) {
    put_u32(&attrs, NFTA_TRACE_POLICY, static_cast<uint32_t>(verdict));
  } else {
    std::vector<uint8_t> v;
    put_u32(&v, NFTA_VERDICT_CODE, static_cast<uint32_t>(verdict));
    put_attr(&attrs, NFTA_TRACE_VERDICT | NLA_F_NESTED, v.data(), v.size());
  }
  if (with_header) {
    uint8_t iph[20] = {0x45, 0, 0, 84, 0, 1, 0x40, 0, 64, IPPROTO_ICMP, 0, 0, 192, 168, 122, 10, 198, 51, 100, 1};
    put_attr(&attrs, NFTA_TRACE_NETWORK_HEADER, iph, sizeof iph);
  }
  std::vector<uint8_t> msg(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)));
  nlmsghdr h{};
  h.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
  h.nlmsg_len = static_cast<uint32_t>(msg.size() + attrs.size());
  std::memcpy(msg.data(), &h, sizeof h);
  nfgenmsg g{family, NFNETLINK_V0, 0};
  std::memcpy(msg.data() + NLMSG_HDRLEN, &g, sizeof g);
  msg.insert(msg.end(), attrs.begin(), attrs.end());
  return msg;
}

TEST(NftTrace, ParsesRuleAndPolicyEventsAndPropagatesHeaders) {
  auto a = trace_message(NFPROTO_INET, "netlab_lab", "forward", 77, NFT_TRACETYPE_RULE, 6, NF_DROP, true);
  auto b = trace_message(NFPROTO_IPV4, "filter", "FORWARD", 77, NFT_TRACETYPE_POLICY, 0, NF_DROP, false);
  std::vector<uint8_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  auto events = parse_trace_messages(both.data(), both.size());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].family, "inet");
  EXPECT_EQ(events[0].table, "netlab_lab");
  EXPECT_EQ(events[0].chain, "forward");
  EXPECT_EQ(events[0].id, 77u);
  EXPECT_EQ(events[0].type, "rule");
  EXPECT_EQ(events[0].handle, 6u);
  EXPECT_EQ(events[0].verdict, "drop");
  EXPECT_EQ(events[0].src, ip("192.168.122.10"));
  EXPECT_EQ(events[0].dst, ip("198.51.100.1"));
  EXPECT_EQ(events[1].family, "ip");
  EXPECT_EQ(events[1].type, "policy");
  EXPECT_EQ(events[1].verdict, "drop");
  EXPECT_EQ(events[1].src.value, 0u);
  propagate_headers(&events);
  EXPECT_EQ(events[1].src, ip("192.168.122.10"));
  EXPECT_EQ(events[1].proto, IPPROTO_ICMP);
  // A cut message yields nothing rather than reading past the end.
  EXPECT_TRUE(parse_trace_messages(a.data(), a.size() - 30).empty());
}

// `nft -j list ruleset` of a lab's table beside an iptables-nft FORWARD chain
// (nftables 1.0.6; the rules' text as `nft list ruleset` printed it is in kRuleTexts).
const char* kRuleset = R"({"nftables": [
{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
{"table": {"family": "inet", "name": "netlab_lab", "handle": 2}},
{"chain": {"family": "inet", "table": "netlab_lab", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
{"chain": {"family": "inet", "table": "netlab_lab", "name": "postrouting", "handle": 2, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}},
{"rule": {"family": "inet", "table": "netlab_lab", "chain": "forward", "handle": 5, "comment": "netlab:lab:default", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lab-default"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.168.122.0", "len": 24}}}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"counter": {"packets": 3, "bytes": 252}}, {"accept": null}]}},
{"rule": {"family": "inet", "table": "netlab_lab", "chain": "forward", "handle": 6, "comment": "netlab:lab:default", "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lab-default"}}, {"counter": {"packets": 0, "bytes": 0}}, {"reject": {"type": "icmpx", "expr": "port-unreachable"}}]}},
{"rule": {"family": "inet", "table": "netlab_lab", "chain": "postrouting", "handle": 12, "comment": "netlab:lab:default", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.168.122.0", "len": 24}}}}, {"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "192.168.122.0", "len": 24}}}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"counter": {"packets": 1, "bytes": 84}}, {"masquerade": null}]}},
{"table": {"family": "ip", "name": "filter", "handle": 3}},
{"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}},
{"chain": {"family": "ip", "table": "filter", "name": "DOCKER", "handle": 2}},
{"rule": {"family": "ip", "table": "filter", "chain": "FORWARD", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}
]})";

Ruleset parsed_ruleset() {
  auto ruleset = parse_ruleset_json(kRuleset);
  EXPECT_TRUE(ruleset) << ruleset.error().message;
  return ruleset ? *ruleset : Ruleset{};
}

TEST(NftTrace, IndexesRulesetJsonAndAnnotates) {
  RuleIndex index = index_rules(parsed_ruleset());
  auto it = index.find({"inet", "netlab_lab", "postrouting", 12});
  ASSERT_NE(it, index.end());
  EXPECT_EQ(it->second.text, "ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 oifname \"eth0\" counter masquerade");
  EXPECT_EQ(it->second.comment, "netlab:lab:default");
  auto f = index.find({"ip", "filter", "FORWARD", 2});
  ASSERT_NE(f, index.end());
  EXPECT_EQ(f->second.text, "ip daddr 10.0.0.0/8 counter accept");
  EXPECT_EQ(f->second.comment, "");
  std::vector<TraceEvent> events(1);
  events[0].family = "inet";
  events[0].table = "netlab_lab";
  events[0].chain = "forward";
  events[0].type = "rule";
  events[0].handle = 6;
  events[0].verdict = "drop";
  annotate_rules(index, &events);
  EXPECT_EQ(events[0].rule, "iifname \"lab-default\" counter reject");
  EXPECT_EQ(format_event(events[0]), "inet netlab_lab forward rule `iifname \"lab-default\" counter reject` → drop");
}

TEST(NftTrace, RejectsWhatIsNotARulesetListing) {
  EXPECT_FALSE(parse_ruleset_json("table inet x {"));
  EXPECT_FALSE(parse_ruleset_json(R"({"tables": []})"));
}

TEST(NftRuleText, WritesRulesAsNftListsThem) {
  // Each JSON rule beside the text `nft list ruleset` (1.0.6) printed for it, counter values dropped.
  const std::vector<std::pair<const char*, const char*>> kRuleTexts{
      {R"([{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"accept": null}])",
       "ct state established,related accept"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"set": ["10.0.0.1", "10.0.0.2"]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"range": [80, 90]}}}, {"drop": null}])",
       "ip daddr { 10.0.0.1, 10.0.0.2 } tcp dport 80-90 drop"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"jump": {"target": "foo"}}])",
       "meta l4proto tcp jump foo"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "mark"}}, "right": 1}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": "icmp"}}, {"log": {"prefix": "x "}}, {"limit": {"rate": 5, "burst": 5, "per": "second"}}, {"accept": null}])",
       "meta mark 0x00000001 ip protocol icmp log prefix \"x \" limit rate 5/second accept"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "198.51.100.1"}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}])",
       "ip daddr 198.51.100.1 counter drop"},
      {R"([{"return": null}])", "return"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "x"}}, {"snat": {"family": "ip", "addr": "1.2.3.4"}}])",
       "oifname \"x\" snat ip to 1.2.3.4"},
      {R"([{"mangle": {"key": {"meta": {"key": "nftrace"}}, "value": 1}}])", "meta nftrace set 1"},
      // The forms host::render_lab_ruleset and render_trace_chain write.
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lab-br"}}, {"match": {"op": "!=", "left": {"meta": {"key": "oifname"}}, "right": "lab-br"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}])",
       "iifname \"lab-br\" oifname != \"lab-br\" counter accept"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "lab-br"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 24}}}}, {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}])",
       "oifname \"lab-br\" ip daddr 10.0.0.0/24 ct state established,related counter accept"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 24}}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "224.0.0.0", "len": 24}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"return": null}])",
       "ip saddr 10.0.0.0/24 ip daddr 224.0.0.0/24 counter return"},
      {R"([{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["tcp", "udp"]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 24}}}}, {"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 24}}}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"counter": {"packets": 0, "bytes": 0}}, {"masquerade": {"port": {"range": [1024, 65535]}}}])",
       "meta l4proto { tcp, udp } ip saddr 10.0.0.0/24 ip daddr != 10.0.0.0/24 oifname \"eth0\" counter masquerade to :1024-65535"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.2"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "198.51.100.1"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"mangle": {"key": {"meta": {"key": "nftrace"}}, "value": 1}}])",
       "ip saddr 10.0.0.2 ip daddr 198.51.100.1 tcp dport 80 meta nftrace set 1"},
      {R"([{"match": {"op": "==", "left": {"payload": {"protocol": "icmp", "field": "type"}}, "right": "echo-reply"}}, {"mangle": {"key": {"meta": {"key": "nftrace"}}, "value": 1}}])",
       "icmp type echo-reply meta nftrace set 1"},
      {R"([{"match": {"op": "==", "left": {"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, ["syn", "ack"]]}, "right": "syn"}}, {"drop": null}])",
       "tcp flags syn / syn,ack drop"},
  };
  for (const auto& [json, text] : kRuleTexts) EXPECT_EQ(nft_rule_text(nlohmann::json::parse(json)), text);
  // An unknown statement is shown, not dropped.
  EXPECT_EQ(nft_rule_text(nlohmann::json::parse(R"([{"synproxy": {"mss": 1460}}, {"drop": null}])")),
            "synproxy {\"mss\":1460} drop");
}

TEST(Doctor, FindsForwardPolicyDropOfOtherTables) {
  Ruleset ruleset = parsed_ruleset();
  EXPECT_EQ(forward_drop_chains(ruleset, "netlab_lab"), std::vector<std::string>{"ip filter FORWARD"});
  EXPECT_TRUE(forward_drop_chains(ruleset, "filter").empty());
}

TEST(PathFacts, PlacesOfAPath) {
  model::NicPath nic;
  nic.hops = {{model::HopRole::guest_nic, "lab-g1", "eth0"}, {model::HopRole::veth, "lab-host", "lab-g1-0"}, {model::HopRole::bridge, "lab-host", "lab-default"},
              {model::HopRole::nat, "lab-router", ""}, {model::HopRole::uplink, "lab-router", "uplink"}};
  PathPlaces p = path_places(nic);
  EXPECT_EQ(p.guest_netns, "lab-g1");
  EXPECT_EQ(p.guest_device, "eth0");
  EXPECT_EQ(p.host_netns, "lab-router");  // the nat point wins over the first veth
  ASSERT_EQ(p.devices.size(), 4u);        // the nat point has no device
  EXPECT_EQ(p.devices[3].device, "uplink");
}

TEST(PathFacts, LinksDownAndMtuMismatch) {
  std::vector<model::Hop> devices{{model::HopRole::guest_nic, "lab-g1", "eth0"}, {model::HopRole::veth, "lab-host", "lab-g1-0"},
                                  {model::HopRole::bridge, "lab-host", "lab-default"}, {model::HopRole::uplink, "lab-host", "uplink"}};
  auto link = [](const char* name, bool up, const char* oper, int mtu) {
    host::LinkInfo l;
    l.name = name;
    l.up = up;
    l.oper_state = oper;
    l.mtu = mtu;
    return l;
  };
  std::map<std::string, std::vector<host::LinkInfo>> links{
      {"lab-g1", {link("eth0", true, "lowerlayerdown", 1500)}},
      {"lab-host", {link("lab-g1-0", true, "up", 1500), link("lab-default", true, "up", 1400),
                    link("uplink", false, "down", 9000)}}};
  PathFacts f;
  link_findings(devices, links, &f);
  EXPECT_EQ(f.links_down, (std::vector<std::string>{"lab-g1/eth0 is down", "lab-host/uplink is down"}));
  // The uplink's MTU is not the path's.
  EXPECT_EQ(f.mtu_mismatch, std::vector<std::string>{"lab-g1/eth0 mtu 1500, lab-host/lab-default mtu 1400"});
}

TEST(PathFacts, MasqueradeRuleOfTheNetwork) {
  Ruleset ruleset = parsed_ruleset();
  EXPECT_TRUE(has_masquerade_rule(ruleset, "lab", "default"));
  EXPECT_FALSE(has_masquerade_rule(ruleset, "lab", "other"));
  EXPECT_FALSE(has_masquerade_rule(ruleset, "lab2", "default"));
}

TEST(Conntrack, FormatsEntries) {
  CtEntry e;
  e.proto = IPPROTO_TCP;
  e.original = {ip("192.168.122.10"), ip("198.51.100.1"), 40000, 80};
  e.reply = {ip("198.51.100.1"), ip("203.0.113.2"), 80, 40000};
  e.status = (1u << 4) | (1u << 1);
  e.state = "ESTABLISHED";
  EXPECT_TRUE(e.src_nat());
  EXPECT_EQ(format_entry(e), "tcp original 192.168.122.10:40000 → 198.51.100.1:80, reply 198.51.100.1:80 → "
                             "203.0.113.2:40000 [SNAT, seen-reply, ESTABLISHED]");
}

/// A request seen on guest NIC, veth and bridge, then lost.
TracedPacket lost_request() {
  TracedPacket p = testing::seen_on("icmp echo-request 192.168.122.10 → 198.51.100.1 id 1 seq 0",
                                    {{HopRole::guest_nic, "lab-g1", "eth0"},
                                     {HopRole::veth, "lab-host", "lab-g1-0"},
                                     {HopRole::bridge, "lab-host", "lab-default"}},
                                    Direction::out);
  p.dropped = true;
  p.drop_after = "lab-host/lab-default";
  return p;
}

ExplainInput base_input() {
  ExplainInput in = testing::probe_from_g1();
  in.nic.network = "default";
  in.nic.mode = model::NetworkMode::nat;
  in.src = ip("192.168.122.10");
  in.dst = ip("198.51.100.1");
  return in;
}

TEST(Explain, ForwardingOff) {
  ExplainInput in = base_input();
  in.facts.host_forwarding = false;
  std::vector<TracedPacket> packets{lost_request()};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].drop_cause, "forwarding off: net.ipv4.ip_forward=0 in lab-host");
}

TEST(Explain, DropVerdictWinsAndRulesAttach) {
  ExplainInput in = base_input();
  in.facts.host_forwarding = false;  // a verdict seen in the trace is the more precise cause
  TraceEvent e;
  e.id = 9;
  e.family = "inet";
  e.table = "netlab_lab";
  e.chain = "forward";
  e.type = "rule";
  e.handle = 6;
  e.rule = "iifname \"lab-default\" counter reject";
  e.verdict = "drop";
  e.src = in.src;
  e.dst = in.dst;
  in.events = {e};
  std::vector<TracedPacket> packets{lost_request()};
  explain(in, &packets);
  EXPECT_EQ(packets[0].drop_cause, "nft inet netlab_lab forward: rule `iifname \"lab-default\" counter reject` → drop");
  ASSERT_EQ(packets[0].hops.back().rules.size(), 1u);
  EXPECT_EQ(packets[0].hops.back().rules[0].verdict, "drop");
}

TEST(Explain, MissingLeaseWhenNothingLeftTheGuest) {
  ExplainInput in = base_input();
  in.src = {};
  in.probe.sent = 0;
  in.probe.error = "Network is unreachable";
  in.facts.guest_has_address = false;
  in.facts.dnsmasq_running = false;
  std::vector<TracedPacket> packets;
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].dropped);
  EXPECT_EQ(packets[0].drop_after, "lab-g1/eth0");
  EXPECT_EQ(packets[0].drop_cause,
            "DHCP lease missing: lab-g1/eth0 has no IPv4 address and the network's dnsmasq is not running");
}

TEST(Explain, MissingMasqueradeGivesAMissingReply) {
  ExplainInput in = base_input();
  in.facts.nat_rule_present = false;
  TracedPacket req = lost_request();
  req.dropped = false;
  req.drop_after.clear();
  Hop up;
  up.index = 4;
  up.role = HopRole::upstream;
  up.netns = "lab-wan";
  up.device = "wan0";
  req.hops.push_back(up);
  std::vector<TracedPacket> packets{req};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].leg, model::Leg::reply);
  EXPECT_TRUE(packets[1].dropped);
  EXPECT_EQ(packets[1].drop_after, "lab-wan/wan0");
  EXPECT_EQ(packets[1].drop_cause.rfind("masquerade missing: the request left with source 192.168.122.10 unchanged", 0), 0u);
  // A reply that did arrive needs no such packet.
  ExplainInput ok = base_input();
  ok.probe.answered = 1;
  std::vector<TracedPacket> fine{req};
  explain(ok, &fine);
  EXPECT_EQ(fine.size(), 1u);
}

// The cause is read from what the hops recorded (tag, change bits), not from their text.
TEST(Explain, TaggedRequestAtTheSwitchNamesItsVlan) {
  ExplainInput in = base_input();
  in.nic.mode = model::NetworkMode::isolated;
  TracedPacket req = lost_request();
  req.dropped = false;
  req.drop_after.clear();
  req.hops.back().role = HopRole::ovs;
  req.hops.back().vlan = 10;
  std::vector<TracedPacket> packets{req};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].drop_cause.rfind("the request reached lab-host/lab-default tagged with VLAN 10, but", 0), 0u)
      << packets[1].drop_cause;
  // Untagged there: no VLAN story.
  req.hops.back().vlan = -1;
  std::vector<TracedPacket> untagged{req};
  explain(in, &untagged);
  ASSERT_EQ(untagged.size(), 2u);
  EXPECT_EQ(untagged[1].drop_cause.find("VLAN"), std::string::npos) << untagged[1].drop_cause;
}

TEST(Explain, UnansweredArpTaggedAtTheSwitchNamesItsVlan) {
  ExplainInput in = base_input();
  in.facts.neighbours_failed = {"lab-g1: 192.168.122.1 on eth0"};
  TracedPacket arp = lost_request();
  arp.summary = "arp who-has 192.168.122.1 tell 192.168.122.10";
  arp.dropped = false;
  arp.drop_after.clear();
  arp.hops.back().role = HopRole::ovs;
  arp.hops.back().vlan = 10;
  std::vector<TracedPacket> packets{arp};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].drop_cause,
            "no ARP reply: lab-g1: 192.168.122.1 on eth0; the ARP request reached lab-host/lab-default tagged with "
            "VLAN 10, but the host's own port on that switch is untagged (no VLAN 10 interface on the host), so the "
            "host drops it: a VLAN guest reaches only its own VLAN");
}

TEST(Explain, RewrittenSourceAtTheNatPointIsNoMissingMasquerade) {
  ExplainInput in = base_input();
  in.facts.nat_rule_present = true;
  TracedPacket req = lost_request();
  req.dropped = false;
  req.drop_after.clear();
  Hop nat;
  nat.index = 4;
  nat.role = HopRole::nat;
  nat.netns = "lab-host";
  nat.direction = Direction::point;
  nat.changes = kChangeSrcIp;
  req.hops.push_back(nat);
  std::vector<TracedPacket> packets{req};
  explain(in, &packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].drop_cause, "no reply from 198.51.100.1");
  req.hops.back().changes = kChangeTtl;  // only the TTL changed: the source left unchanged
  std::vector<TracedPacket> unchanged{req};
  explain(in, &unchanged);
  EXPECT_EQ(unchanged[1].drop_cause.rfind("masquerade missing:", 0), 0u) << unchanged[1].drop_cause;
}

uint16_t ones_sum(const uint8_t* p, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (len % 2) sum += static_cast<uint32_t>(p[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

TEST(Inject, CraftedFramesDecodeWithValidChecksums) {
  InjectTarget t;
  t.guest_mac = *model::Mac::parse("52:54:00:00:00:31");
  t.guest_ip = ip("192.168.122.31");
  t.next_hop = *model::Mac::parse("02:00:00:00:00:01");
  for (const char* p : {"icmp", "tcp:80", "udp:9999"}) {
    ProbeSpec spec = *parse_probe_proto(p);
    auto f = craft_probe_frame(t, spec, ip("198.51.100.1"), 4242, 3);
    PacketRecord rec;
    decode_frame(kLinkEthernet, f.data(), static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size()), &rec);
    EXPECT_FALSE(rec.has(kFlagTruncated)) << p;
    EXPECT_EQ(rec.l3, L3::kIpv4);
    EXPECT_EQ(format_ip(rec, true), "192.168.122.31");
    EXPECT_EQ(format_ip(rec, false), "198.51.100.1");
    EXPECT_EQ(format_mac(rec.l2_src), "52:54:00:00:00:31");
    EXPECT_EQ(format_mac(rec.l2_dst), "02:00:00:00:00:01");
    EXPECT_EQ(ones_sum(f.data() + 14, 20), 0xffff) << p << ": IPv4 header checksum";
    size_t l4 = f.size() - 34;
    uint32_t pseudo = spec.proto == ProbeProto::kIcmp ? 0 : ones_sum(f.data() + 26, 8) + f[23] + static_cast<uint32_t>(l4);
    EXPECT_EQ(ones_sum(f.data() + 34, l4, pseudo), 0xffff) << p << ": L4 checksum";
    if (spec.proto == ProbeProto::kIcmp) {
      EXPECT_EQ(summarize(rec), "icmp echo-request 192.168.122.31 → 198.51.100.1 id 4242 seq 3");
    } else if (spec.proto == ProbeProto::kTcp) {
      EXPECT_EQ(rec.dport, 80);
      EXPECT_EQ(rec.tcp_flags, kTcpSyn);
    } else {
      EXPECT_EQ(rec.dport, 9999);
    }
  }
}

TEST(CaptureSave, RoundTripsThroughLoadCaptureSet) {
  auto set = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", true);
  ASSERT_TRUE(set) << set.error().message;
  std::string dir = ::testing::TempDir() + "/netlab-save-test";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(save_capture_set(*set, dir));
  auto back = load_capture_set(dir, true);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->records.size(), set->records.size());
  EXPECT_EQ(back->hopmap, set->hopmap);
  EXPECT_EQ(format_hop_list(trace_capture_set(*back)), format_hop_list(trace_capture_set(*set)));
  std::filesystem::remove_all(dir);
  // Without frames there is nothing to save.
  auto no_frames = load_capture_set(std::string(NETLAB_TRACES_DIR) + "/nat-ping", false);
  EXPECT_FALSE(save_capture_set(*no_frames, dir));
}

}  // namespace
}  // namespace netlab::tracer

// OVN's logical view (ovn_logical.h): ovn-trace's --detailed output read into
// pipelines and stages, summarised, and the unbound-port cause put on drops.
#include "tracer/ovn_logical.h"

namespace netlab::tracer {
namespace {

// In the format of ovn-trace 23.03 --detailed: a switch's ingress and egress for a guest-to-guest ping.
const char* kSwitchTrace = R"(# icmp,reg14=0x1,vlan_tci=0x0000,dl_src=52:54:00:8a:33:50,dl_dst=52:54:00:f1:bc:12,nw_src=10.72.0.100,nw_dst=10.72.0.101,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0

ingress(dp="ls-front", inport="a1:eth0")
----------------------------------------
 0. ls_in_check_port_sec (northd.c:8126): 1, priority 50, uuid 1e3d6b0a
    reg0[15] = check_in_port_sec();
    next;
 4. ls_in_acl (northd.c:6600): ip4 && ip4.dst == 10.72.0.101, priority 1001, uuid 77aa1c2e
    next;
27. ls_in_l2_lkup (northd.c:9485): eth.dst == 52:54:00:f1:bc:12, priority 50, uuid 8b0f3e11
    outport = "b1:eth0";
    output;

egress(dp="ls-front", inport="a1:eth0", outport="b1:eth0")
----------------------------------------------------------
 9. ls_out_check_port_sec (northd.c:5850): 1, priority 0, uuid 4c1d2e3f
    reg0[15] = check_out_port_sec();
    next;
10. ls_out_apply_port_sec (northd.c:5870): 1, priority 0, uuid 5d2e3f40
    output;
    /* output to "b1:eth0", type "" */
)";

TEST(OvnLogical, ParsesPipelinesStagesAndTheOutput) {
  OvnLogicalView v = parse_ovn_trace(kSwitchTrace);
  ASSERT_EQ(v.pipelines.size(), 2u);
  EXPECT_EQ(v.pipelines[0].direction, "ingress");
  EXPECT_EQ(v.pipelines[0].datapath, "ls-front");
  EXPECT_EQ(v.pipelines[0].inport, "a1:eth0");
  ASSERT_EQ(v.pipelines[0].stages.size(), 3u);
  EXPECT_EQ(v.pipelines[0].stages[1].name, "ls_in_acl");
  EXPECT_EQ(v.pipelines[0].stages[1].match, "ip4 && ip4.dst == 10.72.0.101");
  EXPECT_EQ(v.pipelines[0].stages[1].priority, 1001);
  EXPECT_EQ(v.pipelines[0].stages[2].actions, (std::vector<std::string>{"outport = \"b1:eth0\";", "output;"}));
  EXPECT_EQ(v.pipelines[1].outport, "b1:eth0");
  EXPECT_EQ(v.verdict, "output to \"b1:eth0\", type \"\"");
  EXPECT_EQ(v.drop_stage, "");
  ASSERT_EQ(v.summary.size(), 2u);
  EXPECT_EQ(v.summary[0],
            "ingress ls-front from a1:eth0: port security; ACL (ls_in_acl `ip4 && ip4.dst == 10.72.0.101`); "
            "L2 lookup: outport = \"b1:eth0\"; output; (3 stages)");
}

TEST(OvnLogical, ADropNamesItsStage) {
  const char* trace = R"(# icmp
ingress(dp="ls-front", inport="a1:eth0")
----------------------------------------
 0. ls_in_check_port_sec (northd.c:8126): 1, priority 50, uuid 1e3d6b0a
    next;
 4. ls_in_acl (northd.c:6600): ip4 && ip4.dst == 10.72.0.101, priority 2000, uuid 77aa1c2e
    drop;
)";
  OvnLogicalView v = parse_ovn_trace(trace);
  EXPECT_EQ(v.drop_stage, "ls_in_acl");
  EXPECT_EQ(v.verdict, "dropped in the ingress pipeline of ls-front at ls_in_acl (ACL, match `ip4 && ip4.dst == 10.72.0.101`)");
}

TEST(OvnLogical, MicroflowOfEachProbe) {
  model::Ipv4 a{0x0a480064}, b{0x0a480065};
  ProbeSpec icmp;
  EXPECT_EQ(probe_microflow("a1:eth0", "52:54:00:00:00:01", "52:54:00:00:00:02", a, b, icmp),
            "inport == \"a1:eth0\" && eth.src == 52:54:00:00:00:01 && eth.dst == 52:54:00:00:00:02 && "
            "ip4.src == 10.72.0.100 && ip4.dst == 10.72.0.101 && ip.ttl == 64 && icmp4.type == 8 && icmp4.code == 0");
  ProbeSpec tcp{ProbeProto::kTcp, 80};
  EXPECT_NE(probe_microflow("a1:eth0", "m", "n", a, b, tcp).find("tcp.dst == 80 && tcp.flags == 0x002"),
            std::string::npos);
}

TEST(OvnLogical, AnUnboundPortIsTheCauseOfEveryDrop) {
  OvnLogicalView v;
  v.unbound = {"port b1:eth0 is not bound to any chassis: ..."};
  std::vector<TracedPacket> packets(2);
  packets[0].dropped = true;
  packets[0].drop_cause = "no ARP reply: ...";
  apply_logical_causes(v, &packets);
  EXPECT_EQ(packets[0].drop_cause, "port b1:eth0 is not bound to any chassis: ...");
  EXPECT_EQ(packets[1].drop_cause, "");
  EXPECT_NE(format_logical_view(v).find("  cause: port b1:eth0 is not bound"), std::string::npos);
}

}  // namespace
}  // namespace netlab::tracer
