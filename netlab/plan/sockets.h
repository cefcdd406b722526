#pragma once
// One rtnetlink socket and one nftables context per namespace, opened on first
// use and shared by the observer and the executor of one command, so a lab of a
// thousand guests costs a thousand sockets, not one per step.
#include <map>
#include <memory>
#include <string>

#include "netlab/host/netlink.h"
#include "netlab/host/nft.h"

namespace netlab::plan {

class Sockets {
 public:
  /// The rtnetlink socket of `netns` ("" = the caller's); opens it on first use.
  Result<host::Netlink*> netlink(const std::string& netns);
  /// The nftables context of `netns`; opens it on first use.
  Result<host::Nft*> nft(const std::string& netns);
  /// Closes the sockets of `netns` (before deleting it: an open socket would keep
  /// the namespace alive in the kernel).
  void forget(const std::string& netns);
  void clear();

 private:
  std::map<std::string, std::unique_ptr<host::Netlink>> netlink_;
  std::map<std::string, std::unique_ptr<host::Nft>> nft_;
};

}  // namespace netlab::plan
