// The conversation of a trace (see conversation.h).
#include "tracer/conversation.h"

#include <fmt/format.h>

#include <set>

#include "netlab/model/mode_traits.h"
#include "tracer/label.h"

namespace netlab::tracer {
namespace {

/// The first device hop of a packet: where it was first seen (its record), or nullptr.
const Hop* first_device_hop(const TracedPacket& p) {
  for (const auto& h : p.hops)
    if (h.record >= 0) return &h;
  return nullptr;
}

std::string tcp_step(const PacketRecord& r, model::Leg leg) {
  const uint8_t f = r.tcp_flags;
  if (f & kTcpRst) return "RST from " + format_ip(r, true);
  if ((f & (kTcpSyn | kTcpAck)) == kTcpSyn) return "SYN";
  if ((f & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck)) return "SYN-ACK";
  std::string s;
  if (r.l4_payload_len > 0) s = fmt::format("{} {} B", leg == model::Leg::request ? "data" : "answer", r.l4_payload_len);
  if (f & kTcpFin) s += s.empty() ? "FIN" : " + FIN";
  if (s.empty()) s = "ACK";
  return s;
}

std::string waited(const ConversationHints& h) {
  if (h.waited_ms <= 0) return "";
  if (h.waited_ms % 1000 == 0) return fmt::format(" within {} s", h.waited_ms / 1000);
  return fmt::format(" within {:.1f} s", h.waited_ms / 1000.0);
}

/// Where an RST was made: "" when by the destination (first seen at a path's
/// end: upstream or a guest's NIC), else the namespace of the device it was first seen on.
std::string reset_maker(const Hop& first) {
  if (model::is_path_end(first.role)) return "";
  return first.netns.empty() ? std::string("the host") : first.netns;
}

}  // namespace

std::string icmp_error_words(const PacketRecord& r) {
  std::string closed;
  if (r.inner_proto == 6 || r.inner_proto == 17)
    closed = fmt::format(" ({}/{} closed)", r.inner_proto == 6 ? "tcp" : "udp", r.inner_dport);
  if (r.proto == 58) {
    switch (r.icmp_type) {
      case 1: return r.icmp_code == 4 ? "port unreachable" + closed : "destination unreachable";
      case 2: return "packet too big";
      case 3: return "hop limit exceeded";
      default: return "parameter problem";
    }
  }
  switch (r.icmp_type) {
    case 3:
      switch (r.icmp_code) {
        case 0: return "net unreachable";
        case 1: return "host unreachable";
        case 2: return "protocol unreachable";
        case 3: return "port unreachable" + closed;
        case 4: return "fragmentation needed";
        case 9: case 10: case 13: return "administratively prohibited";
        default: return fmt::format("unreachable (code {})", r.icmp_code);
      }
    case 11: return r.icmp_code == 0 ? "ttl exceeded" : "fragment reassembly time exceeded";
    case 12: return "parameter problem";
    default: return fmt::format("icmp type {}", r.icmp_type);
  }
}

Conversation converse(const std::vector<TracedPacket>& packets, const CaptureSet& set,
                      const ConversationHints& hints) {
  Conversation c;
  bool tcp = false, udp = false, echo = false;
  bool syn = false, syn_ack = false, request_dropped = false;
  int answer_bytes = 0, sent_bytes = 0;
  std::set<uint32_t> sent_seqs, answer_seqs;
  std::string rst_outcome, error_outcome, udp_answer, echo_answer;
  for (const auto& p : packets) {
    const Hop* first = first_device_hop(p);
    if (first == nullptr) continue;
    const PacketRecord& r = set.records[static_cast<size_t>(first->record)];
    if (r.l3 != L3::kIpv4 && r.l3 != L3::kIpv6) continue;
    if (r.has(kFlagIcmpError)) {
      c.flow.push_back(icmp_name(r) + " from " + format_ip(r, true));
      if (error_outcome.empty()) error_outcome = format_ip(r, true) + " answered " + icmp_error_words(r);
      continue;
    }
    if (r.has(kFlagTcp)) {
      tcp = true;
      c.flow.push_back(tcp_step(r, p.leg));
      if ((r.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn) {
        syn = true;
        request_dropped = request_dropped || p.dropped;
      }
      if ((r.tcp_flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck)) syn_ack = true;
      // Bytes of data each way, a retransmitted segment (same sequence number) counted once.
      if (!(r.tcp_flags & (kTcpSyn | kTcpRst)) && r.l4_payload_len > 0 &&
          (p.leg == model::Leg::request ? sent_seqs : answer_seqs).insert(r.tcp_seq).second)
        (p.leg == model::Leg::request ? sent_bytes : answer_bytes) += r.l4_payload_len;
      if ((r.tcp_flags & kTcpRst) && rst_outcome.empty()) {
        // A host device sent it back towards the guest while the request went no further: a reject rule (the
        // host answering for its own address, e.g. an unpublished port on the uplink, simply refuses).
        std::string maker = reset_maker(*first);
        bool rejected = !maker.empty() && request_dropped && (model::on_guest_side(first->role) || !hints.reject_rule.empty());
        if (!rejected) {
          rst_outcome = "refused (RST from " + format_ip(r, true) + ")";
        } else {
          rst_outcome = "reset by a reject rule at " + maker;
          if (!hints.reject_rule.empty()) rst_outcome += ": " + hints.reject_rule;
        }
      }
      continue;
    }
    if (r.has(kFlagUdp)) {
      udp = true;
      bool request = p.leg == model::Leg::request;
      std::string what = r.has(kFlagDns) ? fmt::format("dns {} {}", r.dns_qr ? "response" : "query", r.dns_name)
                                         : fmt::format("udp {} B", r.l4_payload_len);
      c.flow.push_back((request ? "request " : "answer ") + what);
      if (!request && udp_answer.empty())
        udp_answer = fmt::format("answered ({} from {}:{})", what, format_ip(r, true), r.sport);
      continue;
    }
    if (r.has(kFlagIcmp)) {
      // Only echoes are the probe's exchange; neighbour discovery (NDP, IPv6's ARP) is not.
      if (r.proto == 58 ? (r.icmp_type != 128 && r.icmp_type != 129) : (r.icmp_type != 0 && r.icmp_type != 8)) continue;
      echo = true;
      bool request = p.leg == model::Leg::request;
      c.flow.push_back(request ? "echo request" : "echo reply");
      if (!request && echo_answer.empty()) echo_answer = "answered (echo reply from " + format_ip(r, true) + ")";
    }
  }
  if (tcp && syn) {
    if (syn_ack) {
      c.outcome = "connected";
      if (answer_bytes > 0) c.outcome += fmt::format(", answered {} B", answer_bytes);
      else if (sent_bytes > 0) c.outcome += fmt::format(", no answer to the {} B sent", sent_bytes);
    } else if (!rst_outcome.empty()) {
      c.outcome = rst_outcome;
    } else if (!error_outcome.empty()) {
      c.outcome = error_outcome;
    } else {
      c.outcome = "no SYN-ACK" + waited(hints);
    }
  } else if (!error_outcome.empty()) {
    c.outcome = error_outcome;
  } else if (udp) {
    c.outcome = !udp_answer.empty() ? udp_answer : "no answer" + waited(hints);
  } else if (echo) {
    c.outcome = !echo_answer.empty() ? echo_answer : "no answer" + waited(hints);
  }
  return c;
}

}  // namespace netlab::tracer
