#!/usr/bin/env bash
# Builds the topology fuzzer with clang (libFuzzer + ASan + UBSan) in build-fuzz/
# and runs it for N seconds (default 300) on a working copy of tests/fuzz/corpus.
# New crashes land in build-fuzz/findings/; add each, once fixed, to tests/fuzz/corpus.
#   usage: scripts/fuzz.sh [SECONDS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
jobs=${2:-1}
build=${NETLAB_FUZZ_BUILD:-build-fuzz}

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DNETLAB_WERROR=OFF >/dev/null
ninja -C "$build" fuzz_topology

mkdir -p "$build/corpus" "$build/findings"
cp -n tests/fuzz/corpus/* "$build/corpus/" 2>/dev/null || true
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
# -rss_limit_mb and -timeout turn memory blow-ups and hangs into findings too.
exec "$build/tests/fuzz/fuzz_topology" "$build/corpus" "${parallel[@]}" \
  -dict=tests/fuzz/topology.dict -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$build/findings/" -print_final_stats=1
