#pragma once
// What a probe's exchange came to, read from its traced packets: the steps of
// the conversation in time order (a TCP handshake with its data, a UDP
// request and its response, an echo and its reply, or the ICMP error that
// answered any of them) and one outcome sentence naming the answer or its
// absence. Pure: works on TracedPackets and the records they point at.
#include <string>
#include <vector>

#include "tracer/capture_set.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

/// What the live tracer knows beyond the captures (all optional).
struct ConversationHints {
  int waited_ms = 0;        // how long the probe waited for an answer ("no SYN-ACK within 2 s"); 0 = unknown
  std::string reject_rule;  // the rule that rejected the request ("nft inet netlab_x forward: rule `...`"), "" = none seen
};

struct Conversation {
  std::vector<std::string> flow;  // "SYN", "SYN-ACK", "ACK", "data 13 B", "answer 13 B", "RST from 198.51.100.1",
                                  // "request udp 13 B", "port-unreachable from 198.51.100.1", ...
  std::string outcome;            // "connected, answered 13 B", "refused (RST from 198.51.100.1)",
                                  // "no SYN-ACK within 2 s", "reset by a reject rule at lab-host",
                                  // "198.51.100.1 answered port unreachable (udp/9 closed)", ...; "" = no probe packet
};

/// "port unreachable (udp/9 closed)", "host unreachable", "ttl exceeded", ...: what an ICMP error says.
std::string icmp_error_words(const PacketRecord& rec);

/// The conversation of the IP packets of `packets` (ARP is left out), whose
/// hops' records index `set.records`. An RST first seen where the destination
/// lives (upstream, a guest's NIC) refuses; one first seen on a device of the
/// host on the guest's side (or with a reject rule in the hints) while the
/// request went no further was made by a reject rule there.
Conversation converse(const std::vector<TracedPacket>& packets, const CaptureSet& set,
                      const ConversationHints& hints = {});

}  // namespace netlab::tracer
