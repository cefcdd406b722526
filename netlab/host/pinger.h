#pragma once
// A steady ICMP echo stream from inside a namespace to one address, in a
// thread of its own, that measures an outage while it runs: how many requests
// went unanswered and the longest gap between two answers (the downtime a
// guest sees while, e.g., a VM it talks to is live-migrated).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

struct PingFigures {
  int sent = 0, received = 0;
  /// The longest time between two consecutive answers: what the outage cost.
  /// (Requests before the first answer are not counted at all.)
  std::chrono::microseconds longest_gap{0};
  /// The longest run of consecutive unanswered requests.
  int longest_loss_run = 0;
};

class Pinger {
 public:
  Pinger() = default;
  Pinger(const Pinger&) = delete;
  Pinger& operator=(const Pinger&) = delete;
  ~Pinger() { stop(); }

  /// Opens a raw ICMP socket in namespace `netns` and sends an echo request to
  /// `to` every `interval` until stop(). An Error when the socket cannot be made.
  Status start(const std::string& netns, const model::Ipv4& to, std::chrono::milliseconds interval);
  /// Requests answered so far.
  int answered() const { return received_.load(); }
  /// Stops the stream (a request still in flight gets one interval to be
  /// answered) and returns its figures; requests of the last interval that
  /// had no time to be answered are not counted as sent.
  PingFigures stop();

 private:
  void run();
  int fd_ = -1;
  model::Ipv4 to_{};
  std::chrono::milliseconds interval_{10};
  uint16_t id_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> received_{0};
  std::thread thread_;
  PingFigures figures_;
};

}  // namespace netlab::host
