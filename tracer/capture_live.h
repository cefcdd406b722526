#pragma once
// Live capture with libpcap on devices in several network namespaces. Each
// handle is created in a helper thread that entered the device's namespace
// (the packet socket stays bound there), in immediate mode with nanosecond
// timestamps and a kernel BPF filter, so only matching frames are copied to
// user space. One thread reads every handle (poll on their fds); frames are
// decoded once into PacketRecords, and the result is a CaptureSet the offline
// correlator takes as it is.
#include <pcap/pcap.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/capture_set.h"
#include "tracer/reader.h"

namespace netlab::tracer {

/// A device to capture on.
struct CaptureTarget {
  std::string netns;   // "" = the caller's namespace
  std::string device;
  bool promisc = false;  // needed on a bridge device to see frames it forwards between two ports
  bool operator==(const CaptureTarget&) const = default;
};

struct LiveOptions {
  std::string filter;              // BPF (pcap-filter syntax); "" = everything
  int snaplen = 65535;             // immediate mode uses TPACKET_V2: ring slots are snaplen-sized
  int buffer_bytes = 8 << 20;      // kernel ring per handle
  bool keep_frames = true;         // keep raw bytes (needed for --pcap and --save)
  /// true: every frame is readable at once (TPACKET_V2), what a probe trace
  /// of a few frames wants. false: libpcap's TPACKET_V3 block ring, frames
  /// delivered a block at a time (at the latest block_timeout_ms after they
  /// came), far cheaper per frame at high rates: for bulk captures.
  bool immediate = true;
  int block_timeout_ms = 5;
  /// When set, each frame goes here (the index of its target, libpcap's header
  /// with nanoseconds in ts.tv_usec, the bytes) and nothing is kept: take()
  /// then yields no records. For streaming captures (capture_stream.h).
  std::function<void(size_t target, const pcap_pkthdr& header, const u_char* bytes)> on_frame;
};

/// libpcap's counters of one handle (pcap_stats).
struct CaptureStats {
  uint64_t received = 0;   // ps_recv: frames that passed the filter
  uint64_t dropped = 0;    // ps_drop: dropped for lack of buffer space
  uint64_t if_dropped = 0; // ps_ifdrop
  uint64_t decoded = 0;    // records this process read
};

/// The distinct devices of the hop map paths that a trace from `guest` to a
/// destination crosses: the guest's NIC paths, plus the NIC paths of
/// `peer_guest` ("" = none) when the destination is another guest. Points are
/// skipped; bridge and ovs devices are captured in promiscuous mode.
std::vector<CaptureTarget> targets_for(const model::HopMap& map, const std::string& guest,
                                       const std::string& peer_guest);

class LiveCapture {
 public:
  /// Opens and activates one handle per target and installs the filter. An
  /// Error names the device and libpcap's reason; no handle stays open then.
  /// A target whose device is down is left out (targets() lists those captured)
  /// and named in skipped().
  static Result<LiveCapture> open(const std::vector<CaptureTarget>& targets, const LiveOptions& options);

  LiveCapture(LiveCapture&&) noexcept = default;
  LiveCapture& operator=(LiveCapture&&) noexcept = default;

  /// Reads whatever is ready, waiting at most `wait_ms` for the first frame.
  /// Returns the number of frames read.
  uint64_t poll(int wait_ms);
  /// Reads until `quiet_ms` pass without a frame (or `max_ms` in all).
  void drain(int quiet_ms, int max_ms);
  /// pcap_stats of each handle, in target order.
  std::vector<CaptureStats> stats() const;
  /// Frames read so far, all devices.
  uint64_t frames() const;
  /// The records read so far on target i, in arrival order (until take()):
  /// what a trace waiting for a packet it does not send looks at.
  const std::vector<PacketRecord>& records(size_t i) const { return handles_[i].records; }
  const std::vector<CaptureTarget>& targets() const { return targets_; }
  /// "ns/dev is down: not captured" for each target left out.
  const std::vector<std::string>& skipped() const { return skipped_; }
  /// The DLT_* link type of target i's handle.
  uint32_t link_type(size_t i) const { return handles_[i].linktype; }

  /// Moves what was captured into a CaptureSet for `hopmap` (one device per
  /// target, roles from the hop map, records of each device contiguous).
  CaptureSet take(const model::HopMap& hopmap);

 private:
  struct Handle {
    CaptureTarget target;
    PcapHandle pcap;
    uint32_t linktype = 0;
    std::vector<PacketRecord> records;
    FrameStore frames;
  };
  static void on_frame(u_char* user, const pcap_pkthdr* h, const u_char* bytes);

  LiveCapture() = default;
  std::vector<CaptureTarget> targets_;
  std::vector<std::string> skipped_;
  std::vector<Handle> handles_;
  bool keep_frames_ = true;
  std::function<void(size_t, const pcap_pkthdr&, const u_char*)> on_frame_;
};

}  // namespace netlab::tracer
