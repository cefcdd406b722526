#pragma once
// `netlab capture`: a live capture streamed as pcapng while it runs, as
// containerlab's capture into Wireshark. Several devices are merged in time
// order into one stream (one Interface Description Block each); every packet
// carries a comment naming its hop. Reuses LiveCapture's handles (opened in
// each device's namespace, nanosecond timestamps, kernel BPF filter) and the
// pcapng writer of `trace --pcap`.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/hopmap.h"
#include "netlab/model/result.h"
#include "tracer/capture_live.h"
#include "tracer/pcapng_writer.h"

namespace netlab::tracer {

/// Which hop of a guest NIC's path to capture on (`--where`).
enum class CaptureWhere { guest, host, bridge, uplink };
/// "guest", "host", "bridge", "uplink"; nullopt otherwise.
std::optional<CaptureWhere> parse_capture_where(const std::string& text);

/// One device of the stream and how the pcapng shows it.
struct StreamInterface {
  CaptureTarget target;
  std::string name;         // if_name: "<lab>/<guest>:<nic>", plus "/<role>" away from the guest's own NIC
  std::string description;  // if_description: "<netns>/<device> (<role>)"
  std::string role;         // the hop's role, the start of every packet's comment
  std::string guest;        // the NIC's guest and MAC: frames from or to it say so in their comment
  std::string mac;
};

/// The interfaces for capturing `guest`'s NIC `nic` ("" = every NIC) of `lab`
/// at each of `where`, from the lab's hop map; a device two NICs share is
/// listed once. An Error (bad_input) for an unknown guest or NIC, or a hop the
/// path does not have (a VM's own NIC, the uplink of an isolated network).
Result<std::vector<StreamInterface>> stream_interfaces(const model::HopMap& map, const std::string& lab,
                                                       const std::string& guest, const std::string& nic,
                                                       const std::vector<CaptureWhere>& where);

struct StreamOptions {
  std::string filter;                    // BPF (pcap-filter syntax); "" = everything
  const std::atomic<bool>* stop = nullptr;  // set (by a signal handler) to end the capture
  /// The descriptor the writer streams to, watched for its reader going away
  /// while no packet comes (a pipe reports POLLERR then); -1 = none.
  int watch_fd = -1;
  /// Called once every handle is open (as tcpdump's "listening on").
  std::function<void(size_t devices)> on_capturing;
};

struct StreamResult {
  uint64_t packets = 0;             // written
  bool reader_gone = false;         // the stream's reader closed it (a broken pipe): a normal end
  std::vector<CaptureStats> stats;  // per interface
};

/// Captures on every interface and writes what it sees to `writer` (already
/// made, its section header written) until *options.stop is set or the
/// stream's reader goes away. Packets are held back for a short while (50 ms)
/// and written in time order across the interfaces. An Error when a capture
/// cannot be opened or a write fails for another reason than a gone reader.
Result<StreamResult> stream_capture(const std::vector<StreamInterface>& interfaces, const StreamOptions& options,
                                    PcapngWriter& writer);

}  // namespace netlab::tracer
