// Every ready topology (and tests/data/libvirt/kvm-lab.yaml) exported to libvirt network XML and imported back: the
// result passes validation and keeps each network's settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "netlab/libvirt/export_xml.h"
#include "netlab/libvirt/import_xml.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"
#include "netlab/model/names.h"
#include "netlab/model/validator.h"

namespace netlab::libvirt {
namespace {

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, ExportImportValidate) {
  auto loaded = model::load_file(GetParam());
  ASSERT_TRUE(loaded.ok()) << model::format_all(loaded.diagnostics);
  const model::Topology& original = loaded.topology;

  std::vector<ImportedNetwork> imported;
  for (const auto& doc : export_lab(original, [](const model::Guest&) { return DomainRuntime{}; })) {
    if (doc.kind != XmlDocument::Kind::network) continue;
    auto net = parse_network_xml(doc.text, doc.file_name);
    ASSERT_TRUE(net.ok()) << net.error().message << "\n" << doc.text;
    // netlab's own bridge MAC is understood, not reported as lost.
    for (const auto& note : net->notes) EXPECT_EQ(note.find("<mac"), std::string::npos) << note;
    imported.push_back(std::move(*net));
  }
  std::string yaml = topology_yaml(imported, {});
  auto back = model::load_string(yaml, "imported.yaml");
  ASSERT_TRUE(back.ok()) << model::format_all(back.diagnostics) << yaml;
  auto problems = model::validate(back.topology);
  ASSERT_TRUE(problems.empty()) << model::format_all(problems) << yaml;

  const model::Topology& topo = back.topology;
  EXPECT_EQ(topo.name, original.name);
  EXPECT_EQ(topo.host.uplink, original.host.uplink);
  ASSERT_EQ(topo.networks.size(), original.networks.size());
  for (size_t i = 0; i < topo.networks.size(); ++i) {
    const auto& a = original.networks[i];
    const auto& b = topo.networks[i];
    SCOPED_TRACE(a.name);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.mode, a.mode);
    EXPECT_EQ(b.switch_kind, a.switch_kind);
    EXPECT_EQ(model::bridge_name(topo, b), model::bridge_name(original, a));
    EXPECT_EQ(b.subnet, a.subnet);
    if (a.mode != model::NetworkMode::bridge) {
      model::Ipv4 gw = a.gateway ? *a.gateway : model::Ipv4{a.subnet->network().value + 1};
      EXPECT_EQ(b.gateway, gw);
    } else {
      EXPECT_EQ(b.gateway, a.gateway);
    }
    EXPECT_EQ(b.dns, a.dns);
    EXPECT_EQ(b.mtu, a.mtu);
    EXPECT_EQ(b.uplink, a.uplink);
    EXPECT_EQ(b.attach, a.attach);
    ASSERT_EQ(b.ipv6.has_value(), a.ipv6.has_value());
    if (a.ipv6) {
      EXPECT_EQ(b.ipv6->subnet, a.ipv6->subnet);
      EXPECT_EQ(model::gateway6(b), model::gateway6(a));
      EXPECT_EQ(b.ipv6->slaac, a.ipv6->slaac || !a.ipv6->dhcp);  // an <ip> without <dhcp> is SLAAC in libvirt
      EXPECT_EQ(b.ipv6->nat66, a.ipv6->nat66);
      ASSERT_EQ(b.ipv6->dhcp.has_value(), a.ipv6->dhcp.has_value());
      if (a.ipv6->dhcp) {
        EXPECT_EQ(b.ipv6->dhcp->range_start, a.ipv6->dhcp->range_start);
        EXPECT_EQ(b.ipv6->dhcp->range_end, a.ipv6->dhcp->range_end);
      }
    }
    ASSERT_EQ(b.dhcp.has_value(), a.dhcp.has_value());
    if (!a.dhcp) continue;
    EXPECT_EQ(b.dhcp->range_start, a.dhcp->range_start);
    EXPECT_EQ(b.dhcp->range_end, a.dhcp->range_end);
    EXPECT_EQ(lease_expiry(b.dhcp->lease_time), lease_expiry(a.dhcp->lease_time));
    ASSERT_EQ(b.dhcp->hosts.size(), a.dhcp->hosts.size());
    for (size_t h = 0; h < a.dhcp->hosts.size(); ++h) {
      EXPECT_EQ(b.dhcp->hosts[h].name, a.dhcp->hosts[h].name);
      EXPECT_EQ(b.dhcp->hosts[h].mac, a.dhcp->hosts[h].mac);
      EXPECT_EQ(b.dhcp->hosts[h].ip, a.dhcp->hosts[h].ip);
    }
  }
}

std::vector<std::string> ready_topologies() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NETLAB_SOURCE_DIR) + "/topologies"))
    // A lab across hosts has no libvirt network to export its OVN switches to.
    if (e.path().extension() == ".yaml" && e.path().stem() != "two-hosts") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  out.push_back(std::string(NETLAB_SOURCE_DIR) + "/tests/data/libvirt/kvm-lab.yaml");  // OVS VLANs, macvtap, MTU
  return out;
}

INSTANTIATE_TEST_SUITE_P(Topologies, RoundTrip, ::testing::ValuesIn(ready_topologies()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = std::filesystem::path(param.param).stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');  // gtest names: [A-Za-z0-9_]
                           return name;
                         });

}  // namespace
}  // namespace netlab::libvirt
