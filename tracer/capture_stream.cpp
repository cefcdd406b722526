// Streamed capture (see capture_stream.h).
#include "tracer/capture_stream.h"

#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <chrono>
#include <cstring>
#include <ctime>

namespace netlab::tracer {
namespace {

using model::HopRole;

/// Frames are written once they are this old: a frame another handle has not
/// been read from yet is never older than that, so the stream stays in time order.
constexpr uint64_t kReorderWindowNs = 50'000'000;

struct Pending {
  uint64_t t_ns;
  uint32_t iface;
  uint32_t orig_len;
  std::vector<uint8_t> bytes;
};

uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

const model::Hop* hop_for(const model::NicPath& nic, CaptureWhere where) {
  for (const auto& h : nic.hops) {
    if (h.device.empty()) continue;
    switch (where) {
      case CaptureWhere::guest: if (h.role == HopRole::guest_nic) return &h; break;
      case CaptureWhere::host: if (model::is_guest_link(h.role)) return &h; break;
      case CaptureWhere::bridge: if (model::is_switch(h.role)) return &h; break;
      case CaptureWhere::uplink: if (h.role == HopRole::uplink) return &h; break;
    }
  }
  return nullptr;
}

const char* where_text(CaptureWhere w) {
  switch (w) {
    case CaptureWhere::guest: return "guest";
    case CaptureWhere::host: return "host";
    case CaptureWhere::bridge: return "bridge";
    case CaptureWhere::uplink: return "uplink";
  }
  return "";
}

std::string mac_text(const uint8_t* m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

/// "veth lab-host/lab-g1-0, from g1": the hop, and the guest when the frame is its own.
std::string comment_for(const StreamInterface& iface, const uint8_t* frame, uint32_t caplen, uint32_t dlt) {
  std::string c = iface.role + " " + iface.description.substr(0, iface.description.find(' '));
  if (dlt == kLinkEthernet && caplen >= 12 && !iface.mac.empty()) {
    if (mac_text(frame + 6) == iface.mac) c += ", from " + iface.guest;
    else if (mac_text(frame) == iface.mac) c += ", to " + iface.guest;
  }
  return c;
}

}  // namespace

std::optional<CaptureWhere> parse_capture_where(const std::string& text) {
  for (auto w : {CaptureWhere::guest, CaptureWhere::host, CaptureWhere::bridge, CaptureWhere::uplink})
    if (text == where_text(w)) return w;
  return std::nullopt;
}

Result<std::vector<StreamInterface>> stream_interfaces(const model::HopMap& map, const std::string& lab,
                                                       const std::string& guest, const std::string& nic,
                                                       const std::vector<CaptureWhere>& where) {
  std::vector<const model::NicPath*> nics;
  bool guest_known = false;
  for (const auto& n : map.nics) {
    guest_known |= n.guest == guest;
    if (n.guest == guest && (nic.empty() || n.nic == nic)) nics.push_back(&n);
  }
  if (!guest_known) return Error{"lab " + lab + " has no guest named '" + guest + "'", true};
  if (nics.empty()) return Error{"guest " + guest + " of lab " + lab + " has no NIC named '" + nic + "'", true};
  std::vector<StreamInterface> out;
  for (CaptureWhere w : where) {
    for (const model::NicPath* n : nics) {
      const std::string who = n->guest + ":" + n->nic;
      const model::Hop* hop = hop_for(*n, w);
      if (!hop) {
        if (w == CaptureWhere::guest)
          return Error{who + " is a VM's NIC, inside the VM: capture it on its host side (--where host)", true};
        return Error{who + " (network " + n->network + ", mode " + model::to_string(n->mode) + ") has no " +
                         where_text(w) + " hop",
                     true};
      }
      CaptureTarget target{hop->netns, hop->device, model::is_switch(hop->role)};
      bool seen = false;
      for (const auto& i : out) seen |= i.target == target;
      if (seen) continue;
      StreamInterface iface;
      iface.target = target;
      iface.role = model::to_string(hop->role);
      iface.name = lab + "/" + who + (w == CaptureWhere::guest ? "" : "/" + iface.role);
      iface.description = (hop->netns.empty() ? hop->device : hop->netns + "/" + hop->device) + " (" + iface.role + ")";
      iface.guest = n->guest;
      iface.mac = n->mac;
      out.push_back(std::move(iface));
    }
  }
  return out;
}

Result<StreamResult> stream_capture(const std::vector<StreamInterface>& interfaces, const StreamOptions& options,
                                    PcapngWriter& writer) {
  std::vector<CaptureTarget> targets;
  for (const auto& i : interfaces) targets.push_back(i.target);
  std::vector<Pending> pending;
  LiveOptions lo;
  lo.filter = options.filter;
  lo.keep_frames = false;
  lo.on_frame = [&](size_t target, const pcap_pkthdr& h, const u_char* bytes) {
    // With nanosecond precision, tv_usec holds nanoseconds.
    const uint64_t t = static_cast<uint64_t>(h.ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(h.ts.tv_usec);
    pending.push_back({t, static_cast<uint32_t>(target), h.len, std::vector<uint8_t>(bytes, bytes + h.caplen)});
  };
  auto capture = LiveCapture::open(targets, lo);
  if (!capture) return capture.error();
  std::vector<uint32_t> dlts;
  for (size_t i = 0; i < interfaces.size(); ++i) {
    const uint32_t dlt = capture->link_type(i);
    dlts.push_back(dlt);
    writer.add_interface(interfaces[i].name, dlt, static_cast<uint32_t>(lo.snaplen), interfaces[i].description);
  }
  StreamResult result;
  auto write_older_than = [&](uint64_t limit) -> Status {
    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) { return a.t_ns < b.t_ns; });
    size_t n = 0;
    for (; n < pending.size() && pending[n].t_ns < limit; ++n) {
      const Pending& p = pending[n];
      const auto size = static_cast<uint32_t>(p.bytes.size());
      writer.add_packet(p.iface, p.t_ns, p.bytes.data(), size, p.orig_len,
                        comment_for(interfaces[p.iface], p.bytes.data(), size, dlts[p.iface]), Direction::unknown);
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(n));
    result.packets += n;
    return writer.flush();
  };
  if (auto st = writer.flush(); !st) {
    if (writer.broken_pipe()) result.reader_gone = true;
    else return st.error();
  }
  if (options.on_capturing && !result.reader_gone) options.on_capturing(interfaces.size());
  while (!result.reader_gone && !(options.stop && options.stop->load())) {
    capture->poll(100);
    if (options.watch_fd >= 0) {
      pollfd out{options.watch_fd, 0, 0};
      if (::poll(&out, 1, 0) > 0 && (out.revents & (POLLERR | POLLHUP))) {
        result.reader_gone = true;
        break;
      }
    }
    if (auto st = write_older_than(realtime_ns() - kReorderWindowNs); !st) {
      if (!writer.broken_pipe()) return st.error();
      result.reader_gone = true;
    }
  }
  if (!result.reader_gone) {
    capture->drain(10, 100);
    if (auto st = write_older_than(UINT64_MAX); !st) {
      if (!writer.broken_pipe()) return st.error();
      result.reader_gone = true;
    }
  }
  result.stats = capture->stats();
  return result;
}

}  // namespace netlab::tracer
