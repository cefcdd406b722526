#include "fake_observed.h"

namespace netlab::plan {

void FakeObserved::apply(const Action& action) {
  std::visit(
      [this](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, CreateNetns>) namespaces.insert(a.name);
        if constexpr (std::is_same_v<T, SetSysctl>) sysctls[{a.netns, a.key}] = a.value;
        if constexpr (std::is_same_v<T, CreateBridge>)
          links[{a.netns, a.name}] = {"bridge", "", a.alias, false, next_ifindex++};
        if constexpr (std::is_same_v<T, CreateVeth>) {
          links[{a.netns, a.name}] = {"veth", "", a.alias, false};
          links[{a.peer_netns, a.peer_name}] = {"veth", "", a.alias, false};
        }
        if constexpr (std::is_same_v<T, CreateTap>) links[{a.netns, a.name}] = {"tun", "", a.alias, false};
        if constexpr (std::is_same_v<T, CreateMacvlan>) links[{a.target_netns, a.name}] = {"macvlan", "", a.alias, false};
        if constexpr (std::is_same_v<T, CreateMacvtap>) links[{a.netns, a.name}] = {"macvtap", "", a.alias, false};
        if constexpr (std::is_same_v<T, SetMaster>) links[{a.netns, a.name}].master = a.master;
        if constexpr (std::is_same_v<T, SetUp>) links[{a.netns, a.name}].up = true;
        if constexpr (std::is_same_v<T, AddAddress>) addrs[{a.netns, a.device}].push_back(a.address);
        if constexpr (std::is_same_v<T, AddRoute>)
          routes[a.netns].push_back({a.destination, a.gateway, a.device, 0, "static"});
        if constexpr (std::is_same_v<T, ApplyNft>) nft[{a.netns, a.table}] = a.rule_count;
        if constexpr (std::is_same_v<T, StartDnsmasq>) {
          auto conf_files = host::dnsmasq_files(a.config.run_dir, a.config.network);
          dnsmasq_pid_files.insert(conf_files.pid);
          auto bridge = links.find({a.netns, a.config.bridge});
          dnsmasq_bridge_indexes[conf_files.bridge_index] = bridge == links.end() ? 0 : bridge->second.ifindex;
        }
        if constexpr (std::is_same_v<T, StartOvs>) ovs_run_dirs.insert(a.run_dir);
        if constexpr (std::is_same_v<T, CreateOvsBridge>) {
          ovs_ports[a.name];
          links[{a.netns, a.name}] = {"tun", "", "", false};
        }
        if constexpr (std::is_same_v<T, AddOvsPort>) ovs_ports[a.bridge][a.port] = a.tag;
        if constexpr (std::is_same_v<T, DisableTxChecksum>) tx_checksum_off.insert({a.netns, a.device});
        if constexpr (std::is_same_v<T, ObtainLease>)
          addrs[{a.netns, a.device}].push_back(*model::Cidr::parse("192.168.122.100/24"));
        if constexpr (std::is_same_v<T, StartLibvirtd>) libvirtd_run_dirs.insert(a.run_dir);
        if constexpr (std::is_same_v<T, CreateVmDisk>) files.insert(a.path);
        if constexpr (std::is_same_v<T, RunDomain>) domains[a.name] = a.xml;
        if constexpr (std::is_same_v<T, AwaitVmLease>) leases.insert(a.mac.str());
      },
      action);
}

}  // namespace netlab::plan
