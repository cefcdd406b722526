#pragma once
// The synthetic NAT lab of the correlator and conversation tests, as a capture
// set without records: g/eth0 (guest-nic) - h/v (veth) - h/br (bridge) - nat
// point - h/up (uplink) - w/wan0 (upstream), the devices numbered 0 to 4 in
// that order; and a hand-built frame added as a record of one of them.
#include <cstdint>
#include <utility>

#include "tests/unit/tracer/frames.h"
#include "tracer/capture_set.h"
#include "tracer/decode.h"

namespace netlab::tracer::testing {

/// The lab's hop map: one NIC, g's eth0 at 10.0.0.2/24, lab "syn".
inline model::HopMap synthetic_map() {
  model::HopMap m;
  m.lab = "syn";
  model::NicPath p;
  p.guest = "g";
  p.nic = "eth0";
  p.address = "10.0.0.2/24";
  using model::HopRole;
  p.hops = {{HopRole::guest_nic, "g", "eth0"}, {HopRole::veth, "h", "v"},    {HopRole::bridge, "h", "br"},
            {HopRole::nat, "h", ""},           {HopRole::uplink, "h", "up"}, {HopRole::upstream, "w", "wan0"}};
  m.nics.push_back(p);
  return m;
}

/// The lab's capture set: its hop map and its five Ethernet devices with their roles, no records yet.
inline CaptureSet synthetic_capture_set() {
  CaptureSet set;
  set.hopmap = synthetic_map();
  for (auto [ns, dev] : {std::pair{"g", "eth0"}, {"h", "v"}, {"h", "br"}, {"h", "up"}, {"w", "wan0"}})
    set.devices.push_back(Device{ns, dev, model::HopRole::unknown, "", kLinkEthernet});
  assign_roles(&set);
  return set;
}

/// Ethernet frame `frame` decoded as a record of device `dev` at `t_ns`, appended to `set`.
inline void add_frame(CaptureSet* set, uint16_t dev, uint64_t t_ns, const Bytes& frame) {
  PacketRecord r;
  r.device = dev;
  r.t_ns = t_ns;
  decode_frame(kLinkEthernet, frame.data(), static_cast<uint32_t>(frame.size()), static_cast<uint32_t>(frame.size()),
               &r);
  set->records.push_back(r);
}

}  // namespace netlab::tracer::testing
