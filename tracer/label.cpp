#include "tracer/label.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

#include "tracer/tunnel.h"

namespace netlab::tracer {
namespace {

const char* kArrow = " \u2192 ";

std::string tcp_flags(uint8_t f) {
  std::string s;
  if (f & kTcpSyn) s += 'S';
  if (f & kTcpFin) s += 'F';
  if (f & kTcpRst) s += 'R';
  if (f & kTcpPsh) s += 'P';
  if (f & kTcpUrg) s += 'U';
  if (f & kTcpAck) s += '.';
  return s;
}

const char* dhcp_name(uint8_t t) {
  static const char* names[] = {"bootp", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform"};
  return t < 9 ? names[t] : "dhcp";
}

/// The embedded header's address: IPv6 inside an ICMPv6 error, else IPv4.
std::string inner_ip(const PacketRecord& r, bool source) {
  const uint8_t* a = source ? r.inner_src : r.inner_dst;
  if (r.proto == 58) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, a, buf, sizeof buf);
    return buf;
  }
  return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
}

/// The address an ICMPv6 neighbour solicitation asks for or an advertisement announces.
std::string nd_target(const PacketRecord& r) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, r.nd_target(), buf, sizeof buf);
  return buf;
}

const char* proto_name(uint8_t proto) {
  switch (proto) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmp6";
    default: return "ip";
  }
}

/// " about udp 203.0.113.2:61000 → 198.51.100.1:9": the packet an ICMP or
/// ICMPv6 error answers (IPv6 endpoints in brackets).
std::string about_inner(const PacketRecord& r) {
  if (!r.has(kFlagIcmpError) || r.inner_proto == 0) return "";
  if (r.inner_proto == 6 || r.inner_proto == 17) {
    const char* fmt6 = " about {} [{}]:{}{}[{}]:{}";
    const char* fmt4 = " about {} {}:{}{}{}:{}";
    return fmt::format(fmt::runtime(r.proto == 58 ? fmt6 : fmt4), proto_name(r.inner_proto), inner_ip(r, true),
                       r.inner_sport, kArrow, inner_ip(r, false), r.inner_dport);
  }
  if (r.inner_proto == 1 || r.inner_proto == 58)
    return fmt::format(" about {} {}{}{} id {}", proto_name(r.inner_proto), inner_ip(r, true), kArrow,
                       inner_ip(r, false), r.inner_sport);
  return fmt::format(" about {} {}{}{}", proto_name(r.inner_proto), inner_ip(r, true), kArrow, inner_ip(r, false));
}

std::string endpoint(const PacketRecord& r, bool source) {
  std::string ip = format_ip(r, source);
  uint16_t port = source ? r.sport : r.dport;
  if (r.l3 == L3::kIpv6) return fmt::format("[{}]:{}", ip, port);
  return fmt::format("{}:{}", ip, port);
}

}  // namespace

std::string icmp_name(const PacketRecord& r) {
  if (r.proto == 1) {
    switch (r.icmp_type) {
      case 0: return "echo-reply";
      case 3:
        switch (r.icmp_code) {
          case 0: return "net-unreachable";
          case 1: return "host-unreachable";
          case 2: return "protocol-unreachable";
          case 3: return "port-unreachable";
          case 4: return "frag-needed";
          case 9: case 10: case 13: return "admin-prohibited";
          default: return "unreachable";
        }
      case 4: return "source-quench";
      case 12: return "parameter-problem";
      case 5: return "redirect";
      case 8: return "echo-request";
      case 11: return r.icmp_code == 0 ? "ttl-exceeded" : "time-exceeded";
      default: return fmt::format("type {}", r.icmp_type);
    }
  }
  switch (r.icmp_type) {
    case 1:
      switch (r.icmp_code) {
        case 0: return "no-route";
        case 1: return "admin-prohibited";
        case 3: return "address-unreachable";
        case 4: return "port-unreachable";
        default: return "unreachable";
      }
    case 2: return "packet-too-big";
    case 3: return "time-exceeded";
    case 128: return "echo-request";
    case 129: return "echo-reply";
    case 133: return "router-solicitation";
    case 134: return "router-advertisement";
    case 135: return "neighbor-solicitation";
    case 136: return "neighbor-advertisement";
    default: return fmt::format("type {}", r.icmp_type);
  }
}

std::string format_ip(const PacketRecord& rec, bool source) {
  const uint8_t* a = source ? rec.src : rec.dst;
  char buf[INET6_ADDRSTRLEN] = {};
  if (rec.l3 == L3::kIpv6) {
    inet_ntop(AF_INET6, a, buf, sizeof buf);
    return buf;
  }
  return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
}

std::string format_mac(const uint8_t* m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

std::string summarize(const PacketRecord& r) {
  std::string s;
  switch (r.l3) {
    case L3::kNone:
      return "truncated frame";
    case L3::kOther:
      return fmt::format("ethertype 0x{:04x}, {} bytes", r.ethertype, r.frame_len);
    case L3::kArp:
      if (r.arp_op == 1) return fmt::format("arp who-has {} tell {}", format_ip(r, false), format_ip(r, true));
      if (r.arp_op == 2)
        return fmt::format("arp reply {} is-at {}", format_ip(r, true), format_mac(r.arp_sha));
      return fmt::format("arp op {}", r.arp_op);
    case L3::kIpv4:
    case L3::kIpv6:
      break;
  }
  const std::string src = format_ip(r, true), dst = format_ip(r, false);
  if (r.has(kFlagFragment)) {
    s = fmt::format("ip fragment {}{}{} proto {} id {}", src, kArrow, dst, r.proto, r.ip_id);
  } else if (r.has(kFlagIcmp)) {
    s = fmt::format("{} {} {}{}{}", r.proto == 58 ? "icmp6" : "icmp", icmp_name(r), src, kArrow, dst);
    if (r.icmp_type == 0 || r.icmp_type == 8 || r.icmp_type == 128 || r.icmp_type == 129)
      s += fmt::format(" id {} seq {}", r.icmp_id, r.icmp_seq);
    if (r.proto == 58 && (r.icmp_type == 135 || r.icmp_type == 136))
      s += (r.icmp_type == 135 ? " who-has " : " target ") + nd_target(r);
    s += about_inner(r);
  } else if (r.has(kFlagTcp)) {
    s = fmt::format("tcp {}{}{} [{}] seq {}", endpoint(r, true), kArrow, endpoint(r, false), tcp_flags(r.tcp_flags),
                    r.tcp_seq);
    if (r.tcp_flags & kTcpAck) s += fmt::format(" ack {}", r.tcp_ack);
    s += fmt::format(" len {}", r.l4_payload_len);
  } else if (r.has(kFlagUdp)) {
    if (r.has(kFlagDhcp)) {
      s = fmt::format("dhcp {} xid 0x{:08x} {}{}{}", dhcp_name(r.dhcp_msg_type), r.dhcp_xid, src, kArrow, dst);
      if (r.dhcp_op == 2) s += fmt::format(" yiaddr {}.{}.{}.{}", r.dhcp_yiaddr[0], r.dhcp_yiaddr[1], r.dhcp_yiaddr[2],
                                           r.dhcp_yiaddr[3]);
    } else if (r.has(kFlagDns)) {
      s = fmt::format("dns {} id {} {} {}{}{}", r.dns_qr ? "response" : "query", r.dns_id, r.dns_name, src, kArrow,
                      dst);
    } else {
      s = fmt::format("udp {}{}{} len {}", endpoint(r, true), kArrow, endpoint(r, false), r.l4_payload_len);
    }
  } else {
    s = fmt::format("ip proto {} {}{}{}", r.proto, src, kArrow, dst);
  }
  if (r.has(kFlagVlan)) s = fmt::format("vlan {} ", r.vlan) + s;
  if (r.has(kFlagTruncated)) s += " (truncated)";
  return s;
}

std::string describe_changes(const PacketRecord& a, const PacketRecord& b, uint16_t ch) {
  // One buffer, no temporaries: this runs for every changed hop of every packet.
  fmt::memory_buffer out;
  auto to = [&] {
    if (out.size() > 0) out.append(std::string_view(", "));
    return std::back_inserter(out);
  };
  auto mac = [](const uint8_t* m) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
  };
  if (ch & kChangeSrcIp) fmt::format_to(to(), "src {}{}{}", format_ip(a, true), kArrow, format_ip(b, true));
  if (ch & kChangeDstIp) fmt::format_to(to(), "dst {}{}{}", format_ip(a, false), kArrow, format_ip(b, false));
  if (ch & kChangeSport) fmt::format_to(to(), "sport {}{}{}", a.sport, kArrow, b.sport);
  if (ch & kChangeDport) fmt::format_to(to(), "dport {}{}{}", a.dport, kArrow, b.dport);
  if (ch & kChangeIcmpId) fmt::format_to(to(), "icmp id {}{}{}", a.icmp_id, kArrow, b.icmp_id);
  if (ch & kChangeInner) {  // the embedded header of an ICMP error, rewritten with the outer one
    const size_t len = a.l3 == L3::kIpv6 ? 16 : 4;
    if (std::memcmp(a.inner_src, b.inner_src, len) != 0)
      fmt::format_to(to(), "embedded src {}{}{}", inner_ip(a, true), kArrow, inner_ip(b, true));
    if (std::memcmp(a.inner_dst, b.inner_dst, len) != 0)
      fmt::format_to(to(), "embedded dst {}{}{}", inner_ip(a, false), kArrow, inner_ip(b, false));
    if (a.inner_sport != b.inner_sport)
      fmt::format_to(to(), "embedded {} {}{}{}", a.inner_proto == 1 || a.inner_proto == 58 ? "icmp id" : "sport", a.inner_sport, kArrow,
                     b.inner_sport);
    if (a.inner_dport != b.inner_dport)
      fmt::format_to(to(), "embedded dport {}{}{}", a.inner_dport, kArrow, b.inner_dport);
  }
  if (ch & kChangeTtl) fmt::format_to(to(), "{} {}{}{}", a.l3 == L3::kIpv6 ? "hop limit" : "TTL", a.ttl, kArrow, b.ttl);
  if (ch & kChangeSrcMac) fmt::format_to(to(), "src MAC {}{}{}", mac(a.l2_src), kArrow, mac(b.l2_src));
  if (ch & kChangeDstMac) fmt::format_to(to(), "dst MAC {}{}{}", mac(a.l2_dst), kArrow, mac(b.l2_dst));
  if (ch & kChangeVlan) {
    auto v = [](const PacketRecord& r) { return r.has(kFlagVlan) ? std::to_string(r.vlan) : std::string("none"); };
    fmt::format_to(to(), "vlan {}{}{}", v(a), kArrow, v(b));
  }
  return fmt::to_string(out);
}

std::vector<TracedPacket> label(const Correlation& corr, const CaptureSet& set, const HopGraph& graph) {
  std::vector<TracedPacket> out;
  out.reserve(corr.paths.size());
  const auto& recs = set.records;
  for (const auto& path : corr.paths) {
    TracedPacket tp;
    tp.leg = path.leg;
    const PathHop* hops = corr.hops.data() + path.first_hop;
    tp.summary = summarize(recs[hops[0].record]);
    tp.hops.reserve(path.hop_count);
    for (uint32_t i = 0; i < path.hop_count; ++i) {
      const PathHop& ph = hops[i];
      const GraphNode& node = graph.node(ph.node);
      Hop h;
      h.index = static_cast<int>(i) + 1;
      h.t_ns = recs[ph.record].t_ns;
      h.netns = node.netns;
      h.device = node.device;
      h.friendly = node.friendly;
      h.role = ph.role;
      if (node.point) {
        h.direction = Direction::point;
      } else {
        h.record = ph.record;
        if (recs[ph.record].has(kFlagVlan)) h.vlan = recs[ph.record].vlan;
        h.direction = ph.bridged_through ? Direction::fwd : ph.dir;  // the capture's in/out, or unknown
      }
      if (ph.changes != 0 && ph.prev_record != UINT32_MAX) {
        h.changes = ph.changes;
        h.change = describe_changes(recs[ph.prev_record], recs[ph.record], ph.changes);
      }
      tp.hops.push_back(std::move(h));
    }
    label_tunnel_hops(recs, &tp);
    if (path.dropped) {
      tp.dropped = true;
      const GraphNode& last = graph.node(recs[path.drop_after_record].device);
      tp.drop_after = last.netns + "/" + last.device;
    }
    out.push_back(std::move(tp));
  }
  return out;
}

std::vector<TracedPacket> trace_capture_set(const CaptureSet& set, const CorrelateOptions& options) {
  HopGraph graph = HopGraph::build(set.hopmap, set.devices);
  Correlation corr = correlate(set, graph, options);
  return label(corr, set, graph);
}

}  // namespace netlab::tracer
