#include "netlab/plan/sockets.h"

namespace netlab::plan {

Result<host::Netlink*> Sockets::netlink(const std::string& netns) {
  auto it = netlink_.find(netns);
  if (it != netlink_.end()) return it->second.get();
  auto opened = host::Netlink::open(netns);
  if (!opened) return opened.error();
  auto owned = std::make_unique<host::Netlink>(std::move(opened).value());
  host::Netlink* raw = owned.get();
  netlink_.emplace(netns, std::move(owned));
  return raw;
}

Result<host::Nft*> Sockets::nft(const std::string& netns) {
  auto it = nft_.find(netns);
  if (it != nft_.end()) return it->second.get();
  auto opened = host::Nft::open(netns);
  if (!opened) return opened.error();
  auto owned = std::make_unique<host::Nft>(std::move(opened).value());
  host::Nft* raw = owned.get();
  nft_.emplace(netns, std::move(owned));
  return raw;
}

void Sockets::forget(const std::string& netns) {
  netlink_.erase(netns);
  nft_.erase(netns);
}

void Sockets::clear() {
  netlink_.clear();
  nft_.clear();
}

}  // namespace netlab::plan
