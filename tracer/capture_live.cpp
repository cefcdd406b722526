// Live capture (see capture_live.h).
#include "tracer/capture_live.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "netlab/host/netns.h"
#include "tracer/pcap_api.h"

namespace netlab::tracer {
namespace {

/// Creates, configures and activates a handle on `device`; runs inside the device's namespace.
Result<PcapHandle> activate(const std::string& device, bool promisc, const LiveOptions& options) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapHandle p(pcap_api().pcap_create(device.c_str(), err));
  if (!p) return Error{err};
  pcap_api().pcap_set_snaplen(p.get(), options.snaplen);
  pcap_api().pcap_set_promisc(p.get(), promisc ? 1 : 0);
  pcap_api().pcap_set_immediate_mode(p.get(), options.immediate ? 1 : 0);
  if (!options.immediate) pcap_api().pcap_set_timeout(p.get(), options.block_timeout_ms);
  pcap_api().pcap_set_buffer_size(p.get(), options.buffer_bytes);
  if (pcap_api().pcap_set_tstamp_precision(p.get(), PCAP_TSTAMP_PRECISION_NANO) != 0) {
    return Error{"nanosecond timestamps are not supported"};
  }
  int rc = pcap_api().pcap_activate(p.get());
  if (rc < 0) return Error{std::string(pcap_api().pcap_statustostr(rc)) + ": " + pcap_api().pcap_geterr(p.get())};
  if (!options.filter.empty()) {
    bpf_program prog{};
    if (pcap_api().pcap_compile(p.get(), &prog, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return Error{"filter '" + options.filter + "': " + pcap_api().pcap_geterr(p.get())};
    }
    rc = pcap_api().pcap_setfilter(p.get(), &prog);
    pcap_api().pcap_freecode(&prog);
    if (rc != 0) return Error{std::string("setting the filter: ") + pcap_api().pcap_geterr(p.get())};
  }
  if (pcap_api().pcap_setnonblock(p.get(), 1, err) != 0) return Error{err};
  return p;
}

}  // namespace

std::vector<CaptureTarget> targets_for(const model::HopMap& map, const std::string& guest,
                                       const std::string& peer_guest) {
  std::vector<CaptureTarget> out;
  for (const auto& nic : map.nics) {
    if (nic.guest != guest && (peer_guest.empty() || nic.guest != peer_guest)) continue;
    for (const auto& hop : nic.hops) {
      if (hop.device.empty()) continue;
      CaptureTarget t{hop.netns, hop.device, model::is_switch(hop.role)};
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
  }
  return out;
}

Result<LiveCapture> LiveCapture::open(const std::vector<CaptureTarget>& targets, const LiveOptions& options) {
  if (targets.size() > 0xfffe) return Error{"too many devices to capture on"};
  if (auto loaded = model::load_api<PcapApi>(); !loaded) return loaded.error();
  LiveCapture cap;
  cap.keep_frames_ = options.keep_frames;
  const std::string not_up = pcap_api().pcap_statustostr(PCAP_ERROR_IFACE_NOT_UP);
  cap.on_frame_ = options.on_frame;
  for (const auto& t : targets) {
    std::optional<Result<PcapHandle>> made;
    Status entered = host::in_netns(t.netns, [&] { made.emplace(activate(t.device, t.promisc, options)); });
    std::string where = (t.netns.empty() ? std::string() : t.netns + "/") + t.device;
    if (!entered) return Error{"capture on " + where + ": " + entered.error().message};
    if (!*made && made->error().message.rfind(not_up, 0) == 0) {
      // A device that is down sees nothing: the path is traced without it, and its being down is a finding.
      cap.skipped_.push_back(where + " is down: not captured");
      continue;
    }
    if (!*made) return Error{"capture on " + where + ": " + made->error().message};
    cap.targets_.push_back(t);
    Handle h;
    h.target = t;
    h.pcap = std::move(made->value());
    h.linktype = static_cast<uint32_t>(pcap_api().pcap_datalink(h.pcap.get()));
    if (!link_type_supported(h.linktype)) return Error{"capture on " + where + ": unsupported link type"};
    cap.handles_.push_back(std::move(h));
  }
  return cap;
}

void LiveCapture::on_frame(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* self = reinterpret_cast<std::pair<LiveCapture*, size_t>*>(user);
  if (self->first->on_frame_) {
    self->first->on_frame_(self->second, *h, bytes);
    return;
  }
  Handle& hd = self->first->handles_[self->second];
  PacketRecord rec;
  decode_frame(hd.linktype, bytes, h->caplen, h->len, &rec);
  // With PCAP_TSTAMP_PRECISION_NANO, tv_usec holds nanoseconds.
  rec.t_ns = static_cast<uint64_t>(h->ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(h->ts.tv_usec);
  rec.device = static_cast<uint16_t>(self->second);
  rec.frame = static_cast<uint32_t>(hd.records.size());
  hd.records.push_back(rec);
  if (self->first->keep_frames_) {
    hd.frames.bytes.insert(hd.frames.bytes.end(), bytes, bytes + h->caplen);
    hd.frames.offsets.push_back(hd.frames.bytes.size());
  }
}

uint64_t LiveCapture::poll(int wait_ms) {
  std::vector<pollfd> fds(handles_.size());
  for (size_t i = 0; i < handles_.size(); ++i) fds[i] = {pcap_api().pcap_get_selectable_fd(handles_[i].pcap.get()), POLLIN, 0};
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return 0;
  uint64_t n = 0;
  for (size_t i = 0; i < handles_.size(); ++i) {
    if ((fds[i].revents & POLLIN) == 0) continue;
    std::pair<LiveCapture*, size_t> ctx{this, i};
    while (true) {
      int got = pcap_api().pcap_dispatch(handles_[i].pcap.get(), -1, &LiveCapture::on_frame, reinterpret_cast<u_char*>(&ctx));
      if (got <= 0) break;
      n += static_cast<uint64_t>(got);
    }
  }
  return n;
}

void LiveCapture::drain(int quiet_ms, int max_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (poll(quiet_ms) == 0) break;
  }
}

std::vector<CaptureStats> LiveCapture::stats() const {
  std::vector<CaptureStats> out;
  for (const auto& h : handles_) {
    CaptureStats s;
    pcap_stat ps{};
    if (pcap_api().pcap_stats(h.pcap.get(), &ps) == 0) {
      s.received = ps.ps_recv;
      s.dropped = ps.ps_drop;
      s.if_dropped = ps.ps_ifdrop;
    }
    s.decoded = h.records.size();
    out.push_back(s);
  }
  return out;
}

uint64_t LiveCapture::frames() const {
  uint64_t n = 0;
  for (const auto& h : handles_) n += h.records.size();
  return n;
}

CaptureSet LiveCapture::take(const model::HopMap& hopmap) {
  CaptureSet set;
  set.hopmap = hopmap;
  for (auto& h : handles_) {
    Device dev;
    dev.netns = h.target.netns;
    dev.name = h.target.device;
    dev.linktype = h.linktype;
    set.devices.push_back(dev);
    set.records.insert(set.records.end(), h.records.begin(), h.records.end());
    h.records.clear();
    if (keep_frames_) set.frames.push_back(std::move(h.frames));
    h.frames = FrameStore{};
  }
  assign_roles(&set);
  return set;
}

}  // namespace netlab::tracer
