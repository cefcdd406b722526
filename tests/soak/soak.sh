#!/usr/bin/env bash
# Soak: crashes, concurrency and drift, repeated. Needs root; everything runs in
# the sandbox (--sandbox) under lab names of its own (skc, skd, skp1.., skr).
#   1. N `up`s killed (SIGKILL) at a random point of the build, the points spread
#      over the whole build including its first milliseconds, each followed by
#      `gc` and a check that nothing of the lab exists (run directory, lock,
#      namespaces, processes); then N `down`s killed half-way, the same way.
#   2. N different labs brought up at once: all succeed, all are healthy, all go.
#   3. N rounds of drift injections of each kind (guest namespace deleted, bridge
#      deleted, dnsmasq killed, veth set down, nft table deleted), each followed
#      by `up` and a health check: `doctor` passes, a ping goes out, a new DHCP
#      lease is granted.
# Usage: soak.sh NETLAB_BINARY SOURCE_DIR [N]   (N default 20; CI runs N=2)
set -euo pipefail
netlab=$1
src=$2
n=${3:-20}
run_root=${NETLAB_RUN_DIR:-/run/netlab}
tmp=$(mktemp -d /tmp/netlab-soak-XXXXXX)
labs=(skc skd skr)
for i in $(seq 1 "$n"); do labs+=("skp$i"); done
cleanup() {
  for lab in "${labs[@]}"; do "$netlab" down "$lab" > /dev/null 2>&1 || true; done
  "$netlab" gc > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
log() { echo "soak: $*"; }

# A copy of topologies/nat.yaml under another lab name.
topology() {  # LAB -> path
  sed "s/^name: nat$/name: $1/" "$src/topologies/nat.yaml" > "$tmp/$1.yaml"
  echo "$tmp/$1.yaml"
}

# Nothing of LAB exists: no run directory or lock, no namespace, no process
# whose command line names the lab's run directory.
check_gone() {  # LAB WHAT
  local lab=$1 what=$2
  [ ! -e "$run_root/$lab" ] || fail "$what: $run_root/$lab is left"
  [ ! -e "$run_root/$lab.lock" ] || fail "$what: $run_root/$lab.lock is left"
  # Not grep -q: quitting early would kill awk by SIGPIPE, failing the pipeline (pipefail).
  if ip netns list | awk '{print $1}' | grep "^$lab-" > /dev/null; then
    fail "$what: namespaces left: $(ip netns list | awk '{print $1}' | grep "^$lab-" | tr '\n' ' ')"
  fi
  if pgrep -f -- "$run_root/$lab/" > /dev/null; then
    fail "$what: processes left: $(pgrep -af -- "$run_root/$lab/")"
  fi
}

# Random milliseconds in [0, max): the first quarter of the iterations in the
# first 10 ms, where a kill lands between creating the run directory and
# writing its first state.
kill_point_ms() {  # ITERATION MAX_MS
  local i=$1 max=$2
  if [ $((i % 4)) -eq 0 ]; then echo $((RANDOM % 10)); else echo $((RANDOM * max / 32768)); fi
}

sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

healthy() {  # LAB WHAT
  local lab=$1 what=$2
  timeout 60 "$netlab" doctor "$lab" > "$tmp/doctor" 2>&1 || fail "$what: doctor: $(cat "$tmp/doctor")"
  timeout 30 "$netlab" exec "$lab" g1 -- ping -c1 -W2 198.51.100.1 > /dev/null 2>&1 || fail "$what: g1 cannot ping out"
  # A fresh DHCP exchange (the script /bin/true leaves the address alone): dnsmasq
  # must answer on its bridge, not only be alive.
  timeout 30 "$netlab" exec "$lab" g2 -- busybox udhcpc -n -q -f -i eth0 -t 4 -T 1 -s /bin/true > /dev/null 2>&1 ||
    fail "$what: g2 gets no DHCP lease"
}

# Time of one full build, to spread the kill points over it.
file=$(topology skc)
start=$(date +%s%N)
timeout 120 "$netlab" up --sandbox "$file" > /dev/null || fail "a plain up failed"
build_ms=$((($(date +%s%N) - start) / 1000000 + 20))
"$netlab" down skc > /dev/null
check_gone skc "plain down"
log "one build takes ${build_ms} ms; killing $n ups and $n downs"

# 1a. Killed ups.
for i in $(seq 1 "$n"); do
  at=$(kill_point_ms "$i" "$build_ms")
  "$netlab" up --sandbox "$file" > /dev/null 2>&1 &
  pid=$!
  sleep_ms "$at"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  timeout 120 "$netlab" gc > "$tmp/gc" 2>&1 || fail "gc after up killed at $at ms: $(cat "$tmp/gc")"
  # gc leaves a lab whose up finished before the kill; down removes it.
  [ -e "$run_root/skc/state.json" ] && grep -q '"ready"' "$run_root/skc/state.json" && "$netlab" down skc > /dev/null
  check_gone skc "up killed at $at ms (iteration $i)"
done
log "$n killed ups collected"

# 1b. Killed downs.
file=$(topology skd)
for i in $(seq 1 "$n"); do
  timeout 120 "$netlab" up --sandbox "$file" > /dev/null || fail "up before down-kill $i"
  at=$(kill_point_ms "$i" 200)
  "$netlab" down skd > /dev/null 2>&1 &
  pid=$!
  sleep_ms "$at"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  timeout 120 "$netlab" gc > "$tmp/gc" 2>&1 || fail "gc after down killed at $at ms: $(cat "$tmp/gc")"
  # A down killed before it began (the process still loading its libraries)
  # leaves the lab whole and `ready`, which gc rightly keeps: it must then be
  # intact (no drift), and down removes it.
  if [ -e "$run_root/skd/state.json" ] && grep -q '"ready"' "$run_root/skd/state.json"; then
    "$netlab" status skd > "$tmp/status" 2>&1 || fail "status after down killed at $at ms: $(cat "$tmp/status")"
    grep -q 'drift: none' "$tmp/status" || fail "down killed at $at ms before it began changed the lab: $(cat "$tmp/status")"
    "$netlab" down skd > /dev/null
  fi
  check_gone skd "down killed at $at ms (iteration $i)"
done
log "$n killed downs collected"

# 2. Concurrent labs.
pids=()
for i in $(seq 1 "$n"); do
  f=$(topology "skp$i")
  timeout 300 "$netlab" up --sandbox "$f" > "$tmp/skp$i.out" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$n"); do
  wait "${pids[$((i - 1))]}" || fail "concurrent up of skp$i: $(cat "$tmp/skp$i.out")"
done
for i in $(seq 1 "$n"); do
  "$netlab" status "skp$i" --json | grep '"phase": "ready"' > /dev/null || fail "skp$i is not ready"
  timeout 30 "$netlab" exec "skp$i" g1 -- ping -c1 -W2 198.51.100.1 > /dev/null 2>&1 || fail "skp$i: g1 cannot ping out"
done
for i in $(seq 1 "$n"); do
  "$netlab" down "skp$i" > /dev/null || fail "down skp$i"
  check_gone "skp$i" "concurrent lab"
done
log "$n concurrent labs built, healthy and removed"

# 3. Drift.
file=$(topology skr)
timeout 120 "$netlab" up --sandbox "$file" > /dev/null || fail "up skr"
healthy skr "fresh lab"
inject() {  # KIND
  case $1 in
    netns) ip netns del skr-g1 ;;
    bridge) ip -n skr-host link del skr-default ;;
    dnsmasq) kill -9 "$(cat "$run_root/skr/dnsmasq-default.pid")" ;;
    veth-down) ip -n skr-host link set skr-g1-0 down ;;
    nft) ip netns exec skr-host nft delete table inet netlab_skr ;;
  esac
}
for i in $(seq 1 "$n"); do
  for kind in netns bridge dnsmasq veth-down nft; do
    inject "$kind"
    timeout 120 "$netlab" up --sandbox "$file" > "$tmp/up" 2>&1 || fail "up after $kind drift: $(cat "$tmp/up")"
    healthy skr "after $kind drift (round $i)"
  done
done
"$netlab" down skr > /dev/null
check_gone skr "drift lab"
log "$n rounds of 5 drift kinds repaired"
echo ok
