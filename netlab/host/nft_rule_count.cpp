#include "netlab/host/nft_rule_count.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "netlab/host/fd.h"
#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

std::optional<uint8_t> family_number(const std::string& family) {
  if (family == "inet") return NFPROTO_INET;
  if (family == "ip") return NFPROTO_IPV4;
  if (family == "ip6") return NFPROTO_IPV6;
  if (family == "arp") return NFPROTO_ARP;
  if (family == "bridge") return NFPROTO_BRIDGE;
  if (family == "netdev") return NFPROTO_NETDEV;
  return std::nullopt;
}

/// One request naming `table` in its first attribute (NFTA_TABLE_NAME and
/// NFTA_RULE_TABLE are both attribute 1).
std::vector<char> request(uint8_t message, uint16_t flags, uint8_t family, const std::string& table, uint32_t seq) {
  static_assert(NFTA_TABLE_NAME == 1 && NFTA_RULE_TABLE == 1);
  const size_t attr_len = NLA_HDRLEN + table.size() + 1;
  const size_t len = NLMSG_LENGTH(sizeof(nfgenmsg)) + NLA_ALIGN(attr_len);
  std::vector<char> buf(NLMSG_ALIGN(len), 0);
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  h->nlmsg_len = static_cast<uint32_t>(len);
  h->nlmsg_type = static_cast<uint16_t>((NFNL_SUBSYS_NFTABLES << 8) | message);
  h->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
  h->nlmsg_seq = seq;
  auto* g = static_cast<nfgenmsg*>(NLMSG_DATA(h));
  g->nfgen_family = family;
  g->version = NFNETLINK_V0;
  auto* a = reinterpret_cast<nlattr*>(buf.data() + NLMSG_LENGTH(sizeof(nfgenmsg)));
  a->nla_len = static_cast<uint16_t>(attr_len);
  a->nla_type = 1;
  std::memcpy(reinterpret_cast<char*>(a) + NLA_HDRLEN, table.c_str(), table.size() + 1);
  return buf;
}

/// What the kernel answered one request with.
struct Answer {
  size_t messages = 0;  // of the type asked to count
  int error = 0;        // a negative errno from an NLMSG_ERROR, else 0
  bool interrupted = false;  // a dump the ruleset changed under (NLM_F_DUMP_INTR)
};

/// Sends `req` and reads until its end: NLMSG_DONE for a dump, NLMSG_ERROR
/// (the acknowledgement, or the error) otherwise.
Result<Answer> exchange(int fd, const std::vector<char>& req, uint16_t counted) {
  if (::send(fd, req.data(), req.size(), 0) < 0) return Error{std::string("nfnetlink send: ") + std::strerror(errno)};
  const uint32_t seq = reinterpret_cast<const nlmsghdr*>(req.data())->nlmsg_seq;
  Answer answer;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t got = ::recv(fd, buf.data(), buf.size(), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("nfnetlink receive: ") + std::strerror(errno)};
    }
    int left = static_cast<int>(got);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq) continue;  // nothing else is asked on this socket
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) answer.interrupted = true;
      if (h->nlmsg_type == NLMSG_DONE) return answer;
      if (h->nlmsg_type == NLMSG_ERROR) {
        answer.error = static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
        return answer;
      }
      if ((h->nlmsg_type & 0xff) == counted) ++answer.messages;
    }
  }
}

}  // namespace

Result<std::optional<size_t>> nft_rule_count(const std::string& netns, const std::string& family,
                                             const std::string& name) {
  const auto number = family_number(family);
  if (!number) return Error{"unknown nftables family '" + family + "'"};
  Fd fd;
  int open_error = 0;
  Status entered = in_netns(netns, [&] {
    fd = Fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    open_error = errno;
  });
  if (!entered) return entered.error();
  if (!fd.valid()) return Error{std::string("cannot open an nfnetlink socket: ") + std::strerror(open_error)};
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
    return Error{std::string("nfnetlink bind: ") + std::strerror(errno)};

  auto table = exchange(fd.get(), request(NFT_MSG_GETTABLE, NLM_F_ACK, *number, name, 1), NFT_MSG_NEWTABLE);
  if (!table) return table.error();
  if (table->error == -ENOENT) return std::optional<size_t>{};
  if (table->error != 0) return Error{"nftables table " + family + " " + name + ": " + std::strerror(-table->error)};
  // A dump the ruleset changed under is asked again (another process's nft commit).
  for (uint32_t seq = 2; seq < 12; ++seq) {
    auto rules = exchange(fd.get(), request(NFT_MSG_GETRULE, NLM_F_DUMP, *number, name, seq), NFT_MSG_NEWRULE);
    if (!rules) return rules.error();
    if (rules->error != 0)
      return Error{"rules of nftables table " + family + " " + name + ": " + std::strerror(-rules->error)};
    if (!rules->interrupted) return std::optional<size_t>{rules->messages};
  }
  return Error{"rules of nftables table " + family + " " + name + ": the ruleset kept changing while read"};
}

}  // namespace netlab::host
