// The Netlink socket itself: opening it inside a namespace, request/ack
// exchange with the kernel's errno, and reading links back.
#include "netlab/host/netlink.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <cerrno>
#include <cstring>

#include "netlab/host/netlink_util.h"
#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

struct AckState {
  int error = 0;
  bool done = false;
  const std::function<void(nl_msg*)>* on_answer = nullptr;
};

int on_valid(nl_msg* msg, void* arg) {
  auto* state = static_cast<AckState*>(arg);
  if (*state->on_answer) (*state->on_answer)(msg);
  return NL_OK;
}

int on_error(sockaddr_nl*, nlmsgerr* err, void* arg) {
  auto* state = static_cast<AckState*>(arg);
  state->error = -err->error;
  state->done = true;
  return NL_STOP;
}

int on_ack(nl_msg*, void* arg) {
  static_cast<AckState*>(arg)->done = true;
  return NL_STOP;
}

/// Owns an rtnl_link from libnl.
struct LinkPtr {
  rtnl_link* p = nullptr;
  ~LinkPtr() {
    if (p) rtnl_link_put(p);
  }
};

/// Fills everything but the master's name from a libnl link object.
LinkInfo to_info(rtnl_link* link) {
  LinkInfo info;
  if (const char* n = rtnl_link_get_name(link)) info.name = n;
  info.ifindex = rtnl_link_get_ifindex(link);
  if (const char* k = rtnl_link_get_type(link)) info.kind = k;
  if (const char* a = rtnl_link_get_ifalias(link)) info.alias = a;
  info.master_ifindex = rtnl_link_get_master(link);
  info.link_ifindex = rtnl_link_get_link(link);
  info.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
  info.mtu = static_cast<int>(rtnl_link_get_mtu(link));
  if (nl_addr* addr = rtnl_link_get_addr(link); addr && nl_addr_get_len(addr) == 6) {
    model::Mac mac;
    std::memcpy(mac.bytes.data(), nl_addr_get_binary_addr(addr), 6);
    info.mac = mac.str();
  }
  char buf[64];
  info.oper_state = rtnl_link_operstate2str(rtnl_link_get_operstate(link), buf, sizeof buf);
  return info;
}

}  // namespace

std::string describe_device(const std::string& what, const std::string& dev, const std::string& netns) {
  std::string out = what.empty() ? "device " + dev : what + " " + dev;
  if (!netns.empty()) out += " in namespace " + netns;
  return out;
}

std::string nl_error_text(int nl_error) { return nl_geterror(nl_error < 0 ? -nl_error : nl_error); }

Result<Netlink> Netlink::open(const std::string& netns) {
  nl_sock* sock = nl_socket_alloc();
  if (!sock) return Error{"cannot allocate a netlink socket"};
  int err = 0;
  Status entered = in_netns(netns, [&] { err = nl_connect(sock, NETLINK_ROUTE); });
  if (!entered) {
    nl_socket_free(sock);
    return entered.error();
  }
  if (err < 0) {
    nl_socket_free(sock);
    return Error{"cannot open a netlink socket" + std::string(netns.empty() ? "" : " in namespace " + netns) + ": " +
                 nl_error_text(err)};
  }
  // Large dumps (1000+ links) must not overflow the default buffer.
  nl_socket_set_buffer_size(sock, 1 << 20, 1 << 20);
  return Netlink(sock, netns);
}

Netlink::Netlink(nl_sock* sock, std::string netns) : sock_(sock), netns_(std::move(netns)) {}

Netlink::Netlink(Netlink&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)), netns_(std::move(other.netns_)), indexes_(std::move(other.indexes_)) {}

Netlink& Netlink::operator=(Netlink&& other) noexcept {
  if (this != &other) {
    if (sock_) nl_socket_free(sock_);
    sock_ = std::exchange(other.sock_, nullptr);
    netns_ = std::move(other.netns_);
    indexes_ = std::move(other.indexes_);
  }
  return *this;
}

Netlink::~Netlink() {
  if (sock_) nl_socket_free(sock_);
}

int Netlink::transact(nl_msg* msg, const std::function<void(nl_msg*)>& on_answer) {
  int sent = nl_send_auto(sock_, msg);
  nlmsg_free(msg);
  if (sent < 0) return EIO;
  AckState state;
  state.on_answer = &on_answer;
  nl_cb* cb = nl_cb_clone(nl_socket_get_cb(sock_));
  if (!cb) return ENOMEM;
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &state);
  nl_cb_err(cb, NL_CB_CUSTOM, on_error, &state);
  nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &state);
  while (!state.done) {
    int r = nl_recvmsgs(sock_, cb);
    if (r < 0 && !state.done) {
      state.error = EIO;
      break;
    }
  }
  nl_cb_put(cb);
  return state.error;
}

int Netlink::dump(nl_msg* msg, const std::function<void(nl_msg*)>& on_answer) {
  int sent = nl_send_auto(sock_, msg);
  nlmsg_free(msg);
  if (sent < 0) return EIO;
  AckState state;
  state.on_answer = &on_answer;
  nl_cb* cb = nl_cb_clone(nl_socket_get_cb(sock_));
  if (!cb) return ENOMEM;
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &state);
  nl_cb_err(cb, NL_CB_CUSTOM, on_error, &state);
  nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &state);  // NLMSG_DONE ends a dump
  while (!state.done) {
    int r = nl_recvmsgs(sock_, cb);
    if (r < 0 && !state.done) {
      state.error = EIO;
      break;
    }
  }
  nl_cb_put(cb);
  return state.error;
}

Result<int> Netlink::ifindex(const std::string& name) {
  if (auto it = indexes_.find(name); it != indexes_.end()) return it->second;
  LinkPtr link;
  int err = rtnl_link_get_kernel(sock_, 0, name.c_str(), &link.p);
  if (err < 0) {
    if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
      return Error{describe_device("", name, netns_) + " does not exist"};
    return Error{"cannot look up " + describe_device("", name, netns_) + ": " + nl_error_text(err)};
  }
  int index = rtnl_link_get_ifindex(link.p);
  indexes_[name] = index;
  return index;
}

Status Netlink::settle(const std::string& dev) {
  LinkPtr link;
  int err = rtnl_link_get_kernel(sock_, 0, dev.c_str(), &link.p);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return Error{describe_device("", dev, netns_) + " does not exist"};
  if (err < 0) return Error{"cannot look up " + describe_device("", dev, netns_) + ": " + nl_error_text(err)};
  return {};
}

Result<std::vector<LinkInfo>> Netlink::list_links() {
  nl_cache* cache = nullptr;
  int err = rtnl_link_alloc_cache(sock_, AF_UNSPEC, &cache);
  if (err < 0)
    return Error{"cannot list links" + std::string(netns_.empty() ? "" : " in namespace " + netns_) + ": " +
                 nl_error_text(err)};
  std::vector<LinkInfo> links;
  for (nl_object* obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    LinkInfo info = to_info(link);
    if (info.master_ifindex > 0) {
      char buf[IFNAMSIZ + 1] = {};
      if (rtnl_link_i2name(cache, info.master_ifindex, buf, sizeof buf)) info.master = buf;
    }
    links.push_back(std::move(info));
  }
  nl_cache_free(cache);
  return links;
}

Result<std::optional<LinkInfo>> Netlink::find_link(const std::string& name) {
  LinkPtr link;
  int err = rtnl_link_get_kernel(sock_, 0, name.c_str(), &link.p);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return std::optional<LinkInfo>();
  if (err < 0) return Error{"cannot look up " + describe_device("", name, netns_) + ": " + nl_error_text(err)};
  LinkInfo info = to_info(link.p);
  indexes_[info.name] = info.ifindex;
  if (info.master_ifindex > 0) {
    LinkPtr master;
    if (rtnl_link_get_kernel(sock_, info.master_ifindex, nullptr, &master.p) == 0) {
      if (const char* n = rtnl_link_get_name(master.p)) info.master = n;
    }
  }
  return std::optional<LinkInfo>(std::move(info));
}

}  // namespace netlab::host
