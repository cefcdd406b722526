#include <gtest/gtest.h>

#include <algorithm>

#include "service_lab.h"
#include "netlab/host/nft.h"
#include "netlab/host/nft_rule_count.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/names.h"

namespace netlab::host::service_testing {
namespace {

using model::NetworkMode;

LabRules lab_rules(NetworkMode mode) {
  return {"nlt-hs", {{"lan", *model::Cidr::parse("192.168.150.0/24"), kBridge, mode, kUplink}}};
}

using NftTest = ServiceLab;

TEST_F(NftTest, ApplyListHasDeleteTableInTheLabNamespace) {
  const std::string table = model::nft_table_name("nlt-hs");
  ASSERT_EQ(table, "netlab_nlt_hs");
  Result<Nft> nft = Nft::open(kHost);
  ASSERT_TRUE(nft.ok()) << nft.error().message;
  EXPECT_FALSE(nft->has_table("inet", table));

  auto start = std::chrono::steady_clock::now();
  Status applied = nft->apply(render_lab_replace(lab_rules(NetworkMode::nat)));
  double apply_s = seconds_since(start);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  std::printf("figure: nft apply of a one-network NAT table: %.4f s\n", apply_s);

  EXPECT_TRUE(nft->has_table("inet", table));
  Result<std::vector<TableRef>> tables = nft->list_tables();
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_NE(std::find(tables->begin(), tables->end(), TableRef{"inet", table}), tables->end());

  // JSON listing carries the rule comments the tracer will look for.
  Result<std::string> json = nft->list_json("list table inet " + table);
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_NE(json->find("netlab:nlt-hs:lan"), std::string::npos);
  EXPECT_NE(json->find("masquerade"), std::string::npos);

  // The real nft sees the same table in that namespace, and none in the root namespace.
  RunResult listed = run_in(kHost, {"nft", "-s", "list", "table", "inet", table});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("oifname \"hs-up\""), std::string::npos) << listed.out;
  Result<Nft> root = Nft::open("");
  ASSERT_TRUE(root.ok());
  EXPECT_FALSE(root->has_table("inet", table));

  // Applying again replaces the table instead of duplicating rules.
  ASSERT_TRUE(nft->apply(render_lab_replace(lab_rules(NetworkMode::nat))).ok());
  RunResult relisted = run_in(kHost, {"nft", "-s", "list", "table", "inet", table});
  EXPECT_EQ(listed.out, relisted.out);

  // Trace chain on top, then off again.
  ASSERT_TRUE(nft->apply(render_trace_chain("nlt-hs", "ip saddr 192.168.150.0/24 icmp type echo-request")).ok());
  Result<std::string> traced = nft->list_json("list chain inet " + table + " trace_pre");
  ASSERT_TRUE(traced.ok()) << traced.error().message;
  EXPECT_NE(traced->find("nftrace"), std::string::npos);
  ASSERT_TRUE(nft->apply(render_trace_chain_removal("nlt-hs")).ok());

  Result<DeleteOutcome> deleted = nft->delete_table("inet", table);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(*deleted, DeleteOutcome::deleted);
  EXPECT_FALSE(nft->has_table("inet", table));
  Result<DeleteOutcome> absent = nft->delete_table("inet", table);
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_EQ(*absent, DeleteOutcome::absent);
}

TEST_F(NftTest, ErrorsComeBackAsTextAndChangeNothing) {
  Result<Nft> nft = Nft::open(kHost);
  ASSERT_TRUE(nft.ok()) << nft.error().message;
  Status bad = nft->apply("add rule inet no_such_table no_chain accept\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("nlt-hs-host"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("No such file or directory"), std::string::npos) << bad.error().message;

  // A transaction with one bad command leaves nothing of the good ones.
  Status half = nft->apply("add table inet half_made\nadd chain inet half_made c\nadd rule inet half_made c bogus\n");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("syntax error"), std::string::npos) << half.error().message;
  EXPECT_FALSE(nft->has_table("inet", "half_made"));

  // check() validates against the kernel without applying.
  EXPECT_TRUE(nft->check(render_lab_ruleset(lab_rules(NetworkMode::route))).ok());
  EXPECT_FALSE(nft->has_table("inet", "netlab_nlt_hs"));
  EXPECT_FALSE(nft->delete_table("inet", "bad name; flush ruleset").ok());
}

/// The rules `nft -j list table` shows for `table` in the lab's host namespace.
size_t listed_rules(Nft& nft, const std::string& table) {
  Result<std::string> json = nft.list_json("list table inet " + table);
  EXPECT_TRUE(json.ok()) << json.error().message;
  size_t rules = 0;
  for (size_t at = json.ok() ? json->find("{\"rule\"") : std::string::npos; at != std::string::npos;
       at = json->find("{\"rule\"", at + 1))
    ++rules;
  return rules;
}

TEST_F(NftTest, RuleCountOverNfnetlinkIsWhatTheListingShows) {
  const std::string table = model::nft_table_name("nlt-hs");
  Result<Nft> nft = Nft::open(kHost);
  ASSERT_TRUE(nft.ok()) << nft.error().message;
  // No table yet: nullopt, not 0.
  auto absent = nft_rule_count(kHost, "inet", table);
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_FALSE(absent->has_value());

  ASSERT_TRUE(nft->apply(render_lab_replace(lab_rules(NetworkMode::nat))).ok());
  const size_t nat_rules = listed_rules(*nft, table);
  ASSERT_GT(nat_rules, 0u);
  auto counted = nft_rule_count(kHost, "inet", table);
  ASSERT_TRUE(counted.ok()) << counted.error().message;
  ASSERT_TRUE(counted->has_value());
  EXPECT_EQ(**counted, nat_rules);
  // Every chain counts: the trace chain's rules too.
  ASSERT_TRUE(nft->apply(render_trace_chain("nlt-hs", "ip saddr 192.168.150.0/24 icmp type echo-request")).ok());
  const size_t traced_rules = listed_rules(*nft, table);
  EXPECT_GT(traced_rules, nat_rules);
  counted = nft_rule_count(kHost, "inet", table);
  ASSERT_TRUE(counted.ok() && counted->has_value());
  EXPECT_EQ(**counted, traced_rules);
  // Only that family and that namespace: none in the root namespace, none as an ip table.
  auto other_family = nft_rule_count(kHost, "ip", table);
  ASSERT_TRUE(other_family.ok()) << other_family.error().message;
  EXPECT_FALSE(other_family->has_value());
  auto root = nft_rule_count("", "inet", table);
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_FALSE(root->has_value());

  ASSERT_TRUE(nft->delete_table("inet", table).ok());
  counted = nft_rule_count(kHost, "inet", table);
  ASSERT_TRUE(counted.ok());
  EXPECT_FALSE(counted->has_value());
  // What cannot be asked is an Error.
  EXPECT_FALSE(nft_rule_count(kHost, "decnet", table).ok());
  EXPECT_FALSE(nft_rule_count("nlt-hs-missing", "inet", table).ok());
}

TEST_F(NftTest, OpeningAMissingNamespaceIsAnError) {
  Result<Nft> nft = Nft::open("nlt-hs-missing");
  ASSERT_FALSE(nft.ok());
  EXPECT_NE(nft.error().message.find("nlt-hs-missing"), std::string::npos) << nft.error().message;
}

}  // namespace
}  // namespace netlab::host::service_testing
