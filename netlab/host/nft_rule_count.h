#pragma once
// How many rules one nftables table holds, asked of the kernel straight over
// nfnetlink: NFT_MSG_GETTABLE for the table, then a NFT_MSG_GETRULE dump
// limited to it. `up` checks the lab's table on every run; libnftables fills
// its whole cache and writes a JSON listing for that (some 3 ms), this takes a
// fraction of a millisecond and reads nothing of other tables.
#include <cstddef>
#include <optional>
#include <string>

#include "netlab/model/result.h"

namespace netlab::host {

/// The rules of table `name` of `family` ("inet", "ip", "ip6", "arp",
/// "bridge", "netdev") in namespace `netns` ("" = the caller's), every chain
/// counted; nullopt when there is no such table. An Error when the namespace
/// cannot be entered, the family is unknown or the kernel refuses to answer.
Result<std::optional<size_t>> nft_rule_count(const std::string& netns, const std::string& family,
                                             const std::string& name);

}  // namespace netlab::host
