#!/bin/bash
# `netlab migrate` killed with SIGKILL half-way (during the migration itself):
# the journal recorded the domain on the destination before the migration
# started, so `status` names the interrupted migration with the domain's state
# on each host (checked against the QEMU processes there), and `down` removes
# the domain wherever it is and leaves no QEMU, libvirtd, namespace or run
# directory on any host.
# Usage: migrate_kill_test.sh NETLAB SOURCE_DIR (root; the netlab-test image built).
set -u
NETLAB=$1
LAB=vmmk
TOPO=$(dirname "$0")/vmmk.yaml
# The VM's qemu too; a private libvirtd runs as plain `libvirtd`: found by its mounts of the lab's run directory.
PROCS="/run/netlab/$LAB/|netlab-$LAB-"
more_leftovers() { grep -l " /run/netlab/$LAB/" /proc/[0-9]*/mountinfo 2>/dev/null || true; }
. "$(dirname "$0")/ovn_lab.sh"
TMP=$(mktemp -d)
trap 'cleanup; rm -rf "$TMP"' EXIT
until_ok() { local limit=$1; shift; local end=$((SECONDS + limit)); until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done; }

"$NETLAB" up "$TOPO" --sandbox >/dev/null || fail "up"
"$NETLAB" migrate "$LAB" vm1 --to h2 > "$TMP/out" 2> "$TMP/err" &
MIG=$!
until_ok 120 grep -q "migrating vm1 from h1 to h2" "$TMP/err" || { kill -9 $MIG; fail "the migration never started: $(cat "$TMP/err")"; }
kill -9 $MIG; wait $MIG 2>/dev/null
grep -q "migrated live" "$TMP/out" && fail "the migration had ended before the kill"

# The journal holds the domain on both hosts' libvirt.
[ "$(grep '"kind":"domain"' /run/netlab/$LAB/journal | grep -c "netlab-$LAB-vm1")" -ge 2 ] ||
  fail "the journal does not record vm1's domain on both hosts: $(cat /run/netlab/$LAB/journal)"

# status is truthful: the state it gives each host matches the QEMU there (once libvirt settled).
qemu_on() {  # running when a QEMU of vm1 runs under the host's libvirtd, else none
  local f=/run/netlab/$LAB/$1libvirt/run/qemu/netlab-$LAB-vm1.pid
  [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && echo running || echo none
}
state_of() { echo "$LINE" | grep -o "$1 [a-z ]*" | head -1 | cut -d' ' -f2-; }
truthful() {
  LINE=$("$NETLAB" status "$LAB" | grep "^vm1: an interrupted migration") || return 1
  local h
  for h in h1 h2; do
    local dir="" s; [ $h = h2 ] && dir=h2/
    s=$(state_of "$h,\?")
    case "$(qemu_on "$dir"):$s" in
      running:running*|running:paused*|none:absent*|none:shut\ off*) ;;
      *) return 1;;
    esac
  done
}
until_ok 60 truthful || fail "status does not describe the interrupted migration truthfully: '$LINE' (QEMU on h1: $(qemu_on ""), on h2: $(qemu_on h2/))"
echo "$LINE"
"$NETLAB" status "$LAB" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); v=[g for g in d["guests"] if g["name"]=="vm1"][0]["vm"]; sys.exit(0 if "interrupted migration" in v["interrupted_migration"] else 1)' ||
  fail "status --json does not report the interrupted migration"

OUT=$("$NETLAB" down "$LAB" 2>&1) || fail "down after the interrupted migration: $OUT"
leftovers || fail "down left something after the interrupted migration"
echo "ok"
