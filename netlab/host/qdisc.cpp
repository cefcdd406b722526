// Root qdiscs: netem for link impairment, read back with the kernel's counters.
// Raw RTM_NEWQDISC / RTM_DELQDISC / RTM_GETQDISC messages built with libnl (as
// link.cpp builds links): libnl-route 3.7's rtnl_netem has no rate and no
// 64-bit latency, and leaves out the attributes that reset what an earlier
// netem set, so a replaced netem would keep an old rate or reorder.
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <map>
#include <cerrno>
#include <cstring>

#include "netlab/host/netlink.h"
#include "netlab/host/netlink_util.h"

namespace netlab::host {
namespace {

constexpr uint32_t kNetemLimit = 1000;  // packets queued, tc's default

tcmsg root_header(int ifindex) {
  tcmsg tc{};
  tc.tcm_family = AF_UNSPEC;
  tc.tcm_ifindex = ifindex;
  tc.tcm_parent = TC_H_ROOT;
  return tc;
}

/// netem's TCA_OPTIONS: a tc_netem_qopt followed by attributes (not a nest of
/// attributes only, as other qdiscs have; see iproute2's addattr_nest_compat).
void put_netem_options(nl_msg* msg, const model::Impairment& imp) {
  nlattr* options = nla_nest_start(msg, TCA_OPTIONS);
  // Not a pure nest (a struct comes first): sent without NLA_F_NESTED, as tc sends it.
  options->nla_type = TCA_OPTIONS;
  tc_netem_qopt qopt{};
  // The 32-bit latency is in 64 ns ticks; TCA_NETEM_LATENCY64 below carries it exactly.
  qopt.latency = static_cast<uint32_t>(std::min<uint64_t>(imp.delay_ns >> 6, UINT32_MAX));
  qopt.jitter = static_cast<uint32_t>(std::min<uint64_t>(imp.jitter_ns >> 6, UINT32_MAX));
  qopt.limit = kNetemLimit;
  qopt.loss = imp.loss;
  qopt.duplicate = imp.duplicate;
  qopt.gap = imp.reorder ? 1 : 0;  // reordering works only with a gap (tc sets 1)
  nlmsg_append(msg, &qopt, sizeof qopt, NLMSG_ALIGNTO);
  // Always sent, zeros included: netem keeps the value of an attribute left out.
  tc_netem_corr corr{};
  nla_put(msg, TCA_NETEM_CORR, sizeof corr, &corr);
  tc_netem_reorder reorder{imp.reorder, 0};
  nla_put(msg, TCA_NETEM_REORDER, sizeof reorder, &reorder);
  tc_netem_corrupt corrupt{imp.corrupt, 0};
  nla_put(msg, TCA_NETEM_CORRUPT, sizeof corrupt, &corrupt);
  tc_netem_rate rate{};
  rate.rate = static_cast<uint32_t>(std::min<uint64_t>(imp.rate_bytes, UINT32_MAX));
  nla_put(msg, TCA_NETEM_RATE, sizeof rate, &rate);
  int64_t latency = static_cast<int64_t>(imp.delay_ns), jitter = static_cast<int64_t>(imp.jitter_ns);
  nla_put(msg, TCA_NETEM_LATENCY64, sizeof latency, &latency);
  nla_put(msg, TCA_NETEM_JITTER64, sizeof jitter, &jitter);
  nla_nest_end(msg, options);
}

/// The netem parameters of a dumped TCA_OPTIONS.
model::Impairment read_netem(nlattr* options) {
  model::Impairment imp;
  if (nla_len(options) < static_cast<int>(sizeof(tc_netem_qopt))) return imp;
  tc_netem_qopt qopt{};
  std::memcpy(&qopt, nla_data(options), sizeof qopt);
  imp.delay_ns = static_cast<uint64_t>(qopt.latency) << 6;
  imp.jitter_ns = static_cast<uint64_t>(qopt.jitter) << 6;
  imp.loss = qopt.loss;
  imp.duplicate = qopt.duplicate;
  const int offset = NLA_ALIGN(static_cast<int>(sizeof qopt));
  nlattr* tb[TCA_NETEM_MAX + 1] = {};
  auto* first = reinterpret_cast<nlattr*>(static_cast<char*>(nla_data(options)) + offset);
  if (nla_parse(tb, TCA_NETEM_MAX, first, nla_len(options) - offset, nullptr) < 0) return imp;
  auto copy = [&](int attr, void* out, size_t size) {
    if (tb[attr] && nla_len(tb[attr]) >= static_cast<int>(size)) std::memcpy(out, nla_data(tb[attr]), size);
  };
  int64_t latency = -1, jitter = -1;
  copy(TCA_NETEM_LATENCY64, &latency, sizeof latency);
  copy(TCA_NETEM_JITTER64, &jitter, sizeof jitter);
  if (latency >= 0) imp.delay_ns = static_cast<uint64_t>(latency);
  if (jitter >= 0) imp.jitter_ns = static_cast<uint64_t>(jitter);
  tc_netem_reorder reorder{};
  copy(TCA_NETEM_REORDER, &reorder, sizeof reorder);
  imp.reorder = reorder.probability;
  tc_netem_corrupt corrupt{};
  copy(TCA_NETEM_CORRUPT, &corrupt, sizeof corrupt);
  imp.corrupt = corrupt.probability;
  tc_netem_rate rate{};
  copy(TCA_NETEM_RATE, &rate, sizeof rate);
  imp.rate_bytes = rate.rate;
  uint64_t rate64 = 0;
  copy(TCA_NETEM_RATE64, &rate64, sizeof rate64);
  if (rate64) imp.rate_bytes = rate64;
  return imp;
}

void read_stats(nlattr* stats2, QdiscInfo* out) {
  nlattr* tb[TCA_STATS_MAX + 1] = {};
  if (nla_parse_nested(tb, TCA_STATS_MAX, stats2, nullptr) < 0) return;
  if (tb[TCA_STATS_BASIC] && nla_len(tb[TCA_STATS_BASIC]) >= static_cast<int>(sizeof(gnet_stats_basic))) {
    gnet_stats_basic basic{};
    std::memcpy(&basic, nla_data(tb[TCA_STATS_BASIC]), sizeof basic);
    out->bytes = basic.bytes;
    out->packets = basic.packets;
  }
  if (tb[TCA_STATS_QUEUE] && nla_len(tb[TCA_STATS_QUEUE]) >= static_cast<int>(sizeof(gnet_stats_queue))) {
    gnet_stats_queue queue{};
    std::memcpy(&queue, nla_data(tb[TCA_STATS_QUEUE]), sizeof queue);
    out->drops = queue.drops;
    out->overlimits = queue.overlimits;
    out->requeues = queue.requeues;
    out->qlen = queue.qlen;
    out->backlog = queue.backlog;
  }
}

Error failure(const std::string& action, const std::string& dev, const std::string& netns, int err) {
  std::string reason = std::strerror(err);
  if (err == ENOENT && action.find("set netem") != std::string::npos)
    reason += ": this kernel has no netem qdisc (module sch_netem, CONFIG_NET_SCH_NETEM)";
  return Error{"cannot " + action + " on " + describe_device("", dev, netns) + ": " + reason};
}

}  // namespace

Status Netlink::set_netem(const std::string& dev, const model::Impairment& imp) {
  auto index = ifindex(dev);
  if (!index) return index.error();
  nl_msg* msg = new_message(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, root_header(*index));
  if (!msg) return Error{"out of memory"};
  nla_put_string(msg, TCA_KIND, "netem");
  put_netem_options(msg, imp);
  if (int err = transact(msg)) return failure("set netem (" + model::describe(imp) + ")", dev, netns_, err);
  return {};
}

Status Netlink::clear_netem(const std::string& dev) {
  auto index = ifindex(dev);
  if (!index) return index.error();
  auto roots = root_qdiscs();
  if (!roots) return roots.error();
  auto it = std::find_if(roots->begin(), roots->end(), [&](const QdiscInfo& q) { return q.ifindex == *index; });
  if (it == roots->end() || it->kind != "netem") return {};
  nl_msg* msg = new_message(RTM_DELQDISC, 0, root_header(*index));
  if (!msg) return Error{"out of memory"};
  int err = transact(msg);
  if (err == ENOENT) return {};  // gone meanwhile
  if (err) return failure("remove the netem qdisc", dev, netns_, err);
  return {};
}

Result<std::vector<QdiscInfo>> Netlink::root_qdiscs(const std::vector<LinkInfo>* given) {
  std::map<int, std::string> names;
  if (given) {
    for (const auto& l : *given) names[l.ifindex] = l.name;
  } else {
    auto links = list_links();
    if (!links) return links.error();
    for (const auto& l : *links) names[l.ifindex] = l.name;
  }
  std::vector<QdiscInfo> out;
  nl_msg* msg = new_message(RTM_GETQDISC, NLM_F_DUMP, root_header(0));
  if (!msg) return Error{"out of memory"};
  int err = dump(msg, [&](nl_msg* answer) {
    nlmsghdr* hdr = nlmsg_hdr(answer);
    if (hdr->nlmsg_type != RTM_NEWQDISC || !nlmsg_valid_hdr(hdr, sizeof(tcmsg))) return;
    const auto* tc = static_cast<const tcmsg*>(nlmsg_data(hdr));
    if (tc->tcm_parent != TC_H_ROOT) return;
    nlattr* tb[TCA_MAX + 1] = {};
    if (nlmsg_parse(hdr, sizeof(tcmsg), tb, TCA_MAX, nullptr) < 0) return;
    QdiscInfo q;
    q.ifindex = tc->tcm_ifindex;
    if (tb[TCA_KIND]) q.kind = nla_get_string(tb[TCA_KIND]);
    if (q.kind == "netem" && tb[TCA_OPTIONS]) q.netem = read_netem(tb[TCA_OPTIONS]);
    if (tb[TCA_STATS2]) read_stats(tb[TCA_STATS2], &q);
    if (auto name = names.find(q.ifindex); name != names.end()) q.device = name->second;
    out.push_back(std::move(q));
  });
  if (err) return Error{"cannot list qdiscs" + std::string(netns_.empty() ? "" : " in namespace " + netns_) + ": " +
                        std::strerror(err)};
  return out;
}

}  // namespace netlab::host
