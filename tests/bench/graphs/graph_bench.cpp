// graphs_bench [--timeout SECONDS] [--engine dot|neato|fdp]... [--all-guests] [SIZES...]: for each lab
// size (guests; default 1000 10000 50000) and each Graphviz engine, forks a
// child that builds the lab diagram (same-shape guests grouped as `netlab graph`
// does, or each drawn with --all-guests), lays it out and renders SVG; the
// parent measures wall time and the child's peak RSS (wait4 rusage). A run over the timeout is killed (SIGALRM in the child) and
// reported as such; larger sizes are then skipped for that engine.
// Prints a Markdown table.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "graphs/lab_graph.h"
#include "graphs/render.h"

namespace {

using namespace netlab;

/// A lab with `guests` one-NIC guests spread over one network per 100 guests,
/// modes cycling nat, route, isolated.
model::Topology generated_lab(int guests) {
  model::Topology t;
  t.name = "b" + std::to_string(guests);
  const int networks = std::max(1, (guests + 99) / 100);
  const model::NetworkMode modes[] = {model::NetworkMode::nat, model::NetworkMode::route,
                                      model::NetworkMode::isolated};
  for (int n = 0; n < networks; ++n) {
    model::Network net;
    net.name = "n" + std::to_string(n);
    net.mode = modes[n % 3];
    net.subnet = model::Cidr{model::Ipv4{(10u << 24) | (uint32_t(n) << 8)}, 24};
    model::Dhcp dhcp;
    dhcp.range_start = model::Ipv4{net.subnet->network().value + 100};
    dhcp.range_end = model::Ipv4{net.subnet->network().value + 200};
    net.dhcp = dhcp;
    t.networks.push_back(net);
  }
  for (int g = 0; g < guests; ++g) {
    model::Guest guest;
    guest.name = "g" + std::to_string(g);
    model::Nic nic;
    nic.network = "n" + std::to_string(g % networks);
    model::Mac mac;
    mac.bytes = {0x52, 0x54, 0x00, uint8_t(g >> 16), uint8_t(g >> 8), uint8_t(g)};
    nic.mac = mac;
    guest.nics.push_back(nic);
    t.guests.push_back(guest);
  }
  return t;
}

struct RunResult {
  bool ok = false;
  bool timed_out = false;
  double seconds = 0;
  long max_rss_kib = 0;
  size_t svg_bytes = 0;
  size_t nodes = 0;
};

RunResult measure(int guests, graphs::Engine engine, unsigned timeout, const graphs::DiagramOptions& options) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return {};
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    alarm(timeout);
    graphs::Diagram d = graphs::build_lab_diagram(generated_lab(guests), {}, options);
    auto svg = graphs::render(d, graphs::Format::svg, engine);
    unsigned long long out[2] = {svg.ok() ? svg->size() : 0, d.nodes.size()};
    if (write(pipefd[1], out, sizeof out) != sizeof out) _exit(3);
    _exit(svg.ok() ? 0 : 1);
  }
  close(pipefd[1]);
  RunResult r;
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kib = usage.ru_maxrss;
  unsigned long long out[2] = {0, 0};
  if (read(pipefd[0], out, sizeof out) == sizeof out) {
    r.svg_bytes = out[0];
    r.nodes = out[1];
  }
  close(pipefd[0]);
  r.timed_out = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned timeout = 60;
  std::vector<int> sizes;
  std::vector<graphs::Engine> engines;
  graphs::DiagramOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--all-guests") {
      options.group_above = SIZE_MAX;
    } else if (a == "--timeout" && i + 1 < argc) {
      timeout = static_cast<unsigned>(std::atoi(argv[++i]));
    } else if (a == "--engine" && i + 1 < argc) {
      auto e = graphs::parse_engine(argv[++i]);
      if (!e) {
        std::fprintf(stderr, "unknown engine %s\n", argv[i]);
        return 2;
      }
      engines.push_back(*e);
    } else {
      sizes.push_back(std::atoi(argv[i]));
    }
  }
  if (engines.empty()) engines = {graphs::Engine::dot, graphs::Engine::neato, graphs::Engine::fdp};
  if (sizes.empty()) sizes = {1000, 10000, 50000};
  std::printf("| guests | nodes | engine | wall time (s) | peak RSS (MiB) | SVG (KiB) |\n");
  std::printf("|---:|---:|---|---:|---:|---:|\n");
  for (graphs::Engine engine : engines) {
    bool give_up = false;
    for (int n : sizes) {
      if (give_up) {
        std::printf("| %d | | %s | skipped (smaller size timed out) | | |\n", n, graphs::to_string(engine));
        continue;
      }
      RunResult r = measure(n, engine, timeout, options);
      if (r.timed_out) {
        std::printf("| %d | | %s | > %u (killed) | %.0f | |\n", n, graphs::to_string(engine), timeout,
                    r.max_rss_kib / 1024.0);
        give_up = true;
      } else if (!r.ok) {
        std::printf("| %d | | %s | failed | | |\n", n, graphs::to_string(engine));
      } else {
        std::printf("| %d | %zu | %s | %.2f | %.0f | %zu |\n", n, r.nodes, graphs::to_string(engine), r.seconds,
                    r.max_rss_kib / 1024.0, r.svg_bytes / 1024);
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
