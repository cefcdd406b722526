#include <gtest/gtest.h>

#include "netlab/host/ovsdb.h"

namespace netlab::host {
namespace {

TEST(OvsdbFraming, FindsTheEndOfTheFirstValue) {
  EXPECT_EQ(json_value_length(R"({"id":1,"result":[]})"), 20u);
  // Two messages back to back: only the first counts.
  EXPECT_EQ(json_value_length(R"({"id":1}{"id":2})"), 8u);
  // Braces inside strings, escaped quotes.
  EXPECT_EQ(json_value_length(R"({"a":"}{\"]"})"), 13u);
  EXPECT_EQ(json_value_length("  \n[1,[2]]"), 10u);
}

TEST(OvsdbFraming, IncompleteValueIsZero) {
  EXPECT_EQ(json_value_length(""), 0u);
  EXPECT_EQ(json_value_length(R"({"id":1,"result":[)"), 0u);
  EXPECT_EQ(json_value_length(R"({"a":"}")"), 0u);
}

TEST(OvsFiles, LiveUnderTheRunDirectory) {
  OvsFiles f = ovs_files("/run/netlab/demo");
  EXPECT_EQ(f.dir, "/run/netlab/demo/ovs");
  EXPECT_EQ(f.socket, "/run/netlab/demo/ovs/db.sock");
  EXPECT_EQ(f.ovsdb_pid, "/run/netlab/demo/ovs/ovsdb-server.pid");
  EXPECT_EQ(f.vswitchd_pid, "/run/netlab/demo/ovs/ovs-vswitchd.pid");
}

}  // namespace
}  // namespace netlab::host
