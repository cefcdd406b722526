#include <gtest/gtest.h>

#include "service_lab.h"
#include "netlab/host/dhcp_client.h"
#include "netlab/host/dnsmasq.h"
#include "netlab/host/nft.h"
#include "netlab/host/nft_rules.h"
#include "netlab/model/names.h"

namespace netlab::host::service_testing {
namespace {

using model::NetworkMode;

class NatTest : public ServiceLab {
 protected:
  void SetUp() override {
    ServiceLab::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The guest gets its address from our dnsmasq, as a light guest of a lab would.
    DnsmasqConfig c;
    c.lab = "nlt-hs";
    c.network = "lan";
    c.bridge = kBridge;
    c.listen_address = *model::Ipv4::parse("192.168.150.1");
    c.range_start = *model::Ipv4::parse("192.168.150.50");
    c.range_end = *model::Ipv4::parse("192.168.150.99");
    c.dns = false;
    c.run_dir = run_dir_;
    dnsmasq_.emplace(c);
    Status started = dnsmasq_->start(kHost);
    ASSERT_TRUE(started.ok()) << started.error().message;
    own_pid(*dnsmasq_->pid());
    DhcpClientOptions o;
    o.netns = kG1;
    o.run_dir = run_dir_;
    Result<DhcpLease> lease = obtain_lease(o);
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    guest_ip_ = lease->address.address.str();
  }
  void TearDown() override {
    if (dnsmasq_) {
      EXPECT_TRUE(dnsmasq_->stop().ok());
    }
    ServiceLab::TearDown();
  }

  Status apply_mode(NetworkMode mode) {
    Result<Nft> nft = Nft::open(kHost);
    if (!nft) return nft.error();
    LabRules rules{"nlt-hs", {{"lan", *model::Cidr::parse("192.168.150.0/24"), kBridge, mode, kUplink}}};
    return nft->apply(render_lab_replace(rules));
  }
  /// One echo request (busybox ping) from namespace `from` to `to`; true when
  /// answered, false when it ran and got no answer; a test failure otherwise.
  bool ping(const std::string& from, const std::string& to) {
    RunResult r = run_in(from, {"busybox", "ping", "-c", "1", "-W", "1", to});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "ping did not run: " << r.err;
    return r.exit_code == 0;
  }

  std::optional<Dnsmasq> dnsmasq_;
  std::string guest_ip_;
};

TEST_F(NatTest, NatMasqueradesOutAndKeepsOutsideFromInitiating) {
  // Without NAT the WAN has no route back: no reply.
  EXPECT_FALSE(ping(kG1, "203.0.113.1"));
  ASSERT_TRUE(apply_mode(NetworkMode::nat).ok());
  must(kHost, {"conntrack", "-F"});
  EXPECT_TRUE(ping(kG1, "203.0.113.1"));

  // conntrack in the host namespace shows the source rewritten to the uplink address.
  RunResult ct = run_in(kHost, {"conntrack", "-L", "-p", "icmp"});
  ASSERT_EQ(ct.exit_code, 0) << ct.err;
  std::printf("conntrack -L in %s:\n%s", kHost, ct.out.c_str());
  EXPECT_NE(ct.out.find("src=" + guest_ip_ + " dst=203.0.113.1"), std::string::npos) << ct.out;
  EXPECT_NE(ct.out.find("src=203.0.113.1 dst=203.0.113.2"), std::string::npos) << ct.out;  // reply to the uplink

  // Even with a route to the subnet, the WAN cannot start a connection in.
  must(kWan, {"ip", "route", "add", "192.168.150.0/24", "via", "203.0.113.2"});
  EXPECT_FALSE(ping(kWan, guest_ip_));
  // Guests on the bridge and the gateway stay reachable.
  EXPECT_TRUE(ping(kG1, "192.168.150.1"));
}

TEST_F(NatTest, RouteForwardsBothWaysUnmasqueraded) {
  ASSERT_TRUE(apply_mode(NetworkMode::route).ok());
  must(kWan, {"ip", "route", "add", "192.168.150.0/24", "via", "203.0.113.2"});
  must(kHost, {"conntrack", "-F"});
  EXPECT_TRUE(ping(kG1, "203.0.113.1"));
  RunResult ct = run_in(kHost, {"conntrack", "-L", "-p", "icmp"});
  EXPECT_NE(ct.out.find("src=203.0.113.1 dst=" + guest_ip_), std::string::npos) << ct.out;  // reply to the guest itself
  EXPECT_TRUE(ping(kWan, guest_ip_));
}

TEST_F(NatTest, IsolatedForwardsNothing) {
  ASSERT_TRUE(apply_mode(NetworkMode::isolated).ok());
  must(kWan, {"ip", "route", "add", "192.168.150.0/24", "via", "203.0.113.2"});
  EXPECT_FALSE(ping(kG1, "203.0.113.1"));
  EXPECT_FALSE(ping(kWan, guest_ip_));
  EXPECT_TRUE(ping(kG1, "192.168.150.1"));
  // The reject rule counted what it refused.
  RunResult listed = run_in(kHost, {"nft", "list", "chain", "inet", "netlab_nlt_hs", "forward"});
  EXPECT_NE(listed.out.find("iifname \"hsbr0\" counter packets 1"), std::string::npos) << listed.out;
}

}  // namespace
}  // namespace netlab::host::service_testing
