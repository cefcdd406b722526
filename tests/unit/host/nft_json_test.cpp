#include <gtest/gtest.h>

#include "netlab/host/nft.h"

namespace netlab::host {
namespace {

TEST(NftJson, ParsesListTables) {
  // As `nft -j list tables` prints it (nftables 1.0.6).
  const char* json =
      R"({"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},)"
      R"( {"table": {"family": "inet", "name": "netlab_demo", "handle": 1}},)"
      R"( {"table": {"family": "ip", "name": "nat", "handle": 2}}]})";
  Result<std::vector<TableRef>> tables = parse_tables_json(json);
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0], (TableRef{"inet", "netlab_demo"}));
  EXPECT_EQ((*tables)[1], (TableRef{"ip", "nat"}));
}

TEST(NftJson, EmptyRulesetHasNoTables) {
  Result<std::vector<TableRef>> tables =
      parse_tables_json(R"({"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]})");
  ASSERT_TRUE(tables.ok());
  EXPECT_TRUE(tables->empty());
}

TEST(NftJson, RejectsOtherText) {
  EXPECT_FALSE(parse_tables_json("table inet x {}").ok());
  EXPECT_FALSE(parse_tables_json(R"({"other": []})").ok());
  EXPECT_FALSE(parse_tables_json(R"({"nftables": [{"table": {"family": "ip"}}]})").ok());
}

}  // namespace
}  // namespace netlab::host
