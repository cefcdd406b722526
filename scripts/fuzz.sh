#!/usr/bin/env bash
# A fuzzing campaign: builds the fuzzers with clang (libFuzzer + ASan + UBSan,
# every library instrumented: -DNETLAB_FUZZ=ON) in build-fuzz/ and runs TARGET
# for SECONDS (default 300) on a working copy of its seed corpus.
# Targets: topology, libvirt_xml, hopmap, pcap (tests/fuzz/fuzz_<target>.cpp).
# New crashes land in build-fuzz/findings/<target>/; add each, once fixed, to the
# target's corpus (tests/fuzz/corpus/ for topology, tests/fuzz/corpus_<target>/).
# At the end it prints a summary: executions and execs/s, coverage (libFuzzer's
# cov: and ft:), corpus size, peak RSS and the run's findings; the full log is
# build-fuzz/logs/<target>.log.
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
log=$build/logs/$target.log
mkdir -p "$build/logs"
touch "$log.start"
seeds_n=$(find "$seeds" -type f | wc -l)
load=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
# -rss_limit_mb and -timeout turn memory blow-ups and hangs into findings too.
set +e
"$build/tests/fuzz/fuzz_$target" "$corpus" "${parallel[@]}" "${dict[@]}" \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$findings/" -print_final_stats=1 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# The campaign's figures, read from libFuzzer's log: its last status line
# ("#N DONE cov: C ft: F corp: U/S ...", or the last "#N ..." before a crash)
# and the final stats.
last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1 || true)
field() { sed -nE "s/.*[[:space:]]$1: ([^ ]+).*/\1/p" <<< "$last"; }
stat() { sed -nE "s/^stat::$1: *([0-9]+).*/\1/p" "$log" | tail -n 1; }
corpus_n=$(find "$corpus" -type f | wc -l)
corpus_kb=$(( $(du -sb "$corpus" | cut -f1) / 1024 ))
findings_list=$(find "$findings" -type f -newer "$log.start" 2>/dev/null | sort)
echo
echo "fuzz summary: $target, ${seconds} s from $started, load average at start $load"
if [ "$jobs" -gt 1 ]; then
  echo "  $jobs jobs: per-job figures in fuzz-*.log"
else
  echo "  executions: $(stat number_of_executed_units) ($(stat average_exec_per_sec)/s)"
  echo "  coverage: cov $(field cov) (edges reached), ft $(field ft) (features: edges with hit counts, comparisons)"
  echo "  peak RSS: $(stat peak_rss_mb) MB; new inputs this run: $(stat new_units_added)"
fi
echo "  corpus: $corpus_n inputs, $corpus_kb KiB in $corpus ($seeds_n seeds in $seeds)"
if [ -n "$findings_list" ]; then
  echo "  findings:"; sed 's/^/    /' <<< "$findings_list"
else
  echo "  findings: none (exit $rc)"
fi
rm -f "$log.start"
exit "$rc"
