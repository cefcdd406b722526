#pragma once
// Probes for guests that cannot run commands (kvm): netlab's tap of the
// guest's NIC is persistent, and while no VM holds it the tracer attaches to
// it (/dev/net/tun, TUNSETIFF) and writes crafted frames with the guest's MAC
// and address, exactly as the VM would send them: they enter the bridge from
// the tap. It answers the host's ARP requests for the guest's address and
// reads what comes back, so the probe gets its reply like a real guest.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"
#include "tracer/probe.h"

namespace netlab::tracer {

struct InjectTarget {
  std::string netns;     // the tap's namespace (the KVM host)
  std::string tap;       // the guest NIC's tap
  model::Mac guest_mac;
  model::Ipv4 guest_ip;
  model::Mac next_hop;   // destination MAC: the bridge (gateway) or the peer guest
};

/// The Ethernet frame of probe number `seq` (ICMP echo, TCP SYN or UDP
/// datagram with probe_payload(nonce)), checksums filled in.
std::vector<uint8_t> craft_probe_frame(const InjectTarget& t, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                       uint16_t seq);

/// Sends spec.count crafted probes through the tap, waiting up to `wait_ms`
/// for each answer. An Error when the tap cannot be attached (e.g. a running
/// VM holds it: "busy").
Result<ProbeOutcome> inject_probe(const InjectTarget& target, const ProbeSpec& spec, model::Ipv4 dst, uint32_t nonce,
                                  int wait_ms);

}  // namespace netlab::tracer
