#pragma once
// Reading pcap and pcapng files with libpcap (nanosecond precision), decoding
// every frame once into PacketRecords appended to a flat vector.
#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netlab/model/result.h"
#include "tracer/decode.h"

namespace netlab::tracer {

/// Owns a pcap_t; closes it on destruction. Null when default-constructed.
struct PcapCloser {
  void operator()(pcap_t* p) const;
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

/// Opens a pcap or pcapng file for reading with nanosecond timestamps (loading
/// libpcap first, tracer/pcap_api.h). Returns an Error naming the file and
/// libpcap's reason on failure, or naming the package when libpcap is missing.
Result<PcapHandle> open_offline(const std::string& path);

/// Raw bytes of the frames of one capture, kept only when asked for (the
/// pcapng exporter needs them). frame(i) is the i-th frame as captured.
struct FrameStore {
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> offsets{0};  // offsets[i] .. offsets[i+1] is frame i

  size_t size() const { return offsets.size() - 1; }
  const uint8_t* data(size_t i) const { return bytes.data() + offsets[i]; }
  size_t length(size_t i) const { return static_cast<size_t>(offsets[i + 1] - offsets[i]); }
};

/// What read_capture learnt about the file besides its records.
struct CaptureInfo {
  uint32_t linktype = 0;  // DLT_* of the file
  uint32_t snaplen = 0;
  uint64_t frames = 0;    // frames read
};

/// Reads every frame of `path`, decodes it and appends one record per frame to
/// *out (device index `device`, frame index counting from 0). When `frames` is
/// not null the raw bytes are appended to it too. For pcapng files, the
/// epb_flags direction of each Enhanced Packet Block is used when the link type
/// itself carries none. Fails on an unreadable file or an unsupported link type.
Result<CaptureInfo> read_capture(const std::string& path, uint16_t device, std::vector<PacketRecord>* out,
                                 FrameStore* frames);

/// The inbound/outbound bits of every packet block of a pcapng file, in file
/// order (kUnknown for blocks without epb_flags). Empty for a pcap file or on
/// any parse problem (the caller then just has no direction).
std::vector<Direction> pcapng_directions(const std::string& path);

}  // namespace netlab::tracer
