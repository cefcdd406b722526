#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "service_lab.h"
#include "netlab/host/ovsdb.h"

namespace netlab::host::service_testing {
namespace {

class OvsTest : public ServiceLab {
 protected:
  void TearDown() override {
    if (ovs_) {
      EXPECT_TRUE(ovs_->stop().ok());
      EXPECT_FALSE(ovs_->running());
    }
    ServiceLab::TearDown();
  }
  std::optional<OvsInstance> ovs_;
};

TEST_F(OvsTest, TwoNamespacesOnAPrivateOvsBridgePingEachOther) {
  ovs_.emplace(run_dir_);
  auto start = std::chrono::steady_clock::now();
  Status started = ovs_->start(kHost);
  ASSERT_TRUE(started.ok()) << started.error().message;
  ASSERT_TRUE(ovs_->running());
  double daemons_s = seconds_since(start);

  Result<OvsdbClient> db = ovs_->connect();
  ASSERT_TRUE(db.ok()) << db.error().message;
  Result<std::vector<std::string>> dbs = db->list_dbs();
  ASSERT_TRUE(dbs.ok()) << dbs.error().message;
  EXPECT_NE(std::find(dbs->begin(), dbs->end(), "Open_vSwitch"), dbs->end());

  // The guests' host-side veths move from the Linux bridge to the OVS bridge.
  for (const char* dev : {"hs-g1", "hs-g2"}) must(kHost, {"ip", "link", "set", dev, "nomaster"});
  Status br = ovs_add_bridge(*db, "hsovs0");
  ASSERT_TRUE(br.ok()) << br.error().message;
  EXPECT_FALSE(ovs_add_bridge(*db, "hsovs0").ok());  // already there
  ASSERT_TRUE(ovs_add_port(*db, "hsovs0", "hs-g1").ok());
  Status tagged = ovs_add_port(*db, "hsovs0", "hs-g2", 0);
  ASSERT_TRUE(tagged.ok()) << tagged.error().message;
  must(kHost, {"ip", "link", "set", "hsovs0", "up"});
  must(kG1, {"ip", "addr", "add", "192.168.160.11/24", "dev", "eth0"});
  must(kG2, {"ip", "addr", "add", "192.168.160.12/24", "dev", "eth0"});
  for (const char* g : {kG1, kG2}) must(g, {"ethtool", "-K", "eth0", "tx", "off"});

  RunResult ping = run_in(kG1, {"busybox", "ping", "-c", "1", "-W", "2", "192.168.160.12"});
  double first_ping_s = seconds_since(start);
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  std::printf("figure: private OVS daemons up %.3f s; start to first ping across the bridge %.3f s\n", daemons_s,
              first_ping_s);

  // TCP across the netdev datapath (works once tx checksum offload is off in the guests).
  SpawnOptions listen;
  listen.netns = kG2;
  listen.stdout_path = run_dir_ + "/nc.out";
  Result<pid_t> server = spawn({"busybox", "nc", "-l", "-p", "5555"}, listen);
  ASSERT_TRUE(server.ok()) << server.error().message;
  own_pid(*server);
  // The message comes from a file, not a pipe: the listener (stdin /dev/null)
  // half-closes at once, and a client whose piped stdin is not readable yet
  // would take that FIN for the end and exit 0 without sending anything.
  std::ofstream(run_dir_ + "/nc.in") << "hello-over-ovs\n";
  RunResult sent;
  for (int attempt = 0; attempt < 20; ++attempt) {  // until the listener is up
    sent = run_in(kG1, {"busybox", "sh", "-c", "busybox nc -w 2 192.168.160.12 5555 < " + run_dir_ + "/nc.in"});
    if (sent.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  Result<int> server_exit = wait_exit(*server, std::chrono::seconds(5));
  EXPECT_TRUE(server_exit.ok());
  RunResult received = run_in("", {"cat", run_dir_ + "/nc.out"});
  EXPECT_EQ(received.out, "hello-over-ovs\n");

  Result<std::vector<OvsPort>> ports = ovs_list_ports(*db, "hsovs0");
  ASSERT_TRUE(ports.ok()) << ports.error().message;
  ASSERT_EQ(ports->size(), 2u);
  EXPECT_EQ((*ports)[0].name, "hs-g1");
  EXPECT_FALSE((*ports)[0].tag.has_value());
  EXPECT_EQ((*ports)[1].name, "hs-g2");
  ASSERT_TRUE((*ports)[1].tag.has_value());
  EXPECT_EQ(*(*ports)[1].tag, 0);

  // Removing g2's port cuts it off.
  ASSERT_TRUE(ovs_del_port(*db, "hsovs0", "hs-g2").ok());
  ports = ovs_list_ports(*db, "hsovs0");
  ASSERT_TRUE(ports.ok());
  EXPECT_EQ(ports->size(), 1u);
  EXPECT_EQ(run_in(kG1, {"busybox", "ping", "-c", "1", "-W", "1", "192.168.160.12"}).exit_code, 1);

  ASSERT_TRUE(ovs_del_bridge(*db, "hsovs0").ok());
  Result<std::vector<std::string>> bridges = ovs_list_bridges(*db);
  ASSERT_TRUE(bridges.ok());
  EXPECT_TRUE(bridges->empty());
  EXPECT_FALSE(ovs_del_bridge(*db, "hsovs0").ok());

  // The real ovs-vsctl agrees with what the client wrote.
  RunResult shown = run_in("", {"ovs-vsctl", "--db=unix:" + ovs_->files().socket, "list-br"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, "");
}

}  // namespace
}  // namespace netlab::host::service_testing
