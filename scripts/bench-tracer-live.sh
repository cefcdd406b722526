#!/bin/bash
# Live tracer benchmarks (root, sandbox labs only):
#  1. capture on 4 hop devices (guest NIC, veth, bridge, uplink) while guest g1
#     sends a bounded, paced UDP stream to the simulated WAN (tracer_bench_live):
#     pcap_stats received/dropped per device and the rate handled; in immediate
#     mode (as a probe trace), with the block ring (as --passive), and with the
#     block ring and two sender threads on two cores; then the same streams
#     without capture, for what the kernel path alone sustains here;
#  2. `netlab trace` end to end on the 2-guest NAT lab (topologies/nat.yaml as lab
#     "lbe"): wall time of RUNS traces (ICMP to 198.51.100.1), min/median/max.
# Usage: scripts/bench-tracer-live.sh [BUILD_DIR] [RATE] [COUNT] [RUNS]
#        (defaults: build, 200000 pps, 400000 packets, 10 runs)
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
BUILD=${1:-$ROOT/build}
RATE=${2:-200000}
COUNT=${3:-400000}
RUNS=${4:-10}
NETLAB=$BUILD/netlab/cli/netlab
BENCH=$BUILD/tests/bench/tracer/tracer_bench_live
[ "$(id -u)" = 0 ] || { echo "needs root (sandbox namespaces)"; exit 2; }

echo "== live capture, 4 devices, UDP stream $COUNT packets at $RATE pps, one sender, immediate mode (as a probe trace)"
"$BENCH" "$NETLAB" --rate "$RATE" --count "$COUNT" --lab lbn
echo "== the same, block ring (as --passive)"
"$BENCH" "$NETLAB" --rate "$RATE" --count "$COUNT" --lab lbn --blocks
echo "== block ring, two senders on two cores (one sender keeps the forwarding path on its own core)"
"$BENCH" "$NETLAB" --rate "$RATE" --count "$COUNT" --lab lbn --blocks --senders 2
echo "== the same streams without capture (what the kernel path alone carries), one and two senders"
"$BENCH" "$NETLAB" --rate "$RATE" --count "$COUNT" --lab lbn --no-capture | head -2
"$BENCH" "$NETLAB" --rate "$RATE" --count "$COUNT" --lab lbn --no-capture --senders 2 | head -2

echo "== netlab trace end to end, 2-guest NAT lab, $RUNS runs"
TOPO=$(mktemp /tmp/netlab-bench-lbe.XXXXXX.yaml)
trap '"$NETLAB" down lbe >/dev/null 2>&1 || true; rm -f "$TOPO"' EXIT
sed 's/^name: nat$/name: lbe/' "$ROOT/topologies/nat.yaml" > "$TOPO"
"$NETLAB" up "$TOPO" --sandbox >/dev/null
times=()
for _ in $(seq "$RUNS"); do
  s=$(date +%s%N)
  "$NETLAB" trace lbe --from g1 --to 198.51.100.1 >/dev/null
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "wall ms: min ${sorted[0]}  median ${sorted[$((RUNS / 2))]}  max ${sorted[$((RUNS - 1))]}  (all: ${times[*]})"
