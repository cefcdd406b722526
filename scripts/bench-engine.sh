#!/usr/bin/env bash
# Engine benchmark: wall time of `netlab up`/`netlab down` (sandbox) of the lab of
# tests/bench/engine/ip-baseline.sh (N light guests, static addresses, one NAT bridge)
# against that script in its fork and batch modes; and `netlab up` of one NAT network
# with DHCP against `virsh net-start` of the same libvirt network. Figures, not tests:
# a missed target prints MISS and the exit code stays 0.
#
#   sudo scripts/bench-engine.sh [--sizes "10 100 1000"] [--runs R] [--fork-runs-big K]
#                                [--netlab PATH] [--baseline PATH] [--curve "200 400 ..."]
#                                [--curve-runs R] [--virt-runs R] [--no-libvirt] [--no-main]
#
#   --sizes        guest counts of the main table (default "10 100 1000")
#   --runs         runs per size and tool (default 5 for N<=100, 3 above)
#   --fork-runs-big  runs of the fork baseline for N>100 (default 1: ~1 min each at N=1000)
#   --curve        extra sizes for the per-guest curve of netlab and the batch baseline
#   --curve-runs   runs per curve size (default 1)
#   --virt-runs    runs of the libvirt comparison (default 5)
#   --no-libvirt   skip the libvirt comparison;  --no-main  skip the main table
#
# Runs alternate (netlab, fork, batch, netlab, ...). After each `up` one guest must ping
# 203.0.113.1 through the NAT; after each `down` no namespace of the lab may be left,
# and the script waits (bounded) until the kernel's netns cleanup workqueue is idle, so
# a run never pays for the previous one's deletions; that wait is reported as "settle".
# Namespaces: nlb-* (netlab, lab "nlb"), bl-* (baseline), nlv-* (netlab, DHCP network),
# nlb-virt (the private libvirtd). Everything is removed at the end, also on ^C or failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
HERE=$ROOT/tests/bench/engine
BASELINE=${BASELINE:-$HERE/ip-baseline.sh}
NETLAB=""
SIZES="10 100 1000"
RUNS=""
FORK_RUNS_BIG=1
CURVE=""
CURVE_RUNS=1
VIRT_RUNS=5
DO_VIRT=1
DO_MAIN=1
while (($#)); do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --fork-runs-big) FORK_RUNS_BIG=$2; shift 2 ;;
    --netlab) NETLAB=$2; shift 2 ;;
    --baseline) BASELINE=$2; shift 2 ;;
    --curve) CURVE=$2; shift 2 ;;
    --curve-runs) CURVE_RUNS=$2; shift 2 ;;
    --virt-runs) VIRT_RUNS=$2; shift 2 ;;
    --no-libvirt) DO_VIRT=0; shift ;;
    --no-main) DO_MAIN=0; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z $NETLAB ]]; then
  for b in build build-bench; do [[ -x $ROOT/$b/netlab/cli/netlab ]] && { NETLAB=$ROOT/$b/netlab/cli/netlab; break; }; done
fi
[[ -x $NETLAB ]] || { echo "netlab binary not found; build it or pass --netlab PATH" >&2; exit 2; }
[[ -x $BASELINE ]] || { echo "baseline $BASELINE not found" >&2; exit 2; }
((EUID == 0)) || { echo "run as root (namespaces only; the root namespace is not changed)" >&2; exit 2; }

TMP=$(mktemp -d /tmp/netlab-bench-engine.XXXXXX)
RES=$TMP/results            # lines: TOOL N PHASE SECONDS   (PHASE: up|down|settle|fail)
: > "$RES"
BL_MAX=0                    # largest N the baseline was brought up with (for the cleanup)
VIRT_PID=""                 # virtlogd: holds the private mount namespace of libvirtd
LIBVIRTD_PID=""

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.4f", b-a}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "$*" >&2; }

# --- cleanup ------------------------------------------------------------------
virt_stop() {
  local p
  for p in $LIBVIRTD_PID $VIRT_PID; do
    [[ -n $p ]] && kill "$p" 2>/dev/null
  done
  for p in $LIBVIRTD_PID $VIRT_PID; do
    [[ -n $p ]] || continue
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  # libvirt's dnsmasq runs in nlb-virt; it is found by its pid file in the private /run,
  # which is gone with the mount namespace: find it by the namespace instead.
  for p in $(ip netns pids nlb-virt 2>/dev/null); do kill "$p" 2>/dev/null; done
  LIBVIRTD_PID="" VIRT_PID=""
  ip netns del nlb-virt 2>/dev/null
}
cleanup() {
  trap - EXIT INT TERM
  "$NETLAB" down nlb >/dev/null 2>&1
  "$NETLAB" down nlv >/dev/null 2>&1
  ((BL_MAX > 0)) && "$BASELINE" down "$BL_MAX" >/dev/null 2>&1
  virt_stop
  local left
  left=$(ip netns list | awk '{print $1}' | grep -E '^(nlb|nlv|bl)-' | tr '\n' ' ')
  [[ -n $left ]] && say "warning: namespaces left after cleanup: $left"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'say "interrupted: cleaning up"; exit 130' INT TERM

# --- checks -------------------------------------------------------------------
# ping_ok NS: one ICMP echo to 203.0.113.1 through the NAT (3 tries, 1 s each).
ping_ok() {
  local t
  for t in 1 2 3; do
    ip netns exec "$1" ping -n -q -c1 -W1 203.0.113.1 >/dev/null 2>&1 && return 0
  done
  return 1
}
ns_left() { ip netns list | awk '{print $1}' | grep -cE "^$1-"; }
# netns_busy: kernel workers currently running the netns cleanup work ("+netns" in comm).
netns_busy() { grep -l '+netns' /proc/[0-9]*/comm 2>/dev/null | wc -l; }
# settle TOOL N PREFIX: wait (bounded) until no namespace PREFIX-* is listed and the
# kernel's netns cleanup is idle; record the wait as TOOL N settle.
settle() {
  local t0 ok=0
  t0=$(now)
  for _ in $(seq 1 300); do
    if (($(ns_left "$3") == 0)) && (($(netns_busy) == 0)); then ok=1; break; fi
    sleep 0.1
  done
  echo "$1 $2 settle $(since "$t0")" >> "$RES"
  if ((ok == 0)); then
    say "  $1 N=$2: after 30 s still $(ns_left "$3") namespaces $3-* (or the kernel netns cleanup is busy)"
    echo "$1 $2 fail leftover" >> "$RES"
  fi
}

# timed LOG CMD...: run CMD with its output in LOG; print "WALL CPU" in seconds, CPU
# being the user+system time of CMD and the children it waited for (`times` of the
# subshell that $(timed ...) runs in, which starts at zero); status of CMD.
timed() {
  local log=$1 t0 rc
  shift
  t0=$(now)
  "$@" > "$log" 2>&1
  rc=$?
  local wall file=$TMP/times.$BASHPID
  wall=$(since "$t0")
  times > "$file"   # a builtin with a redirection: no fork, so it sees our children
  echo "$wall $(awk 'NR==2{u=$1; s=$2; gsub(/s/,"",u); gsub(/s/,"",s); split(u,a,"m"); split(s,b,"m");
                          printf "%.4f", a[1]*60+a[2]+b[1]*60+b[2]}' "$file")"
  rm -f "$file"
  return $rc
}

# one_run TOOL N: up, check, down, check; appends to $RES.
one_run() {
  local tool=$1 n=$2 t prefix ns log=$TMP/$1-$2.log
  local -a up down
  case $tool in
    netlab) up=("$NETLAB" up "$TMP/nlb-$n.yaml" --sandbox); down=("$NETLAB" down nlb); prefix=nlb ;;
    fork|batch) up=("$BASELINE" up "$n" "$tool"); down=("$BASELINE" down "$n"); prefix=bl
      ((n > BL_MAX)) && BL_MAX=$n ;;
  esac
  ns=$prefix-g1
  local c
  if t=$(timed "$log" "${up[@]}"); then
    read -r t c <<< "$t"
    echo "$tool $n up $t" >> "$RES"
    echo "$tool $n upcpu $c" >> "$RES"
    if ! ping_ok "$ns"; then
      say "  $tool N=$n: $ns cannot ping 203.0.113.1"
      echo "$tool $n fail ping" >> "$RES"
    fi
  else
    t=${t%% *}
    say "  $tool N=$n: up failed after $t s: $(tail -3 "$log" | tr '\n' ' ')"
    echo "$tool $n fail up" >> "$RES"
  fi
  local tu=$t
  if t=$(timed "$log.down" "${down[@]}"); then
    read -r t c <<< "$t"
    echo "$tool $n down $t" >> "$RES"
    echo "$tool $n downcpu $c" >> "$RES"
  else
    t=${t%% *}
    say "  $tool N=$n: down failed: $(tail -3 "$log.down" | tr '\n' ' ')"
    echo "$tool $n fail down" >> "$RES"
  fi
  if [[ $tool == netlab && -e /run/netlab/nlb ]]; then
    say "  netlab N=$n: /run/netlab/nlb left after down"
    echo "$tool $n fail rundir" >> "$RES"
  fi
  settle "$tool" "$n" "$prefix"
  say "  $tool N=$n: up ${tu}s (cpu $(last "$tool" upcpu)s) down ${t}s (load $(load))"
}

# median TOOL N PHASE: median of the recorded values, or "-" when none.
median() {
  awk -v t="$1" -v n="$2" -v p="$3" '$1==t && $2==n && $3==p {print $4}' "$RES" | sort -g |
    awk '{v[NR]=$1} END{if (NR==0) print "-"; else if (NR%2) printf "%.3f\n", v[(NR+1)/2];
                        else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'
}
# last TOOL PHASE: the latest recorded value.
last() { awk -v t="$1" -v p="$2" '$1==t && $3==p {v=$4} END{print v}' "$RES"; }
count() { awk -v t="$1" -v n="$2" -v p="$3" '$1==t && $2==n && $3==p' "$RES" | wc -l; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (a=="-" || b=="-" || b==0) print "-"; else printf "%.3f\n", a/b}'; }
fails() { awk -v t="$1" -v n="$2" '$1==t && $2==n && $3=="fail" {print $4}' "$RES" | sort | uniq -c | awk '{printf "%s%s x%s", s, $2, $1; s=", "}'; }

per() { awk -v u="$1" -v n="$2" 'BEGIN{if (u=="-") print "-"; else printf "%.6f", u/n}'; }
# marginal UP_A UP_B N_A N_B: (UP_B - UP_A) / (N_B - N_A), or "-".
marginal() { awk -v a="$1" -v b="$2" -v m="$3" -v n="$4" \
  'BEGIN{if (a=="" || a=="-" || b=="-" || m=="") print "-"; else printf "%.6f", (b-a)/(n-m)}'; }
# gen N: the topology file of N guests, checked by `netlab validate`.
gen() {
  [[ -e $TMP/nlb-$1.yaml ]] && return 0
  "$HERE/gen-topology.sh" "$1" nlb > "$TMP/nlb-$1.yaml" &&
    "$NETLAB" validate "$TMP/nlb-$1.yaml" > "$TMP/validate-$1.log" 2>&1 && return 0
  say "N=$1: the generated topology is not valid: $(head -3 "$TMP/validate-$1.log")"
  rm -f "$TMP/nlb-$1.yaml"
  return 1
}

echo "# netlab engine benchmark, $(date -Is)"
echo "# machine: $(uname -srm), $(nproc) cpus ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "# netlab: $NETLAB  baseline: $BASELINE"
echo "# load average at start: $(load)"

# --- main table ---------------------------------------------------------------
if ((DO_MAIN)); then
  for n in $SIZES; do
    gen "$n" || continue
    r=${RUNS:-$((n <= 100 ? 5 : 3))}
    fr=$r
    ((n > 100 && FORK_RUNS_BIG < r)) && fr=$FORK_RUNS_BIG
    say "N=$n: $r runs (fork: $fr), load $(load)"
    for ((i = 1; i <= r; i++)); do
      one_run netlab "$n"
      ((i <= fr)) && one_run fork "$n"
      one_run batch "$n"
    done
  done

  echo
  echo "## up/down wall time, medians in seconds (runs: netlab/fork/batch)"
  printf '%6s %9s %9s %9s %9s %9s %9s %9s %9s %11s %12s %9s\n' N up:netlab up:fork up:batch \
    dn:netlab dn:fork dn:batch nl/fork nl/batch runs s/guest settle:nl
  for n in $SIZES; do
    un=$(median netlab "$n" up) uf=$(median fork "$n" up) ub=$(median batch "$n" up)
    dn=$(median netlab "$n" down) df=$(median fork "$n" down) db=$(median batch "$n" down)
    pg=$(awk -v u="$un" -v n="$n" 'BEGIN{if (u=="-") print "-"; else printf "%.6f", u/n}')
    printf '%6s %9s %9s %9s %9s %9s %9s %9s %9s %11s %12s %9s\n' "$n" "$un" "$uf" "$ub" "$dn" "$df" "$db" \
      "$(ratio "$un" "$uf")" "$(ratio "$un" "$ub")" \
      "$(count netlab "$n" up)/$(count fork "$n" up)/$(count batch "$n" up)" "$pg" "$(median netlab "$n" settle)"
  done
  echo "(nl/fork, nl/batch: netlab up / baseline up; s/guest: netlab up median / N; settle: median wait after"
  echo " netlab down until the namespaces are gone and the kernel netns cleanup is idle; baseline settle:"
  for n in $SIZES; do echo -n " N=$n fork $(median fork "$n" settle) batch $(median batch "$n" settle);"; done
  echo ")"
  prev=""
  for n in $SIZES; do
    if [[ -n $prev ]]; then
      awk -v a="$(median netlab "$prev" up)" -v b="$(median netlab "$n" up)" -v m="$prev" -v n="$n" \
        -v fa="$(median batch "$prev" up)" -v fb="$(median batch "$n" up)" 'BEGIN{
          if (a=="-" || b=="-") exit;
          printf "marginal cost per guest %s->%s: netlab %.6f s", m, n, (b-a)/(n-m);
          if (fa!="-" && fb!="-") printf ", batch %.6f s", (fb-fa)/(n-m);
          printf "\n"}'
    fi
    prev=$n
  done
  for n in $SIZES; do
    f=""
    for t in netlab fork batch; do x=$(fails "$t" "$n"); [[ -n $x ]] && f+=" $t: $x;"; done
    [[ -n $f ]] && echo "FAILURES at N=$n:$f"
  done
  for n in $SIZES; do
    ((n > 100 && FORK_RUNS_BIG < ${RUNS:-3})) && echo "note: fork baseline at N=$n was run $FORK_RUNS_BIG time(s) only (--fork-runs-big)"
  done

  echo
  echo "## CPU time of the command and its children (user+sys), medians in seconds; kernel work done"
  echo "## in other contexts (netns cleanup workers, RCU) and waits are not in it"
  printf '%6s %9s %9s %9s %9s %9s %9s %11s %11s\n' N up:netlab up:fork up:batch dn:netlab dn:fork dn:batch \
    cpu/guest:nl cpu/guest:bt
  for n in $SIZES; do
    printf '%6s %9s %9s %9s %9s %9s %9s %11s %11s\n' "$n" "$(median netlab "$n" upcpu)" "$(median fork "$n" upcpu)" \
      "$(median batch "$n" upcpu)" "$(median netlab "$n" downcpu)" "$(median fork "$n" downcpu)" \
      "$(median batch "$n" downcpu)" "$(per "$(median netlab "$n" upcpu)" "$n")" "$(per "$(median batch "$n" upcpu)" "$n")"
  done

  echo
  echo "## targets"
  verdict() { awk -v v="$1" -v lim="$2" 'BEGIN{if (v=="-") print "n/a"; else if (v<=lim) print "PASS"; else print "MISS"}'; }
  if [[ " $SIZES " == *" 100 "* ]]; then
    r1=$(ratio "$(median netlab 100 up)" "$(median fork 100 up)")
    r2=$(ratio "$(median netlab 100 up)" "$(median batch 100 up)")
    echo "$(verdict "$r1" 0.1) N=100 up <= 0.1 x fork:  netlab/fork = $r1"
    echo "$(verdict "$r2" 1.0) N=100 up <= 1 x batch:   netlab/batch = $r2"
  fi
  if [[ " $SIZES " == *" 100 "* && " $SIZES " == *" 1000 "* ]]; then
    g=$(awk -v a="$(median netlab 100 up)" -v b="$(median netlab 1000 up)" \
      'BEGIN{if (a=="-" || b=="-") print "-"; else printf "%.3f\n", (b/1000)/(a/100)}')
    echo "$(verdict "$g" 1.5) per-guest up at N=1000 <= 1.5 x at N=100: ratio = $g"
  fi
  echo "# load average after the main table: $(load)"
fi

# --- per-guest curve ----------------------------------------------------------
# Sizes already measured by the main table are not run again; the curve's table
# shows them too (with their own number of runs).
if [[ -n $CURVE ]]; then
  for n in $CURVE; do
    ((DO_MAIN)) && [[ " $SIZES " == *" $n "* ]] && continue
    gen "$n" || continue
    say "curve N=$n: $CURVE_RUNS run(s), load $(load)"
    for ((i = 1; i <= CURVE_RUNS; i++)); do
      one_run netlab "$n"
      one_run batch "$n"
    done
  done
  echo
  echo "## per-guest curve (medians; s/guest = up / N; marginal = extra up time per extra guest since the previous row)"
  printf '%6s %9s %11s %11s %9s %11s %11s %9s %9s %11s %11s %5s\n' N up:netlab s/guest:nl marginal:nl \
    up:batch s/guest:bt marginal:bt dn:netlab dn:batch cpu/guest:nl cpu/guest:bt runs
  pn="" pu="" pb=""
  all=$( ( ((DO_MAIN)) && printf '%s\n' $SIZES; printf '%s\n' $CURVE) | sort -n | uniq)
  for n in $all; do
    un=$(median netlab "$n" up) ub=$(median batch "$n" up)
    printf '%6s %9s %11s %11s %9s %11s %11s %9s %9s %11s %11s %5s\n' "$n" \
      "$un" "$(per "$un" "$n")" "$(marginal "$pu" "$un" "$pn" "$n")" \
      "$ub" "$(per "$ub" "$n")" "$(marginal "$pb" "$ub" "$pn" "$n")" \
      "$(median netlab "$n" down)" "$(median batch "$n" down)" \
      "$(per "$(median netlab "$n" upcpu)" "$n")" "$(per "$(median batch "$n" upcpu)" "$n")" "$(count netlab "$n" up)"
    pn=$n pu=$un pb=$ub
  done
  echo "# load average after the curve: $(load)"
fi

# --- libvirt comparison -------------------------------------------------------
# virt_start: virtlogd and libvirtd inside namespace nlb-virt AND a private mount
# namespace with tmpfs over /run, /var/lib/libvirt, /var/cache/libvirt and
# /etc/libvirt/qemu/networks, so their sockets, pid files, dnsmasq files and network
# definitions never touch (or collide with) the machine's. Prints why when it fails.
virt_start() {
  command -v libvirtd >/dev/null && command -v virsh >/dev/null || { echo "libvirtd/virsh not installed"; return 1; }
  ip netns add nlb-virt || { echo "cannot create namespace nlb-virt"; return 1; }
  ip -n nlb-virt link set lo up
  local V=$TMP/virt
  mkdir -p "$V"
  cat > "$V/libvirtd.conf" <<EOF
log_filters="3:*"
log_outputs="3:file:$V/libvirtd.log"
EOF
  # shellcheck disable=SC2016
  ip netns exec nlb-virt unshare --mount --propagation private sh -c '
      mount -t tmpfs nlb-run /run && mount -t tmpfs nlb-lib /var/lib/libvirt &&
      mount -t tmpfs nlb-cache /var/cache/libvirt && mount -t tmpfs nlb-net /etc/libvirt/qemu/networks &&
      exec virtlogd --pid-file=/run/virtlogd.pid' > "$V/virtlogd.out" 2>&1 &
  VIRT_PID=$!
  for _ in $(seq 1 50); do
    [[ $(readlink /proc/$VIRT_PID/exe 2>/dev/null) == */virtlogd ]] && break
    sleep 0.1
  done
  [[ $(readlink /proc/$VIRT_PID/exe 2>/dev/null) == */virtlogd ]] || { echo "virtlogd did not start: $(cat "$V/virtlogd.out")"; return 1; }
  nsenter -t "$VIRT_PID" -m -n libvirtd --pid-file=/run/libvirtd.pid --config "$V/libvirtd.conf" > "$V/libvirtd.out" 2>&1 &
  LIBVIRTD_PID=$!
  local t0
  t0=$(now)
  for _ in $(seq 1 600); do
    virsh_ version >/dev/null 2>&1 && break
    kill -0 "$LIBVIRTD_PID" 2>/dev/null || { echo "libvirtd exited: $(tail -3 "$V/libvirtd.out" "$V/libvirtd.log")"; return 1; }
    sleep 0.1
  done
  virsh_ version >/dev/null 2>&1 || { echo "libvirtd does not answer after 60 s"; return 1; }
  say "libvirtd (pid $LIBVIRTD_PID, virtlogd $VIRT_PID) answers after $(since "$t0") s"
}
# has_dnsmasq NS: a dnsmasq process runs in namespace NS.
has_dnsmasq() { ip netns pids "$1" 2>/dev/null | xargs -r ps -o comm= -p | grep -qx dnsmasq; }
virsh_() { nsenter -t "$VIRT_PID" -m -n virsh -q -c qemu:///system "$@"; }

if ((DO_VIRT)); then
  echo
  echo "## one NAT network with DHCP: netlab up/down --sandbox vs virsh net-start/net-destroy"
  if virt_start > "$TMP/virt.why"; then
    virsh_ net-define "$HERE/nat-dhcp.libvirt.xml" > "$TMP/netdefine.log" 2>&1 ||
      echo "net-define failed: $(cat "$TMP/netdefine.log")"
    for ((i = 1; i <= VIRT_RUNS; i++)); do
      if t=$(timed "$TMP/nlv.log" "$NETLAB" up "$HERE/nat-dhcp.yaml" --sandbox); then
        echo "nlv 1 up ${t%% *}" >> "$RES"
        has_dnsmasq nlv-host || { say "  netlab: no dnsmasq in nlv-host"; echo "nlv 1 fail dnsmasq" >> "$RES"; }
      else
        say "  netlab up nat-dhcp failed: $(tail -3 "$TMP/nlv.log")"; echo "nlv 1 fail up" >> "$RES"
      fi
      t=$(timed "$TMP/nlv.down" "$NETLAB" down nlv) && echo "nlv 1 down ${t%% *}" >> "$RES" ||
        { say "  netlab down nlv failed"; echo "nlv 1 fail down" >> "$RES"; }
      settle nlv 1 nlv
      if t=$(timed "$TMP/virt.log" virsh_ net-start nlbnat); then
        echo "virsh 1 up ${t%% *}" >> "$RES"
        has_dnsmasq nlb-virt || { say "  libvirt: no dnsmasq in nlb-virt"; echo "virsh 1 fail dnsmasq" >> "$RES"; }
      else
        say "  virsh net-start failed: $(cat "$TMP/virt.log")"; echo "virsh 1 fail up" >> "$RES"
      fi
      t=$(timed "$TMP/virt.down" virsh_ net-destroy nlbnat) && echo "virsh 1 down ${t%% *}" >> "$RES" ||
        { say "  virsh net-destroy failed: $(cat "$TMP/virt.down")"; echo "virsh 1 fail down" >> "$RES"; }
      say "  run $i: netlab up $(last nlv up) down $(last nlv down), virsh net-start $(last virsh up) net-destroy $(last virsh down) (load $(load))"
    done
    virsh_ net-undefine nlbnat >/dev/null 2>&1
    printf '%-34s %9s %9s %6s\n' "" up/start down/destr runs
    printf '%-34s %9s %9s %6s\n' "netlab up/down nat-dhcp.yaml --sandbox" "$(median nlv 1 up)" "$(median nlv 1 down)" "$(count nlv 1 up)"
    printf '%-34s %9s %9s %6s\n' "virsh net-start/net-destroy" "$(median virsh 1 up)" "$(median virsh 1 down)" "$(count virsh 1 up)"
    echo "netlab/virsh: up $(ratio "$(median nlv 1 up)" "$(median virsh 1 up)"), down $(ratio "$(median nlv 1 down)" "$(median virsh 1 down)")"
    echo "(libvirt $(libvirtd --version | awk '{print $NF}') in namespace nlb-virt; netlab's --sandbox also creates nlv-host and nlv-wan"
    echo " with their uplink veth, which libvirt's side does not; both start a dnsmasq on a fresh bridge)"
    for t in nlv virsh; do x=$(fails "$t" 1); [[ -n $x ]] && echo "FAILURES $t: $x"; done
  else
    echo "libvirt comparison skipped: $(cat "$TMP/virt.why")"
  fi
  virt_stop
fi
echo "# load average at the end: $(load)"
