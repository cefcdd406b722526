// How fast netlab::host plumbs light guests: for N guests, N namespaces, each
// with a veth whose host side is on one bridge (created enslaved and up) and
// whose peer eth0 gets an address and a default route; then the teardown.
// Prints total and per-guest time per phase; median of --runs runs.
//
//   host_guest_bench [N ...] [--runs R] [--no-ipv6]   (default: 10 100 1000, 3 runs)
//
// Measured (2 shared cores, load ~8-12): IPv6 on, N=100 2.8 ms/guest, N=1000
// 14-20 ms/guest growing along the run: each new port's ND/MLD multicast is
// flooded by the bridge into every guest. With --no-ipv6 (create_netns
// Ipv6::off) N=100 2.5 ms/guest, N=1000 4.4 ms/guest.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "netlab/host/netlink.h"
#include "netlab/host/netns.h"

using namespace netlab;
using namespace netlab::host;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kHost = "nlt-hc-bench-host";
bool g_no_ipv6 = false;  // --no-ipv6: disable IPv6 in every namespace (no ND/MLD flooding)

std::string guest_ns(int i) { return "nlt-hc-bench-" + std::to_string(i); }
std::string host_dev(int i) { return "hcb" + std::to_string(i); }
model::Cidr guest_addr(int i) { return {model::Ipv4{(10u << 24) | (200u << 16) | static_cast<uint32_t>(i + 2)}, 16}; }

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void die(const Status& s) {
  if (!s) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    std::exit(1);
  }
}

struct Times {
  std::vector<double> per_guest;  // up time of each guest, in order
  double netns = 0, veth = 0, guest = 0, total_up = 0, down = 0, settled = 0;
};

Times one_run(int n) {
  Times t;
  auto host = Netlink::open(kHost);
  die(host ? Status{} : Status(host.error()));
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    die(create_netns(guest_ns(i), Loopback::up, g_no_ipv6 ? Ipv6::off : Ipv6::on));
    auto t1 = Clock::now();
    die(host->create_veth({.name = host_dev(i),
                           .peer_name = "eth0",
                           .peer_netns = guest_ns(i),
                           .alias = "netlab:bench",
                           .master = "hcbr0",
                           .up = true}));
    auto t2 = Clock::now();
    auto g = Netlink::open(guest_ns(i));
    die(g ? Status{} : Status(g.error()));
    die(g->set_up("eth0"));
    die(g->add_address("eth0", guest_addr(i)));
    die(g->add_route({.gateway = model::Ipv4::parse("10.200.0.1"), .dev = "eth0"}));
    auto t3 = Clock::now();
    t.netns += std::chrono::duration<double>(t1 - t0).count();
    t.veth += std::chrono::duration<double>(t2 - t1).count();
    t.guest += std::chrono::duration<double>(t3 - t2).count();
    t.per_guest.push_back(std::chrono::duration<double>(t3 - t0).count());
  }
  t.total_up = seconds_since(start);
  // Teardown the way `ip netns del` does it: unmount the guest namespaces;
  // the kernel then destroys each guest's eth0 and with it the host-side
  // veth, asynchronously. `settled` is when the last host-side veth is gone.
  auto down_start = Clock::now();
  for (int i = 0; i < n; ++i) die(delete_netns(guest_ns(i)));
  t.down = seconds_since(down_start);
  for (;;) {
    auto links = host->list_links();
    die(links ? Status{} : Status(links.error()));
    if (links->size() <= 2) break;  // lo and the bridge
    usleep(2000);
  }
  t.settled = seconds_since(down_start);
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "host_guest_bench needs root (it creates namespaces nlt-hc-bench-*)\n");
    return 2;
  }
  std::vector<int> sizes;
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-ipv6")
      g_no_ipv6 = true;
    else if (a == "--runs" && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else
      sizes.push_back(std::atoi(a.c_str()));
  }
  if (sizes.empty()) sizes = {10, 100, 1000};

  die(create_netns(kHost, Loopback::up, g_no_ipv6 ? Ipv6::off : Ipv6::on));
  {
    auto host = Netlink::open(kHost);
    die(host ? Status{} : Status(host.error()));
    die(host->create_bridge({.name = "hcbr0", .up = true}));
    die(host->add_address("hcbr0", *model::Cidr::parse("10.200.0.1/16")));
  }
  std::printf("%6s %9s %11s | per guest (ms): %7s %7s %7s | %9s %11s %11s\n", "N", "up (s)", "up/guest", "netns",
              "veth", "in-guest", "down (s)", "down/guest", "settled (s)");
  for (int n : sizes) {
    std::vector<double> up, down, settled, ns, veth, guest;
    std::vector<double> deciles(10, 0.0);
    for (int r = 0; r < runs; ++r) {
      Times t = one_run(n);
      up.push_back(t.total_up);
      down.push_back(t.down);
      settled.push_back(t.settled);
      for (int i = 0; i < n; ++i) deciles[static_cast<size_t>(i * 10 / n)] += t.per_guest[static_cast<size_t>(i)] / runs;
      ns.push_back(t.netns);
      veth.push_back(t.veth);
      guest.push_back(t.guest);
    }
    std::printf("%6d %9.3f %9.3fms | %15s %7.3f %7.3f %7.3f | %9.3f %9.3fms %11.3f\n", n, median(up),
                median(up) / n * 1000, "", median(ns) / n * 1000, median(veth) / n * 1000, median(guest) / n * 1000,
                median(down), median(down) / n * 1000, median(settled));
    if (n >= 100) {
      std::printf("%6s per guest (ms) by tenth of the run:", "");
      for (double d : deciles) std::printf(" %.2f", d / (n / 10) * 1000);
      std::printf("\n");
    }
    std::fflush(stdout);
  }
  die(delete_netns(kHost));
  return 0;
}
