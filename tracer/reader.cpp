#include "tracer/reader.h"

#include <cstdio>
#include <cstring>
#include <fstream>

#include "tracer/pcap_api.h"

namespace netlab::tracer {
namespace {

uint32_t normalise_dlt(int dlt) {
  if (dlt == 14 || dlt == 101) return kLinkRaw;
  return static_cast<uint32_t>(dlt);
}

uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }
uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }

}  // namespace

void PcapCloser::operator()(pcap_t* p) const {
  if (p != nullptr) pcap_api().pcap_close(p);
}

Result<PcapHandle> open_offline(const std::string& path) {
  if (auto loaded = model::load_api<PcapApi>(); !loaded) return loaded.error();
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_api().pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) return Error{"cannot read capture " + path + ": " + errbuf};
  return PcapHandle(p);
}

std::vector<Direction> pcapng_directions(const std::string& path) {
  std::vector<Direction> dirs;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  bool swap = false;
  std::vector<uint8_t> body;
  for (;;) {
    uint32_t hdr[2];
    if (!in.read(reinterpret_cast<char*>(hdr), sizeof hdr)) break;
    uint32_t type = hdr[0];
    if (type == 0x0A0D0D0A) {  // section header: learn the byte order
      uint32_t magic;
      if (!in.read(reinterpret_cast<char*>(&magic), 4)) return {};
      if (magic == 0x1A2B3C4D) swap = false;
      else if (magic == 0x4D3C2B1A) swap = true;
      else return {};
      uint32_t len = swap ? swap32(hdr[1]) : hdr[1];
      if (len < 16 || len % 4 != 0) return {};
      in.seekg(len - 12, std::ios::cur);
      continue;
    }
    if (swap) type = swap32(type);
    uint32_t len = swap ? swap32(hdr[1]) : hdr[1];
    if (len < 12 || len % 4 != 0 || len > (1u << 28)) return {};
    body.resize(len - 8);
    if (!in.read(reinterpret_cast<char*>(body.data()), static_cast<std::streamsize>(body.size()))) return {};
    if (type == 3 || type == 2) {  // simple / obsolete packet block: no flags
      dirs.push_back(Direction::unknown);
    } else if (type == 6) {
      Direction d = Direction::unknown;
      size_t n = body.size() - 4;  // trailing length copy
      if (n >= 20) {
        uint32_t caplen;
        std::memcpy(&caplen, body.data() + 12, 4);
        if (swap) caplen = swap32(caplen);
        size_t off = 20 + ((static_cast<size_t>(caplen) + 3) & ~size_t{3});
        while (off + 4 <= n) {
          uint16_t code, olen;
          std::memcpy(&code, body.data() + off, 2);
          std::memcpy(&olen, body.data() + off + 2, 2);
          if (swap) { code = swap16(code); olen = swap16(olen); }
          if (code == 0) break;
          if (off + 4 + olen > n) break;
          if (code == 2 && olen == 4) {
            uint32_t flags;
            std::memcpy(&flags, body.data() + off + 4, 4);
            if (swap) flags = swap32(flags);
            if ((flags & 3) == 1) d = Direction::in;
            else if ((flags & 3) == 2) d = Direction::out;
          }
          off += 4 + ((static_cast<size_t>(olen) + 3) & ~size_t{3});
        }
      }
      dirs.push_back(d);
    }
  }
  return dirs;
}

Result<CaptureInfo> read_capture(const std::string& path, uint16_t device, std::vector<PacketRecord>* out,
                                 FrameStore* frames) {
  auto handle = open_offline(path);
  if (!handle) return handle.error();
  pcap_t* p = handle->get();
  CaptureInfo info;
  info.linktype = normalise_dlt(pcap_api().pcap_datalink(p));
  info.snaplen = static_cast<uint32_t>(pcap_api().pcap_snapshot(p));
  if (!link_type_supported(info.linktype)) {
    const char* name = pcap_api().pcap_datalink_val_to_name(pcap_api().pcap_datalink(p));
    return Error{"capture " + path + ": unsupported link type " + std::to_string(pcap_api().pcap_datalink(p)) +
                 (name != nullptr ? std::string(" (") + name + ")" : std::string())};
  }
  // pcapng (not swapped pcap) files may carry a direction per packet.
  std::vector<Direction> dirs;
  bool is_pcapng = false;
  {
    std::ifstream probe(path, std::ios::binary);
    uint32_t magic = 0;
    if (probe.read(reinterpret_cast<char*>(&magic), 4)) is_pcapng = magic == 0x0A0D0D0A;
  }
  if (is_pcapng && info.linktype == kLinkEthernet) dirs = pcapng_directions(path);

  struct pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  uint32_t index = 0;
  int rc;
  while ((rc = pcap_api().pcap_next_ex(p, &hdr, &data)) == 1) {
    PacketRecord& rec = out->emplace_back();
    rec.t_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(hdr->ts.tv_usec);
    rec.device = device;
    rec.frame = index;
    decode_frame(info.linktype, data, hdr->caplen, hdr->len, &rec);
    if (rec.dir == Direction::unknown && index < dirs.size()) rec.dir = dirs[index];
    if (frames != nullptr) {
      frames->bytes.insert(frames->bytes.end(), data, data + hdr->caplen);
      frames->offsets.push_back(frames->bytes.size());
    }
    ++index;
  }
  info.frames = index;
  if (rc == PCAP_ERROR) return Error{"capture " + path + ": " + pcap_api().pcap_geterr(p)};
  return info;
}

}  // namespace netlab::tracer
