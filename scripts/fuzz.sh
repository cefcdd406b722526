#!/usr/bin/env bash
# A fuzzing campaign: builds the fuzzers with clang (libFuzzer + ASan + UBSan,
# every library instrumented: -DNETLAB_FUZZ=ON) in build-fuzz/ and runs TARGET
# for SECONDS (default 300) on a working copy of its seed corpus.
# Targets: topology, libvirt_xml, hopmap, pcap (tests/fuzz/fuzz_<target>.cpp).
# New crashes land in build-fuzz/findings/<target>/; add each, once fixed, to the
# target's corpus (tests/fuzz/corpus/ for topology, tests/fuzz/corpus_<target>/).
#   usage: scripts/fuzz.sh TARGET [SECONDS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
targets="topology libvirt_xml hopmap pcap"
target=${1:-}
if [ -z "$target" ] || ! grep -qw -- "$target" <<< "$targets"; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS] [JOBS]   (TARGET: $targets)" >&2
  exit 2
fi
seconds=${2:-300}
jobs=${3:-1}
build=${NETLAB_FUZZ_BUILD:-build-fuzz}

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DNETLAB_WERROR=OFF -DNETLAB_FUZZ=ON >/dev/null
ninja -C "$build" "fuzz_$target"

seeds=tests/fuzz/corpus_$target
[ "$target" = topology ] && seeds=tests/fuzz/corpus
dict=()
max_len=65536
[ "$target" = topology ] && max_len=4096
[ "$target" = topology ] && dict=(-dict=tests/fuzz/topology.dict)
corpus=$build/corpus/$target
findings=$build/findings/$target
mkdir -p "$corpus" "$findings"
cp -n "$seeds"/* "$corpus/" 2>/dev/null || true
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
# -rss_limit_mb and -timeout turn memory blow-ups and hangs into findings too.
exec "$build/tests/fuzz/fuzz_$target" "$corpus" "${parallel[@]}" "${dict[@]}" \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$findings/" -print_final_stats=1
