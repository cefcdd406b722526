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
        if constexpr (std::is_same_v<T, AddAddress6>) addrs6[{a.netns, a.device}].push_back(a.address);
        if constexpr (std::is_same_v<T, AddRoute6>) routes6[a.netns].push_back({a.destination, a.gateway, a.device});
        if constexpr (std::is_same_v<T, AwaitAddress6>)  // the SLAAC address of the NIC's EUI-64
          addrs6[{a.netns, a.device}].push_back({a.subnet.network().plus(0x505400fffe000001ull), 64});
        if constexpr (std::is_same_v<T, ApplyNft>) {
          nft[{a.netns, a.table}] = a.rule_count;
          files[a.record] = a.ruleset;
        }
        if constexpr (std::is_same_v<T, StartDnsmasq>) {
          const auto paths = host::dnsmasq_files(a.config.run_dir, a.config.network);
          process_pid_files.insert(paths.pid);
          if (auto conf = host::render_dnsmasq_conf(a.config)) files[paths.conf] = conf.value();
          auto bridge = links.find({a.netns, a.config.bridge});
          dnsmasq_bridge_indexes[paths.bridge_index] = bridge == links.end() ? 0 : bridge->second.ifindex;
        }
        if constexpr (std::is_same_v<T, ChangeAddress>) addrs[{a.netns, a.device}] = {a.to};
        if constexpr (std::is_same_v<T, StartOvs>) ovs_run_dirs.insert(a.run_dir);
        if constexpr (std::is_same_v<T, CreateOvsBridge>) {
          ovs_ports[{a.run_dir, a.name}];
          links[{a.netns, a.name}] = {"tun", "", "", false};
        }
        if constexpr (std::is_same_v<T, AddOvsPort>) {
          ovs_ports[{a.run_dir, a.bridge}][a.port] = a.tag;
          ovs_iface_ids[a.port] = a.iface_id;
        }
        if constexpr (std::is_same_v<T, StartOvnCentral>) ovn_central_dirs.insert(a.dir);
        if constexpr (std::is_same_v<T, StartOvnController>) ovn_controller_dirs.insert(a.host_dir);
        if constexpr (std::is_same_v<T, ConfigureOvnNetwork>) ovn_networks[a.spec.network] = host::ovn_network_digest(a.spec);
        if constexpr (std::is_same_v<T, DisableTxChecksum>) tx_checksum_off.insert({a.netns, a.device});
        if constexpr (std::is_same_v<T, ObtainLease>) {
          // The lease's host part is the fake's; its subnet the network's.
          model::Cidr lease = *model::Cidr::parse("192.168.122.100/24");
          if (a.subnet) lease = {model::Ipv4{a.subnet->network().value + 100}, a.subnet->prefix};
          addrs[{a.netns, a.device}] = {lease};
        }
        if constexpr (std::is_same_v<T, RemoveObject>) forget(a.object);
        if constexpr (std::is_same_v<T, StartLibvirtd>) libvirtd_run_dirs.insert(a.run_dir);
        if constexpr (std::is_same_v<T, CreateVmDisk>) files[a.path] = "";
        if constexpr (std::is_same_v<T, RunDomain>) domains[a.name] = a.xml;
        if constexpr (std::is_same_v<T, AwaitVmLease>) leases.insert(a.mac.str());
        if constexpr (std::is_same_v<T, SetNetem>)
          for (const auto& d : a.devices) {
            if (a.impairment.none()) netems.erase({d.netns, d.device});
            else netems[{d.netns, d.device}] = a.impairment;
          }
      },
      action);
}

void FakeObserved::forget(const state::OwnedObject& o) {
  using K = state::ObjectKind;
  switch (o.kind) {
    case K::netns:
      namespaces.erase(o.name);
      std::erase_if(links, [&](const auto& l) { return l.first.first == o.name; });
      std::erase_if(addrs, [&](const auto& a) { return a.first.first == o.name; });
      routes.erase(o.name);
      return;
    case K::link: links.erase({o.netns, o.name}); addrs.erase({o.netns, o.name}); return;
    case K::nft_table: nft.erase({o.netns, o.name.substr(o.name.find(' ') + 1)}); return;
    case K::process: process_pid_files.erase(o.name); return;
    case K::ovs: ovs_run_dirs.erase(o.name); return;
    case K::sysctl: sysctls[{o.netns, o.name}] = o.detail; return;
    case K::uplink: links[{o.netns, o.name}].master = ""; return;
    case K::libvirtd: libvirtd_run_dirs.erase(o.name); return;
    case K::domain: domains.erase(o.name); return;
    case K::file: files.erase(o.name); return;
    case K::ovn:
      if (o.detail == "central") ovn_central_dirs.erase(o.name);
      else ovn_controller_dirs.erase(o.name);
      return;
  }
}

}  // namespace netlab::plan
