#pragma once
// Link impairment on a traced path: which of the path's devices carry a netem
// root qdisc (read over rtnetlink before the probe, with its drop counter, and
// the counter again after it), and what that means for the traced packets:
// the time a packet spent held on an impaired hop, and a drop named as netem's
// when the qdisc's drop counter moved during the probe.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/impairment.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

struct NetemHop {
  std::string netns, device;
  std::string friendly;         // "web:eth0"
  bool guest_side = false;      // the guest's own NIC (its sending side); else the host side toward it
  model::Impairment impairment;
  uint32_t drops_before = 0, drops_after = 0;
};

/// The guest-nic and veth/tap devices of `nic` whose root qdisc is netem, with
/// their drop counters now. Devices that cannot be read are left out.
std::vector<NetemHop> read_netem_hops(const model::NicPath& nic);
/// Reads the drop counters again into drops_after.
void reread_netem_drops(std::vector<NetemHop>* hops);

/// Pure: notes on every hop seen on an impaired device ("netem delay 50ms on
/// web:eth0: held 50.2 ms", the time since the previous hop, or since
/// `sent_ns` for the first request leaving the guest; 0 = unknown), and for
/// a dropped packet, when a netem drop counter on its side moved, the cause
/// "dropped by the netem loss on web:eth0 ...".
void annotate_netem(const std::vector<NetemHop>& hops, uint64_t sent_ns, std::vector<TracedPacket>* packets);

}  // namespace netlab::tracer
