// Saving a capture set (see capture_save.h).
#include "tracer/capture_save.h"

#include <unistd.h>

#include <filesystem>

#include "netlab/model/file_io.h"
#include "tracer/pcap_api.h"

namespace netlab::tracer {

Status save_capture_set(const CaptureSet& set, const std::string& dir) {
  namespace fs = std::filesystem;
  if (set.frames.size() != set.devices.size()) return Error{"the capture set holds no frames to save"};
  if (auto loaded = model::load_api<PcapApi>(); !loaded) return loaded.error();
  // Created as root, maybe in a directory others can write: a symbolic link at
  // `dir` or at any file in it is refused, never followed (model::file_io).
  if (auto made = model::make_directory(dir, 0755); !made) return made;
  const std::string hm = (fs::path(dir) / model::kHopMapFile).string();
  if (auto w = model::write_file(hm, model::hopmap_to_json(set.hopmap)); !w) return w;
  size_t r = 0;
  for (size_t d = 0; d < set.devices.size(); ++d) {
    const Device& dev = set.devices[d];
    std::string path = (fs::path(dir) / capture_file_name(dev.netns, dev.name)).string();
    PcapHandle dead(pcap_api().pcap_open_dead_with_tstamp_precision(static_cast<int>(dev.linktype), 262144,
                                                         PCAP_TSTAMP_PRECISION_NANO));
    if (!dead) return Error{"cannot write " + path};
    auto out = model::OutputFile::create(path);
    if (!out) return out.error();
    int fd = ::dup(out->fd());
    FILE* file = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
    if (file == nullptr) {
      if (fd >= 0) ::close(fd);
      return Error{"cannot write " + path};
    }
    pcap_dumper_t* dumper = pcap_api().pcap_dump_fopen(dead.get(), file);  // owns `file` from here
    if (dumper == nullptr) {
      std::fclose(file);
      return Error{"cannot write " + path + ": " + pcap_api().pcap_geterr(dead.get())};
    }
    const FrameStore& frames = set.frames[d];
    for (; r < set.records.size() && set.records[r].device == d; ++r) {
      const PacketRecord& rec = set.records[r];
      if (rec.frame >= frames.size()) continue;
      pcap_pkthdr h{};
      h.ts.tv_sec = static_cast<time_t>(rec.t_ns / 1000000000ull);
      h.ts.tv_usec = static_cast<suseconds_t>(rec.t_ns % 1000000000ull);  // nanoseconds in a nano pcap
      h.caplen = static_cast<bpf_u_int32>(frames.length(rec.frame));
      h.len = rec.frame_len;
      pcap_api().pcap_dump(reinterpret_cast<u_char*>(dumper), &h, frames.data(rec.frame));
    }
    bool bad = pcap_api().pcap_dump_flush(dumper) != 0;
    pcap_api().pcap_dump_close(dumper);
    if (bad) return Error{"cannot write " + path};
    if (auto placed = out->commit(); !placed) return placed;
  }
  return {};
}

}  // namespace netlab::tracer
