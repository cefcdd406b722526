#!/usr/bin/env bash
# OVN across two hosts against one host with a Linux bridge (figures in docs/benchmarks.md).
#
#   sudo tests/bench/ovn/ovn_vs_bridge.sh [--sizes "10 100"] [--runs R] [--netlab PATH]
#
# Per N (light guests PER HOST), two labs of 2N DHCP guests on one nat network are built
# in the sandbox, one after the other:
#   ovnb: hosts h1 and h2 (h2 the gateway), `switch: ovn`, N guests on each host (OVN DHCP);
#   brb:  one host, `switch: linux` (dnsmasq), the same 2N guests.
# Figures per run: wall time of `netlab up` (it returns once every guest holds its lease;
# the script checks that every guest has an address afterwards), wall time of `down`;
# then between the first guest of h1 and the first of h2 (brb: the same two guests on the
# one bridge): ping RTT (ping, 50 x 20 ms, min/avg/max) and TCP throughput
# (python3 sockets, 100 MB one way, timed by the receiver). Prints figures; asserts nothing.
# Lab names ovnb/brb; everything goes with `down` (also on ^C or failure).
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)
NETLAB=""
SIZES="10 100"
RUNS=2
while (($#)); do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --netlab) NETLAB=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n $NETLAB ]] || NETLAB=$ROOT/build/netlab/cli/netlab
[[ -x $NETLAB ]] || { echo "netlab binary not found; build it or pass --netlab PATH" >&2; exit 2; }
((EUID == 0)) || { echo "run as root (namespaces only; the root namespace is not changed)" >&2; exit 2; }
TMP=$(mktemp -d)
cleanup() { "$NETLAB" down ovnb >/dev/null 2>&1; "$NETLAB" down brb >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

# topology LAB N SWITCH: 2N guests a1..aN (h1) and b1..bN (h2 on OVN), one nat network.
topology() {
  local lab=$1 n=$2 sw=$3 i
  {
    echo "name: $lab"
    if [[ $sw == ovn ]]; then printf 'hosts:\n  h1: {}\n  h2: {uplink: eth0}\n'; fi
    printf 'networks:\n  front:\n    mode: nat\n    switch: %s\n    subnet: 10.80.0.0/22\n' "$sw"
    printf '    dhcp:\n      range: 10.80.0.10-10.80.3.250\nguests:\n'
    for ((i = 1; i <= n; i++)); do printf '  a%d:\n    nics: [{network: front}]\n' "$i"; done
    for ((i = 1; i <= n; i++)); do
      printf '  b%d:\n' "$i"
      [[ $sw == ovn ]] && printf '    host: h2\n'
      printf '    nics: [{network: front}]\n'
    done
  } > "$TMP/$lab-$n.yaml"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
addr() { "$NETLAB" exec "$1" "$2" -- ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

SERVER='import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5201)); s.listen(1); s.settimeout(60); c, _ = s.accept(); n = 0; t = None
while True:
    d = c.recv(262144)
    if not d: break
    if t is None: t = time.time()
    n += len(d)
dt = time.time() - t
print("%d %.0f" % (n, n * 8 / dt / 1e6))'
CLIENT='import socket, sys; s = socket.create_connection((sys.argv[1], 5201), timeout=10)
b = b"x" * 1048576
for _ in range(100): s.sendall(b)
s.close()'

# run LAB N: up, lease check, RTT, TCP, down; one line of figures.
run() {
  local lab=$1 n=$2 t up_s down_s leased dst rtt tcp
  t=$(now)
  "$NETLAB" up "$TMP/$lab-$n.yaml" --sandbox >/dev/null || { echo "$lab N=$n: up failed"; return 1; }
  up_s=$(since "$t")
  leased=0
  for ((i = 1; i <= n; i++)); do
    for g in a$i b$i; do [[ -n $(addr "$lab" "$g") ]] && leased=$((leased + 1)); done
  done
  dst=$(addr "$lab" b1)
  # The first packets between two new chassis meet flow setup: warm up, then measure.
  "$NETLAB" exec "$lab" a1 -- ping -c 3 -i 0.2 -W 2 "$dst" >/dev/null 2>&1
  rtt=$("$NETLAB" exec "$lab" a1 -- ping -c 50 -i 0.02 -W 2 "$dst" 2>/dev/null | awk '/min\/avg\/max/ {split($0, x, "= "); split(x[2], y, "/"); sub(/ .*/, "", y[3]); print y[1] "/" y[2] "/" y[3]}')
  "$NETLAB" exec "$lab" b1 -- python3 -c "$SERVER" > "$TMP/tcp" &
  local listener=$!
  for _ in $(seq 100); do "$NETLAB" exec "$lab" b1 -- sh -c 'ss -ltn | grep -q :5201' && break; sleep 0.1; done
  "$NETLAB" exec "$lab" a1 -- python3 -c "$CLIENT" "$dst" || echo "$lab N=$n: TCP client failed"
  wait "$listener"
  tcp=$(awk '{print $2}' "$TMP/tcp")
  t=$(now)
  "$NETLAB" down "$lab" >/dev/null || echo "$lab N=$n: down failed"
  down_s=$(since "$t")
  printf '%-5s %4d %5d %8s %8s %7s/%-4s %-22s %s\n' "$lab" "$n" "$((2 * n))" "$up_s" "$down_s" "$leased" "$((2 * n))" \
    "${rtt:-?}" "${tcp:-?}"
}

echo "# $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %4s %5s %8s %8s %12s %-22s %s\n' lab N/h guests "up s" "down s" leases "rtt min/avg/max ms" "TCP Mbit/s"
for n in $SIZES; do
  topology ovnb "$n" ovn
  topology brb "$n" linux
  for ((r = 1; r <= RUNS; r++)); do
    run ovnb "$n"
    run brb "$n"
  done
done
