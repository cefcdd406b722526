// placement.h: a migrated VM's host applied to the lab's topology, the records
// that no longer apply ignored, and status's drift line; desired steps of a VM
// on an OVN network on the second host; the guest agent's address listing parsed.
#include "netlab/plan/placement.h"

#include <gtest/gtest.h>

#include <variant>

#include "netlab/host/vm_address.h"
#include "netlab/model/loader.h"
#include "netlab/model/names.h"
#include "netlab/plan/desired.h"
#include "netlab/plan/vm.h"

namespace netlab::plan {
namespace {

model::Topology lab() {
  const std::string text =
      "name: pl\nhosts: {h1: {}, h2: {}}\nnetworks:\n  o: {mode: isolated, switch: ovn, subnet: 10.9.0.0/24}\n"
      "  l: {mode: nat, subnet: 10.8.0.0/24}\nguests:\n  vm: {kind: kvm, nics: [{network: o}]}\n"
      "  vl: {kind: kvm, nics: [{network: l}]}\n  g: {host: h2, nics: [{network: o}]}\n";
  auto r = model::load_string(text, "pl.yaml");
  EXPECT_TRUE(r.ok());
  return r.topology;
}

TEST(Placement, MovesOnlyVmsWhoseNetworksSpanHosts) {
  const auto t = placed(lab(), {{"vm", "h2"}, {"vl", "h2"}, {"g", "h1"}, {"gone", "h2"}});
  EXPECT_EQ(t.find_guest("vm")->host, "h2");
  EXPECT_EQ(t.find_guest("vl")->host, "");  // a Linux-bridge network lives on the first host
  EXPECT_EQ(t.find_guest("g")->host, "h2");  // a light guest does not migrate
  EXPECT_EQ(placed(lab(), {{"vm", "h9"}}).find_guest("vm")->host, "");  // a host no longer in the file
}

TEST(Placement, DriftNamesTheWayBack) {
  const auto lines = placement_drift(lab(), {{"vm", "h2"}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "vm runs on h2, the file says h1 (netlab migrate pl vm --to h1 moves it back; up keeps it on h2)");
  EXPECT_TRUE(placement_drift(lab(), {{"vm", "h1"}}).empty());
}

// Its tap is libvirt's to make there (the domain XML names br-int and the
// logical port); netlab starts that host's libvirtd with the host's OVS.
TEST(Placement, VmOnSecondHostHasItsLibvirtdAndChassisThere) {
  Target target;
  target.sandbox = true;
  target.host_netns = "pl-host";
  target.run_dir = "/run/netlab/pl";
  const model::Topology topo = placed(lab(), {{"vm", "h2"}});
  const auto steps = desired_actions(topo, target);
  const std::string port = model::ovn_logical_port(topo, *topo.find_guest("vm"), 0);
  bool tap = false, libvirtd = false, chassis = false;
  std::string domain_uri, domain_xml;
  for (const auto& a : steps) {
    if (auto* t = std::get_if<CreateTap>(&a); t && t->netns == "pl-h2") tap = true;
    if (auto* l = std::get_if<StartLibvirtd>(&a); l && l->netns == "pl-h2")
      libvirtd = l->run_dir == "/run/netlab/pl/h2" && l->ovs_run_dir == "/run/netlab/pl/h2/ovs";
    if (auto* r = std::get_if<RunDomain>(&a); r && r->guest == "vm") {
      domain_uri = r->uri;
      domain_xml = r->xml;
    }
    if (auto* c = std::get_if<ConfigureOvnNetwork>(&a))
      for (const auto& p : c->spec.ports)
        if (p.name == port) chassis = p.chassis == "h2";
  }
  EXPECT_FALSE(tap);
  EXPECT_NE(domain_xml.find("<parameters interfaceid='" + port + "'"), std::string::npos) << domain_xml;
  EXPECT_TRUE(libvirtd);
  EXPECT_TRUE(chassis);
  EXPECT_NE(domain_uri.find("/run/netlab/pl/h2/libvirt/run/libvirt-sock"), std::string::npos) << domain_uri;
}

TEST(VmAddress, ParsesTheAgentsListing) {
  const std::string out = "00:00:00:00:00:00 inet 127.0.0.1\n52:54:00:aa:bb:01 \n52:54:00:aa:bb:02 inet 10.9.0.150\n";
  EXPECT_EQ(host::parse_vm_addresses(out, *model::Mac::parse("52:54:00:aa:bb:02"))->str(), "10.9.0.150");
  EXPECT_FALSE(host::parse_vm_addresses(out, *model::Mac::parse("52:54:00:aa:bb:01")));
}

}  // namespace
}  // namespace netlab::plan
