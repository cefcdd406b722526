// tracer_bench_offline DIR [REPEAT]: times, on this one thread, reading and
// decoding every capture of DIR (libpcap + decode_frame), correlating the
// records (identity, sort, order along the hop map, NAT/route points, drops) and
// labelling them (strings for output). Prints records/s; best of REPEAT runs.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "tracer/capture_set.h"
#include "tracer/correlate.h"
#include "tracer/label.h"

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace netlab::tracer;
  if (argc < 2) {
    std::fprintf(stderr, "usage: tracer_bench_offline DIR [REPEAT]\n");
    return 2;
  }
  int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  double best_read = 1e9, best_corr = 1e9, best_label = 1e9;
  size_t records = 0, paths = 0, dropped = 0;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto set = load_capture_set(argv[1], false);
    if (!set) {
      std::fprintf(stderr, "tracer_bench_offline: %s\n", set.error().message.c_str());
      return 1;
    }
    double read = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    HopGraph graph = HopGraph::build(set->hopmap, set->devices);
    Correlation corr = correlate(*set, graph);
    double c = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    auto traced = label(corr, *set, graph);
    double l = seconds_since(t0);
    records = set->records.size();
    paths = corr.paths.size();
    dropped = 0;
    for (const auto& p : corr.paths) dropped += p.dropped;
    best_read = std::min(best_read, read);
    best_corr = std::min(best_corr, c);
    best_label = std::min(best_label, l);
  }
  double n = static_cast<double>(records);
  std::printf("records            %zu\n", records);
  std::printf("packets (paths)    %zu, dropped %zu\n", paths, dropped);
  std::printf("read+decode        %.3f s  %.2f M records/s\n", best_read, n / best_read / 1e6);
  std::printf("correlate          %.3f s  %.2f M records/s\n", best_corr, n / best_corr / 1e6);
  std::printf("decode+correlate   %.3f s  %.2f M records/s\n", best_read + best_corr, n / (best_read + best_corr) / 1e6);
  std::printf("label (strings)    %.3f s  %.2f M records/s\n", best_label, n / best_label / 1e6);
  std::printf("all                %.3f s  %.2f M records/s\n", best_read + best_corr + best_label,
              n / (best_read + best_corr + best_label) / 1e6);
  return 0;
}
