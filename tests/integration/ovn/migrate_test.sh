#!/bin/bash
# Live migration (netlab migrate) in the sandbox: a VM on h1 of a two-host OVN
# lab gets its lease from OVN DHCP, moves to h2 while a light guest on h2 pings
# it, keeps its address and answers there with its port bound on h2's chassis;
# `up` leaves it on h2; it moves back; bad input changes nothing; `down` leaves
# no qemu, libvirtd, domain, tap or namespace on any host.
# Usage: migrate_test.sh NETLAB SOURCE_DIR (root; the netlab-test image built).
set -u
NETLAB=$1
LAB=vmmig
TOPO=$(dirname "$0")/vmmig.yaml
# The VM's qemu too; a private libvirtd runs as plain `libvirtd`: found by its mounts of the lab's run directory.
PROCS="/run/netlab/$LAB/|netlab-$LAB-"
more_leftovers() { grep -l " /run/netlab/$LAB/" /proc/[0-9]*/mountinfo 2>/dev/null || true; }
. "$(dirname "$0")/ovn_lab.sh"
# Waits up to $1 seconds for the command after it to succeed (VMs under TCG on a loaded machine are slow).
until_ok() { local limit=$1; shift; local end=$((SECONDS + limit)); until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done; }

"$NETLAB" migrate "$LAB" vm1 --to h2 2>/dev/null; [ $? -eq 2 ] || fail "migrate of a lab that does not run: not exit 2"

"$NETLAB" up "$TOPO" --sandbox || fail "up"
vm_addr() { "$NETLAB" exec "$LAB" vm1 -- sh -c "ip -4 addr show eth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2"; }
ADDR=$(vm_addr)
case "$ADDR" in 10.87.0.1[0-9][0-9]) ;; *) fail "vm1 has no OVN lease in the pool: '$ADDR'";; esac
bound() { "$NETLAB" status "$LAB" | grep -Eq "^vm1:eth0 +$1 +yes"; }
until_ok 60 bound h1 || fail "vm1:eth0 is not bound on h1: $("$NETLAB" status "$LAB")"
"$NETLAB" exec "$LAB" peer -- ping -c3 -i0.3 -W3 "$ADDR" | grep -q " [123] received" || fail "peer cannot ping vm1 before the migration"
tap() { "$NETLAB" status "$LAB" --json | python3 -c 'import json,sys; print([n["host_device"] for g in json.load(sys.stdin)["guests"] if g["name"]=="vm1" for n in g["nics"]][0])'; }
TAP=$(tap)
ip -n "$LAB-host" link show "$TAP" >/dev/null 2>&1 || fail "no tap $TAP on h1"

# Bad input: exit 2, a clear message, nothing changed.
SUM=$(cat /run/netlab/$LAB/journal /run/netlab/$LAB/state.json | md5sum)
bad() {
  local want=$1; shift
  local err; err=$("$NETLAB" migrate "$LAB" "$@" 2>&1 >/dev/null); local rc=$?
  [ $rc -eq 2 ] || fail "migrate $*: exit $rc, not 2 ($err)"
  echo "$err" | grep -q "$want" || fail "migrate $*: message '$err' lacks '$want'"
}
bad "has no guest named 'vm9'" vm9 --to h2
bad "has no host named 'h7'" vm1 --to h7
bad "already runs on host 'h1'" vm1 --to h1
bad "is a light guest" peer --to h1
[ "$(cat /run/netlab/$LAB/journal /run/netlab/$LAB/state.json | md5sum)" = "$SUM" ] || fail "bad input changed the journal or state"
[ ! -e /run/netlab/$LAB/placement.json ] || fail "bad input wrote a placement"

# h1 -> h2, pinged by peer from h2 throughout.
OUT=$("$NETLAB" migrate "$LAB" vm1 --to h2) || fail "migrate to h2: $OUT"
echo "$OUT"
echo "$OUT" | grep -q "vm1 migrated live from h1 to h2" || fail "no migration line"
echo "$OUT" | grep -q "port vm1:eth0 bound on chassis h2" || fail "the port is not bound on h2 after the migration"
echo "$OUT" | grep -q "address $ADDR before, $ADDR after (kept)" || fail "the address was not kept"
echo "$OUT" | grep -Eq "ping peer -> vm1 every 10 ms during the migration: [0-9]+ sent, [0-9]+ answered" || fail "no ping figures"
bound h2 || fail "status does not bind vm1:eth0 on h2"
[ "$(vm_addr)" = "$ADDR" ] || fail "vm1's address changed after the migration"
"$NETLAB" exec "$LAB" peer -- ping -c3 -i0.3 -W3 "$ADDR" | grep -q " [123] received" || fail "peer cannot ping vm1 on h2"
ip -n "$LAB-h2" link show "$TAP" >/dev/null 2>&1 || fail "no tap $TAP on h2"
ip -n "$LAB-host" link show "$TAP" >/dev/null 2>&1 && fail "tap $TAP left on h1"
pgrep -f "/run/netlab/$LAB/libvirt/" >/dev/null && fail "h1's libvirtd still runs with no VM left there"
ST=$("$NETLAB" status "$LAB")
echo "$ST" | grep -q "vm1 runs on h2, the file says h1" || fail "status does not report the placement: $ST"
echo "$ST" | grep -Eq "^vm1 +netlab-$LAB-vm1 +running" || fail "status does not show vm1 running: $ST"
# The trace runs across the tunnel to the VM's new tap.
"$NETLAB" trace "$LAB" --from peer --to "$ADDR" >/dev/null || fail "trace peer -> vm1 after the migration"

# `up` keeps it on h2 (no silent migration back), and finds nothing to repair.
"$NETLAB" up "$TOPO" --sandbox || fail "up after the migration"
bound h2 || fail "up moved vm1's port away from h2"
[ "$(vm_addr)" = "$ADDR" ] || fail "vm1 lost its address after up"

# h2 -> h1: back where the file says; no drift left.
OUT=$("$NETLAB" migrate "$LAB" vm1 --to h1) || fail "migrate back to h1: $OUT"
echo "$OUT"
echo "$OUT" | grep -q "port vm1:eth0 bound on chassis h1" || fail "the port is not bound on h1 after migrating back"
echo "$OUT" | grep -q "(kept)" || fail "the address was not kept migrating back"
"$NETLAB" exec "$LAB" peer -- ping -c3 -i0.3 -W3 "$ADDR" | grep -q " [123] received" || fail "peer cannot ping vm1 back on h1"
ip -n "$LAB-h2" link show "$TAP" >/dev/null 2>&1 && fail "tap $TAP left on h2"
"$NETLAB" status "$LAB" | grep -q "drift: none" || fail "drift after migrating back: $("$NETLAB" status "$LAB")"

"$NETLAB" down "$LAB" || fail "down"
leftovers || fail "down left something"
echo "ok"
