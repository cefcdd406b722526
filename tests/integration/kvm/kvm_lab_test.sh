#!/usr/bin/env bash
# A lab with two VMs (thin qcow2, thick raw; image netlab-test) and a light guest
# on a NAT network, in the sandbox: leases in status --json, pings both ways,
# exec, trace and doctor from inside the VMs, also to the IPv6 server from a VM's
# SLAAC address on the dual-stack network (and a light guest traced to a VM's
# tap, --passive on VM traffic), export --libvirt equal to the running domains,
# the serial console driven through a pty (a command typed there answers, ^] leaves),
# snapshot/restore, a killed QEMU (doctor's verdict, then repaired by up with the
# same lease), a VM's memory changed in the file (up restarts that VM alone, with
# its lease), down leaving nothing; gc after `up` killed during a VM start; bad
# input (also a bad host libvirt URI) refused.
# Usage: kvm_lab_test.sh NETLAB SOURCE_DIR. Labs kvmt, kvmk; run under the lock.
set -u
N=$1
SRC=$2
TMP=$(mktemp -d /tmp/netlab-kvm-test.XXXXXX)
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# Waits up to $1 seconds for the command after it to succeed.
wait_for() { local t=$(($1 * 10)); shift; while [ $t -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; t=$((t - 1)); done; return 1; }
leftovers() {  # what a lab $1 may leave behind; prints each, returns 0 when none
  local lab=$1 found=0
  [ -e /run/netlab/$lab ] && { echo "run dir /run/netlab/$lab"; found=1; }
  ip netns list | grep -q "^$lab-" && { echo "namespaces: $(ip netns list | grep "^$lab-" | tr '\n' ' ')"; found=1; }
  for p in $(pgrep -f "qemu-system.*guest=netlab-$lab-" || true); do echo "qemu pid $p"; found=1; done
  for p in $(pgrep -x libvirtd || true); do
    grep -q "/run/netlab/$lab/" /proc/$p/mountinfo 2>/dev/null && { echo "libvirtd pid $p"; found=1; }
  done
  return $found
}
cleanup() {
  for lab in kvmt kvmk; do "$N" down $lab >/dev/null 2>&1; done
  "$N" gc >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

# The ready lab, with IPv6 beside IPv4 on its network: the VMs make their SLAAC
# addresses from the advertisements, the light guest takes a DHCPv6 lease.
sed -e 's/^name: kvm$/name: kvmt/' \
    -e 's|^      range: 192.168.150.100-192.168.150.199$|&\n    ipv6: {subnet: "fd00:150::/64", dhcp: {range: "fd00:150::100-fd00:150::1ff"}}|' \
    "$SRC/topologies/kvm.yaml" > "$TMP/kvmt.yaml"
grep -q '^    ipv6: ' "$TMP/kvmt.yaml" || fail "the kvm topology's network has no line to add ipv6 after"

# ---- bad input: exit 2 with file:line:col, nothing created --------------------------------------
qemu-img create -q -f qcow2 "$TMP/disk.qcow2" 64M
bad() {  # name, yaml guest body, expected text
  printf 'name: kvmb\nnetworks:\n  net: {mode: nat, subnet: 192.168.151.0/24, dhcp: {range: 192.168.151.100-192.168.151.199}}\nguests:\n  vm:\n    kind: kvm\n%s\n    nics: [{network: net}]\n' "$2" > "$TMP/$1.yaml"
  out=$("$N" up "$TMP/$1.yaml" --sandbox 2>&1); rc=$?
  [ $rc = 2 ] || fail "$1: exit $rc, not 2: $out"
  echo "$out" | grep -qE "^$TMP/$1.yaml:[0-9]+:[0-9]+: error: .*$3" || fail "$1: no file:line:col error with '$3': $out"
  leftovers kvmb >/dev/null || fail "$1: left $(leftovers kvmb)"
}
bad missing_image "    disk: {image: $TMP/nope.qcow2}" "does not exist"
bad qcow2_as_raw "    disk: {image: $TMP/disk.qcow2, format: raw}" "is qcow2, not raw"
bad too_much_memory "    memory: 1000G
    disk: {image: netlab-test}" "more than this machine has"

printf 'name: kvmb\nhost: {libvirt: "test:///default"}\nnetworks:\n  net: {mode: nat, subnet: 192.168.151.0/24}\n' > "$TMP/uri.yaml"
out=$("$N" validate "$TMP/uri.yaml" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -qE "^$TMP/uri.yaml:2:[0-9]+: error: host libvirt 'test:///default' is not a libvirt URI of the QEMU driver" ||
  fail "bad host libvirt URI: exit $rc: $out"
leftovers kvmb >/dev/null || fail "bad URI: left $(leftovers kvmb)"

# ---- up: both VMs lease from netlab's dnsmasq ------------------------------------------------------
T0=$(date +%s.%N)
"$N" up "$TMP/kvmt.yaml" --sandbox > "$TMP/up.out" 2>&1 || fail "up: $(cat "$TMP/up.out")"
echo "up with two VMs to their leases: $(awk -v a=$T0 -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"
"$N" status kvmt --json > "$TMP/st.json"
lease() { python3 -c 'import json,sys; g=[g for g in json.load(open(sys.argv[1]))["guests"] if g["name"]==sys.argv[2]][0]; l=g["nics"][0]["lease"]; print(l["ip"] if l else "")' "$TMP/st.json" "$1"; }
vmfield() { python3 -c 'import json,sys; g=[g for g in json.load(open(sys.argv[1]))["guests"] if g["name"]==sys.argv[2]][0]; print(eval(sys.argv[3], {"vm": g["vm"]}))' "$TMP/st.json" "$1" "$2"; }
IP1=$(lease vm1); IP2=$(lease vm2)
[ -n "$IP1" ] && [ -n "$IP2" ] || fail "status --json: no leases for the VMs ($IP1, $IP2)"
[ "$(vmfield vm1 'vm["state"]')" = running ] || fail "vm1 not running in status"
[ "$(vmfield vm1 'vm["disks"][0]["format"]')" = qcow2 ] || fail "vm1's disk is not qcow2"
vmfield vm1 'vm["disks"][0]["backing"]' | grep -q netlab-test || fail "vm1's disk has no backing file"
[ "$(vmfield vm2 'vm["disks"][0]["format"]')" = raw ] || fail "vm2's disk is not raw"
[ "$(vmfield vm2 'vm["disks"][0]["backing"]')" = "" ] || fail "vm2's disk has a backing file"
[ "$("$N" up "$TMP/kvmt.yaml" --sandbox | grep -c 'nothing to do')" = 1 ] || fail "second up did something"

# ---- traffic: light guest -> VMs, VMs -> upstream ---------------------------------------------------
for ip in $IP1 $IP2; do
  wait_for 30 "$N" exec kvmt pc -- ping -c1 -W1 $ip || fail "pc cannot ping VM $ip"
done
for vm in vm1 vm2; do
  "$N" exec kvmt $vm -- ping -c1 -W3 198.51.100.1 > "$TMP/ping.out" 2>&1 || fail "$vm cannot ping 198.51.100.1: $(cat "$TMP/ping.out")"
done

# ---- trace and doctor: the probe leaves from inside the VM, the path starts at its tap --------------
CHK="$SRC/tests/integration/kvm/trace_check.py"
"$N" trace kvmt --from vm1 --to 198.51.100.1 --json > "$TMP/t1.json" 2> "$TMP/t1.err" || fail "trace from vm1: $(cat "$TMP/t1.err")"
python3 "$CHK" "$TMP/t1.json" request "icmp echo-request $IP1 → 198.51.100.1" "tap:kvmt-vm1-0 bridge nat uplink upstream" --answered ||
  fail "trace from vm1: no answered request along tap → bridge → nat → uplink → upstream"
python3 "$CHK" "$TMP/t1.json" reply "icmp echo-reply" "upstream uplink nat bridge tap:kvmt-vm1-0" || fail "trace from vm1: no reply back to its tap"
# vm1 pinged 198.51.100.1 just before: the nat hop cites the probe's own conntrack entry, not that ping's.
python3 - "$TMP/t1.json" <<'PY' || fail "trace from vm1 cites conntrack entries of another flow: $(head -c 3000 "$TMP/t1.json")"
import json, re, sys
doc = json.load(open(sys.argv[1]))
req = [p for p in doc["packets"] if p["kind"] == "request"][0]
probe_id = re.search(r" id (\d+)", req["summary"]).group(1)
cited = [c for p in doc["packets"] for h in p["hops"] for c in h.get("conntrack", [])]
sys.exit(not cited or any(f" id {probe_id}," not in c for c in cited))
PY
# IPv6 from inside the VM: its own ping from its SLAAC address, routed (not masqueraded) to the server.
wait_for 30 "$N" exec kvmt vm1 -- ping -c1 -W2 2001:db8:100::1 || fail "vm1 cannot ping 2001:db8:100::1"
"$N" trace kvmt --from vm1 --to 2001:db8:100::1 --json > "$TMP/t6.json" 2> "$TMP/t6.err" || fail "IPv6 trace from vm1: $(cat "$TMP/t6.err")"
python3 "$CHK" "$TMP/t6.json" request "icmp6 echo-request" "tap:kvmt-vm1-0 bridge route uplink upstream" --answered ||
  fail "IPv6 trace from vm1: no answered request along tap → bridge → route → uplink → upstream"
python3 "$CHK" "$TMP/t6.json" reply "icmp6 echo-reply" "upstream uplink route bridge tap:kvmt-vm1-0" ||
  fail "IPv6 trace from vm1: no reply back to its tap"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["probe"]; sys.exit(not p["src"].startswith("fd00:150:"))' "$TMP/t6.json" ||
  fail "IPv6 trace from vm1: the VM's source was not learned: $(head -c 1500 "$TMP/t6.json")"
python3 -c 'import json,sys; g=[g for g in json.load(open(sys.argv[1]))["guests"] if g["name"]=="pc"][0]; l=g["nics"][0]["lease6"]; sys.exit(not (l and l["ip"].startswith("fd00:150::1")))' "$TMP/st.json" ||
  fail "status --json: no DHCPv6 lease for pc"
"$N" trace kvmt --from vm2 --to 198.51.100.1 --proto tcp:9 --json > "$TMP/t2.json" 2> "$TMP/t2.err" || fail "tcp trace from vm2: $(cat "$TMP/t2.err")"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["probe"]["refused"] != 1)' "$TMP/t2.json" ||
  fail "tcp:9 from vm2 not refused: $(head -c 2000 "$TMP/t2.json")"
out=$("$N" trace kvmt --from vm1 --to 198.51.100.1 --proto udp:53 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "no UDP client" || fail "udp from a VM: exit $rc, not 2 with a reason: $out"
"$N" trace kvmt --from pc --to "$IP2" --json > "$TMP/t3.json" 2> "$TMP/t3.err" || fail "trace pc → vm2: $(cat "$TMP/t3.err")"
python3 "$CHK" "$TMP/t3.json" request "icmp echo-request" "guest-nic veth bridge tap:kvmt-vm2-0" --answered ||
  fail "trace pc → vm2 does not end at vm2's tap"
# --passive sees what a VM sends by itself.
"$N" trace kvmt --passive --filter "icmp and host 198.51.100.1" --duration 8 --json > "$TMP/p.json" 2> "$TMP/p.err" &
PASSIVE=$!
wait_for 20 grep -q "capturing on" "$TMP/p.err" || fail "passive trace never started capturing: $(cat "$TMP/p.err")"
"$N" exec kvmt vm2 -- ping -c1 -W3 198.51.100.1 > /dev/null 2>&1 || fail "vm2 ping during the passive trace"
wait $PASSIVE || fail "passive trace: $(cat "$TMP/p.err")"
python3 "$CHK" "$TMP/p.json" request "icmp echo-request" "tap:kvmt-vm2-0 bridge nat uplink upstream" ||
  fail "passive trace missed vm2's ping"
"$N" doctor kvmt vm1 > "$TMP/doc.out" 2>&1 || fail "doctor vm1: $(cat "$TMP/doc.out")"
for check in "\[ok\] domain: domain netlab-kvmt-vm1 is running" "\[ok\] tap: tap kvmt-host/kvmt-vm1-0 is up and a port of bridge" \
             "\[ok\] lease: vm1 (kvm) has $IP1" "\[ok\] probe: .*(sent from inside the VM)" "verdict: vm1: healthy"; do
  grep -q "$check" "$TMP/doc.out" || fail "doctor vm1 lacks '$check': $(cat "$TMP/doc.out")"
done

# ---- export --libvirt is what runs (normalised: what libvirt adds dropped) -----------------------------
"$N" export kvmt --libvirt -o "$TMP/exp" > /dev/null || fail "export kvmt"
SOCK="qemu+unix:///system?socket=/run/netlab/kvmt/libvirt/run/libvirt-sock"
for vm in vm1 vm2; do
  virsh -c "$SOCK" dumpxml "netlab-kvmt-$vm" > "$TMP/run-$vm.xml" || fail "dumpxml netlab-kvmt-$vm"
  "$SRC/tests/integration/kvm/same_domain.py" "$TMP/exp/netlab-kvmt-$vm.domain.xml" "$TMP/run-$vm.xml" > "$TMP/diff-$vm" ||
    fail "export of $vm differs from the running domain: $(cat "$TMP/diff-$vm")"
done

# ---- console: a command typed on vm1's serial console answers there, ^] leaves ----------------------
"$SRC/tests/integration/kvm/console_check.py" "$N" kvmt vm1 > "$TMP/console.out" 2>&1 || fail "console: $(cat "$TMP/console.out")"

# ---- snapshot / restore --------------------------------------------------------------------------
"$N" exec kvmt vm1 -- sh -c 'echo before > /root/before; sync' || fail "exec before snapshot"
T0=$(date +%s.%N)
"$N" snapshot kvmt s1 > "$TMP/snap.out" 2>&1 || fail "snapshot: $(cat "$TMP/snap.out")"
echo "snapshot: $(awk -v a=$T0 -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"
grep -q "vm2: its thick raw disk cannot hold an internal snapshot" "$TMP/snap.out" || fail "no word about vm2's raw disk: $(cat "$TMP/snap.out")"
"$N" exec kvmt vm1 -- sh -c 'echo after > /root/after; sync' || fail "exec after snapshot"
T0=$(date +%s.%N)
"$N" restore kvmt s1 > "$TMP/restore.out" 2>&1 || fail "restore: $(cat "$TMP/restore.out")"
echo "restore: $(awk -v a=$T0 -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s"
files=$("$N" exec kvmt vm1 -- ls /root)
echo "$files" | grep -q before || fail "file from before the snapshot is gone: $files"
echo "$files" | grep -q after && fail "file written after the snapshot survived the restore"
"$N" snapshot kvmt --list | grep -q "^s1 " || fail "snapshot --list misses s1"
"$N" snapshot kvmt --delete s1 >/dev/null || fail "snapshot --delete"

# ---- a killed QEMU is drift; up brings the VM back with the same lease --------------------------------
QPID=$(cat /run/netlab/kvmt/libvirt/run/qemu/netlab-kvmt-vm1.pid)
kill -9 "$QPID"
wait_for 20 sh -c "\"$N\" status kvmt --json | grep -q 'define and start domain netlab-kvmt-vm1'" || fail "status shows no drift after kill"
out=$("$N" doctor kvmt vm1 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "\[PROBLEM\] domain: domain netlab-kvmt-vm1 is .*(netlab up starts it again)" || fail "doctor on a dead VM: exit $rc: $out"
# With no VM on its tap, a trace writes vm1's probe into the tap in its place (ICMP and TCP through NAT).
"$N" trace kvmt --from vm1 --to 198.51.100.1 --json > "$TMP/t4.json" 2> "$TMP/t4.err" || fail "injected trace: $(cat "$TMP/t4.err")"
python3 "$CHK" "$TMP/t4.json" request "icmp echo-request $IP1 → 198.51.100.1" "tap:kvmt-vm1-0 bridge nat uplink upstream" --answered ||
  fail "injected trace from dead vm1"
"$N" trace kvmt --from vm1 --to 198.51.100.1 --proto tcp:9 --json > "$TMP/t5.json" 2> "$TMP/t5.err" || fail "injected tcp: $(cat "$TMP/t5.err")"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["probe"]["refused"] != 1)' "$TMP/t5.json" ||
  fail "injected tcp:9 not refused: $(head -c 2000 "$TMP/t5.json")"
"$N" up "$TMP/kvmt.yaml" --sandbox > "$TMP/up2.out" 2>&1 || fail "repairing up: $(cat "$TMP/up2.out")"
"$N" exec kvmt vm1 -- sh -c "ip -4 addr show eth0" | grep -q "inet $IP1/" || fail "vm1 does not hold $IP1 after the repair"

# ---- a VM whose memory changed: up redefines and restarts that VM alone ----------------------------
qemu_pid() { cat "/run/netlab/kvmt/libvirt/run/qemu/netlab-kvmt-$1.pid" 2>/dev/null; }
VM1_PID=$(qemu_pid vm1); VM2_PID=$(qemu_pid vm2); PC_NS=$(stat -L -c %i /run/netns/kvmt-pc)
awk '/^  vm2:/ { in_vm2 = 1 } in_vm2 && /^    memory: 256M$/ { sub("256M", "320M"); in_vm2 = 0 } { print }' \
  "$TMP/kvmt.yaml" > "$TMP/kvmt-mem.yaml"
[ "$(grep -c 'memory: 320M' "$TMP/kvmt-mem.yaml")" = 1 ] || fail "no vm2 memory line to change"
"$N" up "$TMP/kvmt-mem.yaml" --sandbox -v > "$TMP/up3.out" 2>&1 || fail "up of the changed memory: $(cat "$TMP/up3.out")"
grep -q "^  change domain netlab-kvmt-vm2 from 1 vcpu, 256 MiB to 1 vcpu, 320 MiB (redefine and restart)$" "$TMP/up3.out" ||
  fail "no memory change in the plan: $(cat "$TMP/up3.out")"
grep "^  " "$TMP/up3.out" | grep -v "vm2" && fail "steps for more than vm2: $(cat "$TMP/up3.out")"
"$N" status kvmt --json > "$TMP/st.json"
[ "$(vmfield vm2 'vm["memory_mib"]')" = 320 ] || fail "vm2 does not run with 320 MiB: $(vmfield vm2 'vm')"
[ "$(vmfield vm2 'vm["state"]')" = running ] || fail "vm2 not running after the change"
[ "$(qemu_pid vm2)" != "$VM2_PID" ] || fail "vm2's QEMU was not restarted"
[ "$(qemu_pid vm1)" = "$VM1_PID" ] || fail "vm1's QEMU was restarted too"
[ "$(stat -L -c %i /run/netns/kvmt-pc)" = "$PC_NS" ] || fail "pc's namespace was made again"
[ "$(lease vm2)" = "$IP2" ] || fail "vm2 leased $(lease vm2), not $IP2 again"
wait_for 60 "$N" exec kvmt pc -- ping -c1 -W1 "$IP2" || fail "pc cannot ping vm2 at $IP2 after its restart"
[ "$("$N" up "$TMP/kvmt-mem.yaml" --sandbox | grep -c 'nothing to do')" = 1 ] || fail "up after the memory change did something"

# ---- down leaves nothing ---------------------------------------------------------------------------
"$N" down kvmt > /dev/null || fail "down"
leftovers kvmt || fail "down left: $(leftovers kvmt)"

# ---- up killed during a VM start: gc removes everything --------------------------------------------
printf 'name: kvmk\nnetworks:\n  net: {mode: nat, subnet: 192.168.152.0/24, dhcp: {range: 192.168.152.100-192.168.152.199}}\nguests:\n  vm:\n    kind: kvm\n    nics: [{network: net}]\n' > "$TMP/kvmk.yaml"  # no disk: netlab-test
"$N" up "$TMP/kvmk.yaml" --sandbox > /dev/null 2>&1 &
UP=$!
wait_for 120 test -e /run/netlab/kvmk/libvirt/run/qemu/netlab-kvmk-vm.pid || fail "kvmk's VM never started"
kill -9 $UP; wait $UP 2>/dev/null
"$N" gc > "$TMP/gc.out" 2>&1 || fail "gc: $(cat "$TMP/gc.out")"
leftovers kvmk || fail "gc left: $(leftovers kvmk)"

[ $FAILS = 0 ] && echo "kvm lab: all checks passed"
exit $((FAILS > 0))
