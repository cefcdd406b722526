#!/usr/bin/env bash
# Where does `netlab up` of the benchmark lab spend its time? Runs it once under
# `perf sched record -g` and once under `perf record -g` (root), then prints:
#   - wall time, and for netlab's threads: time on CPU, time waiting for a CPU
#     (run-queue delay: the machine's load), and time asleep, split by the kernel
#     call chain the thread went to sleep in (top 8);
#   - the kernel and user functions that used the most CPU (top 15, self time).
# The lab is lab "nlb" (namespaces nlb-*), removed at the end even on failure.
#
#   tests/bench/engine/profile-up.sh NETLAB N
set -uo pipefail
netlab=${1:?usage: profile-up.sh NETLAB N}
n=${2:?usage: profile-up.sh NETLAB N}
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
((EUID == 0)) || { echo "run as root" >&2; exit 2; }
tmp=$(mktemp -d /tmp/netlab-profile-up.XXXXXX)
trap '"$netlab" down nlb >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
"$here/gen-topology.sh" "$n" nlb > "$tmp/lab.yaml"
comm=$(basename "$netlab" | cut -c1-15)

# Waits until the kernel's netns cleanup work of the previous `down` is done.
settle() { for _ in $(seq 1 300); do grep -q '+netns' /proc/[0-9]*/comm 2>/dev/null || return 0; sleep 0.1; done; }

settle
t0=$(date +%s.%N)
perf sched record -q -g -o "$tmp/sched.data" -- "$netlab" up "$tmp/lab.yaml" --sandbox > "$tmp/up1.log" 2>&1 ||
  { echo "netlab up failed: $(tail -3 "$tmp/up1.log")" >&2; exit 1; }
t1=$(date +%s.%N)
"$netlab" down nlb > /dev/null 2>&1
settle
perf record -q -g -o "$tmp/cpu.data" -- "$netlab" up "$tmp/lab.yaml" --sandbox > "$tmp/up2.log" 2>&1 ||
  { echo "netlab up failed: $(tail -3 "$tmp/up2.log")" >&2; exit 1; }
"$netlab" down nlb > /dev/null 2>&1

echo "== netlab up, N=$n: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s wall under perf sched (load $(cut -d' ' -f1-3 /proc/loadavg))"
perf sched timehist -i "$tmp/sched.data" -g --max-stack 12 2>/dev/null > "$tmp/timehist.txt"
# Columns: time cpu task wait(sleep) sch-delay run-time callchain-at-switch-out (ms).
# A sleep is charged to the call chain of the thread's previous switch-out.
awk -v comm="$comm" -v n="$n" '
  index($0, comm "[") {
    rest = substr($0, index($0, comm "[") + length(comm))
    match(rest, /^\[[0-9\/]+\]/); t = substr(rest, RSTART, RLENGTH)
    w = $4; d = $5; r = $6; cs = $0
    sub(/.*[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ */, "", cs)
    if ((t in last) && w > 0) W[last[t]] += w
    D += d; R += r
    who = (t ~ /\//) ? "helper threads" : "main thread"   # [tid/pid] for a thread, [pid] for the main one
    DD[who] += d; RR[who] += r; if (t ~ /\//) seen[t] = 1
    k = ""; c = 0; m = split(cs, f, " <- ")
    for (i = 1; i <= m && c < 4; i++) {
      if (f[i] ~ /^(schedule|__schedule|schedule_timeout|schedule_preempt|__mutex_lock|mutex_lock|\[unknown\])/) continue
      k = k (c ? " < " : "") f[i]; c++
    }
    if (k == "") k = "(user space / no kernel chain)"
    if (k ~ /^(exit_to_user_mode_loop|irqentry_exit_to_user_mode)/) k = "(preempted: " k ")"
    last[t] = k
  }
  END {
    printf "on CPU %.0f ms (%.2f ms/guest), waiting for a CPU %.0f ms (%.2f ms/guest)\n", R, R / n, D, D / n
    for (w in RR) printf "  %s: on CPU %.0f ms, waiting for a CPU %.0f ms\n", w, RR[w], DD[w]
    printf "  helper threads seen: %d (one per namespace created or entered)\n", length(seen)
    print "asleep, by where the thread went to sleep (ms, ms/guest):"
    for (k in W) printf "%10.0f %7.3f  %s\n", W[k], W[k] / n, k | "sort -rn | head -8"
  }' "$tmp/timehist.txt"
echo
echo "== CPU (self time) of netlab up, N=$n, top 15"
perf report -i "$tmp/cpu.data" --no-children --sort sym --stdio -g none 2>/dev/null |
  awk '/Event count/ {printf "total %.0f ms of CPU samples (%.2f ms/guest)\n", $NF / 1e6, $NF / 1e6 / '"$n"'} /^ +[0-9.]+%/' | head -16
