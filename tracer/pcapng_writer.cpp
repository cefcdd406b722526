#include "tracer/pcapng_writer.h"

#include <algorithm>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace netlab::tracer {
namespace {

void put16(std::vector<uint8_t>* b, uint16_t v) { b->insert(b->end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 2); }
void put32(std::vector<uint8_t>* b, uint32_t v) { b->insert(b->end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 4); }
void pad4(std::vector<uint8_t>* b) { while (b->size() % 4 != 0) b->push_back(0); }
void option(std::vector<uint8_t>* b, uint16_t code, const void* data, size_t len) {
  put16(b, code);
  put16(b, static_cast<uint16_t>(len));
  const auto* p = static_cast<const uint8_t*>(data);
  b->insert(b->end(), p, p + len);
  pad4(b);
}
void end_of_options(std::vector<uint8_t>* b) { put32(b, 0); }

uint16_t linktype_of(uint32_t dlt) { return static_cast<uint16_t>(dlt == kLinkRaw ? 101 : dlt); }

}  // namespace

Result<PcapngWriter> PcapngWriter::create(const std::string& path) {
  PcapngWriter w;
  w.path_ = path;
  auto out = model::OutputFile::create(path);
  if (!out) return out.error();
  int fd = ::dup(out->fd());
  if (fd >= 0) w.file_.reset(::fdopen(fd, "wb"));
  if (!w.file_) {
    if (fd >= 0) ::close(fd);
    return Error{"cannot create " + path + ": " + std::strerror(errno)};
  }
  w.out_.emplace(std::move(*out));
  std::vector<uint8_t> body;
  put32(&body, 0x1A2B3C4D);
  put16(&body, 1);
  put16(&body, 0);
  put32(&body, 0xffffffff);  // section length unknown (-1, 64 bits)
  put32(&body, 0xffffffff);
  static const char kApp[] = "netlab trace";
  option(&body, 4, kApp, sizeof kApp - 1);  // shb_userappl
  end_of_options(&body);
  w.write_block(0x0A0D0D0A, body);
  return w;
}

void PcapngWriter::write_block(uint32_t type, const std::vector<uint8_t>& body) {
  if (failed_ || !file_) return;
  uint32_t len = static_cast<uint32_t>(body.size() + 12);
  bool ok = std::fwrite(&type, 4, 1, file_.get()) == 1 && std::fwrite(&len, 4, 1, file_.get()) == 1 &&
            (body.empty() || std::fwrite(body.data(), body.size(), 1, file_.get()) == 1) &&
            std::fwrite(&len, 4, 1, file_.get()) == 1;
  if (!ok) failed_ = true;
}

uint32_t PcapngWriter::add_interface(const std::string& name, uint32_t dlt, uint32_t snaplen) {
  scratch_.clear();
  put16(&scratch_, linktype_of(dlt));
  put16(&scratch_, 0);
  put32(&scratch_, snaplen);
  option(&scratch_, 2, name.data(), name.size());  // if_name
  uint8_t tsresol = 9;
  option(&scratch_, 9, &tsresol, 1);               // if_tsresol: 10^-9 s
  end_of_options(&scratch_);
  write_block(1, scratch_);
  return interfaces_++;
}

void PcapngWriter::add_packet(uint32_t iface, uint64_t t_ns, const uint8_t* data, uint32_t caplen, uint32_t orig_len,
                              const std::string& comment, Direction dir) {
  scratch_.clear();
  put32(&scratch_, iface);
  put32(&scratch_, static_cast<uint32_t>(t_ns >> 32));
  put32(&scratch_, static_cast<uint32_t>(t_ns & 0xffffffffu));
  put32(&scratch_, caplen);
  put32(&scratch_, orig_len);
  scratch_.insert(scratch_.end(), data, data + caplen);
  pad4(&scratch_);
  if (!comment.empty()) option(&scratch_, 1, comment.data(), std::min<size_t>(comment.size(), 0xfff0));
  if (dir != Direction::unknown) {
    uint32_t flags = dir == Direction::in ? 1 : 2;
    option(&scratch_, 2, &flags, 4);  // epb_flags
  }
  end_of_options(&scratch_);
  write_block(6, scratch_);
}

Status PcapngWriter::close() {
  if (!file_) return Error{"pcapng writer for " + path_ + " is not open"};
  bool ok = !failed_ && std::fflush(file_.get()) == 0;
  ok = std::fclose(file_.release()) == 0 && ok;
  if (!ok) return Error{"cannot write " + path_};
  return out_->commit();
}

Status write_trace_pcapng(const std::string& path, const std::vector<TracedPacket>& packets, const CaptureSet& set) {
  if (set.frames.size() != set.devices.size())
    return Error{"pcapng export needs the captured frames (load the capture set with frames kept)"};
  auto writer = PcapngWriter::create(path);
  if (!writer) return writer.error();
  for (const auto& dev : set.devices) {
    uint32_t snaplen = 262144;
    writer->add_interface(dev.netns + "/" + dev.name, dev.linktype, snaplen);
  }
  struct Item {
    uint64_t t;
    size_t packet;
    size_t hop;
  };
  std::vector<Item> items;
  for (size_t p = 0; p < packets.size(); ++p) {
    for (size_t h = 0; h < packets[p].hops.size(); ++h) {
      if (packets[p].hops[h].record >= 0) items.push_back({packets[p].hops[h].t_ns, p, h});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.t < b.t; });
  for (const auto& it : items) {
    const TracedPacket& tp = packets[it.packet];
    const Hop& hop = tp.hops[it.hop];
    const PacketRecord& rec = set.records[static_cast<size_t>(hop.record)];
    const FrameStore& store = set.frames[rec.device];
    std::string comment = "packet " + std::to_string(it.packet + 1) + " " + model::to_string(tp.leg) + ", hop " +
                          std::to_string(hop.index) + " " + hop.netns + "/" + hop.device + " " + model::to_string(hop.role) +
                          " " + model::to_string(hop.direction);
    if (!hop.change.empty()) comment += " (" + hop.change + ")";
    // pcapng's epb_flags know inbound and outbound only.
    Direction dir = hop.direction == Direction::in || hop.direction == Direction::out ? hop.direction : Direction::unknown;
    writer->add_packet(rec.device, rec.t_ns, store.data(rec.frame), static_cast<uint32_t>(store.length(rec.frame)),
                       rec.frame_len, comment, dir);
  }
  return writer->close();
}

}  // namespace netlab::tracer
