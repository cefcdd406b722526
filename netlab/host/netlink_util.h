#pragma once
// Helpers shared by the netlink*.cpp / link.cpp / address_route.cpp files:
// building raw rtnetlink messages with libnl's nl_msg. Internal to netlab::host.
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <string>

namespace netlab::host {

/// libnl's text for a (negative or positive) NLE_* code.
std::string nl_error_text(int nl_error);

/// A new message of `type` with `flags` (NLM_F_*) and a zeroed header
/// struct H (ifinfomsg, ifaddrmsg, rtmsg) copied from `header`. Null when out of memory.
template <typename H>
nl_msg* new_message(int type, int flags, const H& header) {
  nl_msg* msg = nlmsg_alloc_simple(type, flags);
  if (!msg) return nullptr;
  if (nlmsg_append(msg, const_cast<H*>(&header), sizeof header, NLMSG_ALIGNTO) < 0) {
    nlmsg_free(msg);
    return nullptr;
  }
  return msg;
}

}  // namespace netlab::host
