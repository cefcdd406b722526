#pragma once
// Writing pcapng files: one Interface Description Block per device
// (if_name "<netns>/<device>", if_tsresol 9 = nanoseconds) and one Enhanced
// Packet Block per sighting, with an opt_comment naming the hop. Readable by
// Wireshark/tshark and libpcap.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netlab/model/file_io.h"
#include "netlab/model/result.h"
#include "tracer/capture_set.h"
#include "tracer/decode.h"
#include "tracer/traced_packet.h"

namespace netlab::tracer {

class PcapngWriter {
 public:
  /// Creates `path` (through model::OutputFile: never through a symbolic link,
  /// replaced only on close()) and writes the section header.
  static Result<PcapngWriter> create(const std::string& path);

  /// Adds an interface; returns its id (0, 1, ...). `dlt` is a libpcap DLT_* value.
  uint32_t add_interface(const std::string& name, uint32_t dlt, uint32_t snaplen);
  /// Adds a packet on interface `iface`; `comment` may be empty; `dir` sets epb_flags when known.
  void add_packet(uint32_t iface, uint64_t t_ns, const uint8_t* data, uint32_t caplen, uint32_t orig_len,
                  const std::string& comment, Direction dir);
  /// Flushes and closes, then puts the file in place; reports the first write error, if any.
  Status close();

 private:
  struct FileCloser {
    void operator()(FILE* f) const { if (f != nullptr) std::fclose(f); }
  };
  void write_block(uint32_t type, const std::vector<uint8_t>& body);

  std::optional<model::OutputFile> out_;
  std::unique_ptr<FILE, FileCloser> file_;  // buffered writes onto a dup of out_'s descriptor
  std::string path_;
  uint32_t interfaces_ = 0;
  bool failed_ = false;
  std::vector<uint8_t> scratch_;
};

/// Writes every device sighting of `packets` (in time order) to `path`, one
/// interface per device of `set`, each packet commented "packet P <kind>, hop N
/// <netns>/<device> <role> <direction>". `set` must have been loaded with frames.
Status write_trace_pcapng(const std::string& path, const std::vector<TracedPacket>& packets, const CaptureSet& set);

}  // namespace netlab::tracer
