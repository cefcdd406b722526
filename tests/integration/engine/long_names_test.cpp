// Names never limit the user: a lab whose "<lab>-<network>" and "<lab>-<guest>-<n>"
// pass the kernel's 15 bytes comes up with derived device names, pings out, is
// traced and drawn with friendly names, exports to libvirt XML and goes down
// without leftovers. And a lab tagged the way netlab tagged links before the
// alias carried guest and NIC is still found and removed.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lab_fixture.h"
#include "netlab/model/names.h"

namespace netlab::testing {
namespace {

const std::string kLab = "kvm-networking-course";
const std::string kWeb = "webserver-frontend-01";
const std::string kDb = "database-primary";

const std::string kCourse = R"(name: kvm-networking-course
networks:
  office-backbone:
    mode: nat
    subnet: 192.168.173.0/24
    dhcp: {range: 192.168.173.100-192.168.173.199}
guests:
  webserver-frontend-01:
    nics: [{network: office-backbone}]
  database-primary:
    nics: [{network: office-backbone, address: 192.168.173.20/24}]
  reporting-vm:
    kind: kvm
    nics: [{network: office-backbone, mac: "52:54:00:17:30:01"}]
)";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(LabTest, LongNamesComeUpTraceDrawExportAndGoDown) {
  const std::string file = write_topology(kLab, kCourse);
  const std::string bridge = model::hashed_bridge_name(kLab, "office-backbone");
  const std::string web_dev = model::hashed_host_nic_name(kLab, kWeb, 0);
  const std::string vm_dev = model::hashed_host_nic_name(kLab, "reporting-vm", 0);
  ASSERT_EQ(netlab({"validate", file}).exit_code, 0);
  up_ok(file);

  // Derived kernel names, each at most 15 bytes, carrying lab, guest and NIC in the alias.
  const std::string host = kLab + "-host";
  for (const auto& dev : {bridge, web_dev, vm_dev}) {
    EXPECT_LE(dev.size(), model::kMaxIfName);
    EXPECT_EQ(in_netns(host, {"ip", "link", "show", "dev", dev}).exit_code, 0) << dev << " missing";
  }
  EXPECT_NE(in_netns(host, {"ip", "-o", "link", "show", "dev", web_dev}).out.find(
                "alias netlab:kvm-networking-course guest=webserver-frontend-01 nic=eth0"),
            std::string::npos);
  EXPECT_NE(in_netns(host, {"ip", "-o", "link", "show", "dev", bridge}).out.find(
                "alias netlab:kvm-networking-course network=office-backbone"),
            std::string::npos);
  // Namespaces keep the full name.
  const std::string web_ns = kLab + "-" + kWeb, db_ns = kLab + "-" + kDb;
  EXPECT_TRUE(ping(web_ns, "198.51.100.1"));
  EXPECT_TRUE(ping(db_ns, "198.51.100.1"));
  EXPECT_TRUE(ping(web_ns, "192.168.173.20"));

  Outcome status = netlab({"status", kLab});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(web_dev), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(bridge), std::string::npos) << status.out;

  // The trace shows the friendly name beside the kernel name, in text and in the HTML report.
  const std::string html = dir_ + "/trace.html";
  Outcome trace = netlab({"trace", kLab, "--from", kWeb, "--to", "198.51.100.1", "--html", html});
  EXPECT_EQ(trace.exit_code, 0) << trace.out << trace.err;
  EXPECT_NE(trace.out.find("webserver-frontend-01:eth0 (" + web_dev + ")"), std::string::npos) << trace.out;
  EXPECT_NE(trace.out.find("network office-backbone (" + bridge + ")"), std::string::npos) << trace.out;
  EXPECT_NE(slurp(html).find("webserver-frontend-01:eth0 (" + web_dev + ")"), std::string::npos);

  const std::string dot = dir_ + "/lab.dot";
  Outcome graph = netlab({"graph", kLab, "-o", dot});
  EXPECT_EQ(graph.exit_code, 0) << graph.err;
  const std::string drawn = slurp(dot);
  EXPECT_NE(drawn.find(bridge), std::string::npos);
  EXPECT_NE(drawn.find("webserver-frontend-01:eth0 (" + web_dev + ")"), std::string::npos) << drawn;

  Outcome xml = netlab({"export", kLab, "--libvirt"});
  EXPECT_EQ(xml.exit_code, 0) << xml.err;
  EXPECT_NE(xml.out.find("<bridge name='" + bridge + "'"), std::string::npos) << xml.out;
  EXPECT_NE(xml.out.find("<target dev='" + vm_dev + "' managed='no'/>"), std::string::npos) << xml.out;

  Outcome down = netlab({"down", kLab});
  EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(leftovers(kLab), std::vector<std::string>{});
}

// Labs made before the alias held guest and NIC carry the bare tag "netlab:<lab>":
// gc still recognises them when their state is gone.
TEST_F(LabTest, LinksWithThePreviousBareTagAreStillCollected) {
  const std::string lab = "nlt-oldtag";
  const std::string file = write_topology(lab, R"(name: nlt-oldtag
networks:
  n: {mode: isolated, subnet: 192.168.174.0/24}
guests:
  g: {nics: [{network: n, address: 192.168.174.10/24}]}
)");
  up_ok(file);
  const std::string host = lab + "-host";
  for (const auto& dev : {std::string("nlt-oldtag-n"), std::string("nlt-oldtag-g-0")})
    ASSERT_EQ(in_netns(host, {"ip", "link", "set", "dev", dev, "alias", "netlab:" + lab}).exit_code, 0) << dev;
  ASSERT_EQ(in_netns(lab + "-g", {"ip", "link", "set", "dev", "eth0", "alias", "netlab:" + lab}).exit_code, 0);
  // The state is gone, as after a crash: only the tagged links tell which lab they belong to.
  std::filesystem::remove_all("/run/netlab/" + lab);
  std::filesystem::remove("/run/netlab/" + lab + ".lock");
  Outcome gc = netlab({"gc"});
  EXPECT_EQ(gc.exit_code, 0) << gc.out << gc.err;
  EXPECT_NE(gc.out.find(lab), std::string::npos) << gc.out;
  EXPECT_EQ(leftovers(lab), std::vector<std::string>{});
}

}  // namespace
}  // namespace netlab::testing
