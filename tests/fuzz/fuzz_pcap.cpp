// libFuzzer target: any bytes as a capture file through read_capture() (libpcap
// reading pcap/pcapng, then netlab's frame decoder on every frame) and through
// pcapng_directions() (netlab's own pcapng block walker). Neither may crash,
// hang or read out of bounds. The bytes reach them as a memfd, by path, because
// both take a file name.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tracer/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = ::memfd_create("fuzz.pcap", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  std::vector<netlab::tracer::PacketRecord> records;
  netlab::tracer::FrameStore frames;
  auto info = netlab::tracer::read_capture(path, 0, &records, &frames);
  if (info && frames.size() != records.size()) __builtin_trap();  // one record per frame kept
  netlab::tracer::pcapng_directions(path);
  ::close(fd);
  return 0;
}
