#pragma once
// Probes for a live trace: what to send (ICMP echo, TCP connect, UDP
// datagram), the capture filter and nft trace match derived from it, and the
// sender, which opens its own socket inside the guest's network namespace
// (no subprocess). Every probe carries a recognisable payload.
#include <cstdint>
#include <string>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::tracer {

enum class ProbeProto { kIcmp, kTcp, kUdp };

/// What to send: protocol, destination port (TCP/UDP) and how many probes.
struct ProbeSpec {
  ProbeProto proto = ProbeProto::kIcmp;
  uint16_t port = 0;
  int count = 1;
  /// --payload: TCP sends it once connected and waits for the answer; UDP sends
  /// it as the datagram (udp:53: the name a DNS query asks for). "" = the
  /// default (no data over TCP, probe_payload() over UDP, a name of
  /// probe_payload() for DNS).
  std::string payload;
};

/// Parses "icmp", "tcp:PORT" or "udp:PORT" (PORT 1..65535); an Error otherwise.
Result<ProbeSpec> parse_probe_proto(const std::string& text);
/// "icmp", "tcp:80", "udp:53".
std::string probe_proto_text(const ProbeSpec& spec);

/// The libpcap filter that keeps the probe's packets on every hop (before and
/// after NAT) and ICMP errors about them, e.g. "host 198.51.100.1 and (tcp port 80 or icmp)".
std::string probe_bpf_filter(const ProbeSpec& spec, model::Ipv4 dst);
/// The same for an IPv6 destination, with icmp6: "host 2001:db8:100::1 and icmp6".
std::string probe_bpf_filter(const ProbeSpec& spec, const model::Ipv6& dst);
/// The nft match selecting the probe's packets in one direction, for
/// host::render_trace_chain: request "ip saddr G ip daddr D <l4>", reply
/// "ip saddr D <l4>" (the reply's destination is the NAT address before prerouting).
std::string probe_nft_match(const ProbeSpec& spec, model::Ipv4 src, model::Ipv4 dst, bool reply);
/// The same for IPv6: "ip6 saddr G ip6 daddr D meta l4proto ipv6-icmp", reply "ip6 saddr D ...".
std::string probe_nft_match(const ProbeSpec& spec, const model::Ipv6& src, const model::Ipv6& dst, bool reply);

/// What the sender saw.
struct ProbeOutcome {
  int sent = 0;          // probes handed to the kernel
  int answered = 0;      // echo replies / established connections / UDP answers
  int refused = 0;       // TCP RST, ICMP unreachable seen by the socket
  uint16_t echo_id = 0;  // ICMP echo identifier used
  uint16_t sport = 0;    // local port (TCP/UDP) of the last probe
  int answer_bytes = 0;  // TCP with a payload: bytes the server sent back; UDP: bytes of the answer
  std::string error;     // the socket error of the last probe ("" = none), e.g. "Network is unreachable"
};

/// The payload every probe carries (UDP and ICMP): "netlab-trace <nonce>".
std::string probe_payload(uint32_t nonce);

/// A DNS query (id `id`, one question, type A, recursion desired) for `name`:
/// what a udp:53 probe sends, so that a DNS server answers it.
std::string dns_query(uint16_t id, const std::string& name);

/// Sends spec.count probes from inside namespace `netns` to `dst`, one after
/// the other, waiting up to `wait_ms` for each answer. A probe the kernel
/// refuses (no address, no route) is not an Error: it is reported in
/// ProbeOutcome::error. An Error only when the namespace or a socket cannot be
/// opened at all.
Result<ProbeOutcome> send_probe(const std::string& netns, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                int wait_ms);
/// The same to an IPv6 destination: an ICMPv6 echo, or TCP/UDP over IPv6.
Result<ProbeOutcome> send_probe(const std::string& netns, const ProbeSpec& spec, const model::Ipv6& dst,
                                uint32_t nonce, int wait_ms);

}  // namespace netlab::tracer
