#pragma once
// Fixtures of the live tracer's unit tests (live_test, cause_test,
// ipv6_cause_test): the probe filter checks run for either address family, a
// traced packet built from the hops it was seen on, and the explainer's input
// for a probe from guest g1 of lab "lab".
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <tuple>
#include <vector>

#include "netlab/host/nft_rules.h"
#include "tracer/explain.h"
#include "tracer/probe.h"

namespace netlab::tracer::testing {

/// For each protocol the probe speaks: the capture filter for `dst` compiles,
/// and the trace chain's match from `src` to `dst` (either direction) is one
/// the lab's trace chain accepts. `Addr` is model::Ipv4 or model::Ipv6.
template <class Addr>
void expect_probe_filters_valid(Addr src, Addr dst) {
  for (const char* p : {"icmp", "tcp:80", "udp:53"}) {
    ProbeSpec spec = *parse_probe_proto(p);
    std::string filter = probe_bpf_filter(spec, dst);
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    bpf_program prog{};
    EXPECT_EQ(pcap_compile(dead, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN), 0) << filter << pcap_geterr(dead);
    pcap_freecode(&prog);
    pcap_close(dead);
    for (bool reply : {false, true}) {
      std::string m = probe_nft_match(spec, src, dst, reply);
      EXPECT_FALSE(host::render_trace_chain("lab", m).empty()) << m;
    }
  }
}

/// Where a traced packet was seen: role, namespace, device.
using SeenAt = std::tuple<model::HopRole, std::string, std::string>;

/// A packet with `summary` seen on `hops` in order (numbered from 1), each in `direction`.
inline TracedPacket seen_on(const std::string& summary, const std::vector<SeenAt>& hops,
                            Direction direction = Direction::unknown) {
  TracedPacket p;
  p.summary = summary;
  for (const auto& [role, ns, dev] : hops) {
    Hop h;
    h.index = static_cast<int>(p.hops.size()) + 1;
    h.role = role;
    h.netns = ns;
    h.device = dev;
    h.direction = direction;
    p.hops.push_back(h);
  }
  return p;
}

/// The explainer's input for one probe sent from g1 (namespace lab-g1, eth0)
/// of lab "lab", whose host namespace is lab-host; the NIC, addresses and
/// facts beyond these are the test's.
inline ExplainInput probe_from_g1() {
  ExplainInput in;
  in.lab = "lab";
  in.nic.guest = "g1";
  in.probe.sent = 1;
  in.facts.guest_netns = "lab-g1";
  in.facts.guest_device = "eth0";
  in.facts.host_netns = "lab-host";
  return in;
}

}  // namespace netlab::tracer::testing
