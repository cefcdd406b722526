// An uplink's snapshot survives the journal: JSON and back, every field (host/uplink_move.h).
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlab/host/uplink_move.h"

namespace netlab::host {
namespace {

TEST(UplinkSnapshot, RoundTripsThroughJson) {
  UplinkSnapshot s;
  s.nic = "eth0";
  s.bridge = "br-office";
  IpAddress v4;
  v4.family = AF_INET;
  v4.local = "203.0.113.52";
  v4.broadcast = "203.0.113.255";
  v4.prefix = 24;
  v4.flags = IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE;
  v4.label = "eth0:dyn";
  v4.valid_lft = 3600;
  v4.preferred_lft = 1800;
  IpAddress v6;
  v6.family = AF_INET6;
  v6.local = "2001:db8:1::50";
  v6.prefix = 64;
  v6.flags = IFA_F_NODAD | IFA_F_PERMANENT;
  s.addresses = {v4, v6};
  IpRoute r;
  r.family = AF_INET;
  r.table = 100;
  r.dst = "10.99.0.0";
  r.dst_len = 16;
  r.gateway = "203.0.113.254";
  r.prefsrc = "203.0.113.50";
  r.dev = "eth0";
  r.metric = 50;
  r.protocol = RTPROT_BOOT;
  r.scope = RT_SCOPE_UNIVERSE;
  r.type = RTN_UNICAST;
  r.flags = RTNH_F_ONLINK;
  r.metrics[RTAX_MTU] = 1400;
  IpRoute d6;
  d6.family = AF_INET6;
  d6.gateway = "fe80::1";
  d6.dev = "eth0";
  d6.metric = 1024;
  d6.pref = 1;
  s.routes = {r, d6};
  auto back = uplink_snapshot_from_json(uplink_snapshot_to_json(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
}

TEST(UplinkSnapshot, ARecordCutShortDoesNotParse) {
  EXPECT_FALSE(uplink_snapshot_from_json("{\"nic\":\"eth0\",\"bridge\":"));
  EXPECT_FALSE(uplink_snapshot_from_json("{\"nic\":\"eth0\"}"));
}

}  // namespace
}  // namespace netlab::host
