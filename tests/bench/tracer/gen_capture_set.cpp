// tracer_bench_gen DIR [PACKETS]: writes a synthetic capture set to DIR:
// 4 devices (guest eth0, host veth, host uplink, wan0) in path order with a
// masquerade between the veth (device 2) and the uplink (device 3): source
// address, source port and TTL rewritten, MACs changed. Every packet is seen on
// all 4 devices, so records = 4 x PACKETS (default 262144 packets, 1048576
// records). Half are requests (UDP, TCP, ICMP echo), half replies.
#include <pcap/pcap.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tracer/capture_set.h"

namespace {

using Bytes = std::vector<uint8_t>;
void put16(Bytes* b, uint16_t v) { b->push_back(static_cast<uint8_t>(v >> 8)); b->push_back(static_cast<uint8_t>(v)); }
void put32(Bytes* b, uint32_t v) { put16(b, static_cast<uint16_t>(v >> 16)); put16(b, static_cast<uint16_t>(v)); }

struct Flow {
  uint32_t src, dst;
  uint16_t sport, dport;
};

/// One frame: Ethernet + IPv4 + (UDP | TCP | ICMP echo) with `payload`.
Bytes frame(uint8_t dmac, uint8_t smac, uint8_t proto, const Flow& f, uint8_t ttl, uint16_t ip_id, uint32_t seq,
            const Bytes& payload, bool reply) {
  Bytes b{0x02, 0, 0, 0, 0, dmac, 0x02, 0, 0, 0, 0, smac};
  put16(&b, 0x0800);
  Bytes l4;
  if (proto == 17) {
    put16(&l4, f.sport); put16(&l4, f.dport); put16(&l4, static_cast<uint16_t>(8 + payload.size())); put16(&l4, 0);
  } else if (proto == 6) {
    put16(&l4, f.sport); put16(&l4, f.dport); put32(&l4, seq); put32(&l4, seq ^ 0x5a5a5a5a);
    l4.push_back(5 << 4); l4.push_back(0x18); put16(&l4, 65535); put32(&l4, 0);
  } else {
    l4.push_back(reply ? 0 : 8); l4.push_back(0); put16(&l4, 0); put16(&l4, f.sport); put16(&l4, static_cast<uint16_t>(seq));
  }
  l4.insert(l4.end(), payload.begin(), payload.end());
  b.push_back(0x45); b.push_back(0);
  put16(&b, static_cast<uint16_t>(20 + l4.size()));
  put16(&b, ip_id); put16(&b, 0x4000);
  b.push_back(ttl); b.push_back(proto); put16(&b, 0);
  put32(&b, f.src); put32(&b, f.dst);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

struct DumpCloser {
  void operator()(pcap_dumper_t* d) const { if (d) pcap_dump_close(d); }
};
struct PcapCloser {
  void operator()(pcap_t* p) const { if (p) pcap_close(p); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tracer_bench_gen DIR [PACKETS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const long packets = argc > 2 ? std::atol(argv[2]) : 262144;
  std::filesystem::create_directories(dir);
  const char* devs[4][3] = {{"bench-g1", "eth0", "guest-nic"}, {"bench-host", "veth0", "veth"},
                            {"bench-host", "uplink", "uplink"}, {"bench-wan", "wan0", "upstream"}};
  {
    std::ofstream hm(std::filesystem::path(dir) / "hopmap.json");
    hm << "{\n  \"lab\": \"bench\",\n  \"nics\": [ {\n    \"guest\": \"g1\", \"nic\": \"eth0\", \"network\": \"default\","
          " \"mode\": \"nat\", \"mac\": \"02:00:00:00:00:01\", \"address\": \"10.0.0.2/24\",\n    \"hops\": [\n"
          "      {\"role\": \"guest-nic\", \"netns\": \"bench-g1\", \"device\": \"eth0\"},\n"
          "      {\"role\": \"veth\", \"netns\": \"bench-host\", \"device\": \"veth0\"},\n"
          "      {\"role\": \"nat\", \"netns\": \"bench-host\", \"device\": \"\"},\n"
          "      {\"role\": \"uplink\", \"netns\": \"bench-host\", \"device\": \"uplink\"},\n"
          "      {\"role\": \"upstream\", \"netns\": \"bench-wan\", \"device\": \"wan0\"} ] } ]\n}\n";
  }
  std::unique_ptr<pcap_t, PcapCloser> dead(pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO));
  std::unique_ptr<pcap_dumper_t, DumpCloser> dumps[4];
  for (int d = 0; d < 4; ++d) {
    std::string path = (std::filesystem::path(dir) / netlab::tracer::capture_file_name(devs[d][0], devs[d][1])).string();
    dumps[d].reset(pcap_dump_open(dead.get(), path.c_str()));
    if (!dumps[d]) {
      std::fprintf(stderr, "tracer_bench_gen: %s\n", pcap_geterr(dead.get()));
      return 1;
    }
  }
  std::mt19937_64 rng(7);
  const uint32_t guest = 0x0a000002, pub = 0xcb007102, server = 0xc6336401;
  // Each device file must be in time order: packet k starts at k*4 µs, hops 1 µs apart.
  for (long k = 0; k < packets; ++k) {
    uint8_t proto = (k % 3 == 0) ? 17 : (k % 3 == 1) ? 6 : 1;
    bool reply = (k / 3) % 2 == 1;
    Bytes payload(32 + static_cast<size_t>(rng() % 96));
    for (auto& byte : payload) byte = static_cast<uint8_t>(rng());
    uint16_t cport = static_cast<uint16_t>(32768 + k % 20000), nport = static_cast<uint16_t>(cport + 1000);
    uint16_t ip_id = static_cast<uint16_t>(k);
    uint32_t seq = static_cast<uint32_t>(rng());
    Flow inside = reply ? Flow{server, guest, 443, cport} : Flow{guest, server, cport, 443};
    Flow outside = reply ? Flow{server, pub, 443, nport} : Flow{pub, server, nport, 443};
    // Frames as seen on eth0, veth0 (guest side) and uplink, wan0 (after the masquerade).
    Bytes in = frame(reply ? 0x01 : 0x03, reply ? 0x03 : 0x01, proto, inside, reply ? 63 : 64, ip_id, seq, payload, reply);
    Bytes out = frame(reply ? 0x04 : 0x05, reply ? 0x05 : 0x04, proto, outside, reply ? 64 : 63, ip_id, seq, payload, reply);
    uint64_t t0 = 1700000000ull * 1000000000ull + static_cast<uint64_t>(k) * 4000;
    for (int hop = 0; hop < 4; ++hop) {
      int dev = reply ? 3 - hop : hop;
      const Bytes& f = dev < 2 ? in : out;
      uint64_t t = t0 + static_cast<uint64_t>(hop) * 1000;
      struct pcap_pkthdr h {};
      h.ts.tv_sec = static_cast<time_t>(t / 1000000000ull);
      h.ts.tv_usec = static_cast<suseconds_t>(t % 1000000000ull);  // nanoseconds: the dumper has nano precision
      h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
      pcap_dump(reinterpret_cast<u_char*>(dumps[dev].get()), &h, f.data());
    }
  }
  std::printf("wrote %ld packets, %ld records on 4 devices to %s\n", packets, packets * 4, dir.c_str());
  return 0;
}
