#pragma once
// Tunnels between the hosts of a lab (OVN's Geneve, or VXLAN): the decoder
// hands a UDP datagram to a well-known tunnel port here, and the frame inside
// becomes the record (so the packet is correlated with its sightings on the
// veths of both hosts), while the outer header — the hosts' underlay
// addresses, the VNI and OVN's logical port keys — is kept beside it and shown
// as the tunnel hop's change.
#include <cstdint>
#include <string>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/hopmap.h"
#include "tracer/decode.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

enum class TunnelKind : uint8_t { none = 0, geneve = 1, vxlan = 2 };

inline constexpr uint16_t kGenevePort = 6081;  // IANA; OVN's default encapsulation
inline constexpr uint16_t kVxlanPort = 4789;   // IANA

constexpr bool is_tunnel_port(uint16_t dport) { return dport == kGenevePort || dport == kVxlanPort; }

/// `udp` (n bytes: the UDP payload of *rec, an IPv4 datagram to a tunnel port)
/// as Geneve (version 0, options skipped; OVN's option class 0x0102 type 0x80
/// read) or VXLAN (the I flag set), carrying an Ethernet frame (or, Geneve, a
/// bare IPv4/IPv6 packet): decodes the inner frame into *rec, keeping the
/// capture's time, device, frame index, lengths and direction and the outer
/// header in rec->tunnel_*. False (and *rec untouched) for anything else, a
/// cut header, an IPv6 underlay or a tunnel inside a tunnel. Never reads past n.
bool decode_tunnel(const uint8_t* udp, uint32_t n, PacketRecord* rec);

/// "Geneve 100.64.0.1 → 100.64.0.2 VNI 1, OVN ports 1 → 2" (or "VXLAN ... VNI 5"): the outer header.
std::string describe_tunnel(const PacketRecord& rec);

/// The tunnel hops of a labelled packet: the one entered from a device of its
/// own host (namespace) is `tunnel-out`, out of it; one entered from another
/// host is `tunnel-in`, into it; each shows its outer header (describe_tunnel)
/// before what else changed. `recs` are the records the hops point into.
void label_tunnel_hops(const std::vector<PacketRecord>& recs, TracedPacket* packet);

/// True when some NIC path of `map` crosses a tunnel between hosts.
bool has_tunnel_hops(const model::HopMap& map);

/// A capture filter that also keeps tunnelled frames whose inner packet `inner`
/// matches: `inner` itself, VXLAN datagrams whose inner IPv4 source or
/// destination is `host`, and Geneve frames whose inner packet matches `inner`
/// (libpcap's `geneve` primitive; it comes last, since it moves the offsets for
/// the rest of the expression).
std::string tunnel_bpf_filter(const std::string& inner, model::Ipv4 host);

}  // namespace netlab::tracer
