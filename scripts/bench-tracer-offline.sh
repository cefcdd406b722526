#!/bin/bash
# Offline tracer benchmark: generates a synthetic capture set (4 devices, NAT
# between device 2 and 3, >= 1 M records), times netlab's decode+correlate on one
# core (tracer_bench_offline), times `tshark -r FILE -T fields -e frame.number`
# on the same files (also on that core), and prints the ratio.
# Usage: scripts/bench-tracer-offline.sh [BUILD_DIR] [PACKETS]   (defaults: build, 262144 packets = 1048576 records)
# Needs the targets tracer_bench_gen and tracer_bench_offline built in BUILD_DIR; tshark optional.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BUILD=${1:-$ROOT/build}
PACKETS=${2:-262144}
BIN=$BUILD/tests/bench/tracer
DIR=$(mktemp -d /tmp/netlab-tracer-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
CORE=${CORE:-0}

"$BIN/tracer_bench_gen" "$DIR" "$PACKETS"
echo "== netlab tracer (one core: cpu $CORE)"
OUT=$(taskset -c "$CORE" "$BIN/tracer_bench_offline" "$DIR" 3)
echo "$OUT"
RECORDS=$(awk '/^records/{print $2}' <<<"$OUT")
OURS=$(awk '/^decode\+correlate/{print $2}' <<<"$OUT")

if ! command -v tshark >/dev/null; then echo "tshark not installed: no comparison"; exit 0; fi
echo "== tshark -r FILE -T fields -e frame.number (one core: cpu $CORE)"
start=$(date +%s.%N)
total=0
for f in "$DIR"/*.pcap; do
  n=$(taskset -c "$CORE" tshark -r "$f" -T fields -e frame.number 2>/dev/null | wc -l)
  total=$((total + n))
done
end=$(date +%s.%N)
TSHARK=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}')
awk -v n="$total" -v t="$TSHARK" 'BEGIN{printf "tshark             %.3f s  %.2f M records/s (%d frames)\n", t, n/t/1e6, n}'
awk -v t="$TSHARK" -v o="$OURS" 'BEGIN{printf "ratio              netlab decode+correlate is %.1fx faster than tshark reading the same files\n", t/o}'
[ "$total" = "$RECORDS" ] || echo "warning: tshark read $total frames, netlab $RECORDS records"
