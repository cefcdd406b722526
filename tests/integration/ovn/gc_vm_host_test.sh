#!/bin/bash
# `gc` after `netlab up` was killed with SIGKILL while it started a VM on the
# second host of a two-host OVN lab: the journal names h2's libvirtd, the
# domain on it, both hosts' OVS and OVN daemons and every namespace, so gc
# leaves no QEMU, libvirtd, daemon, namespace or run directory behind.
# Usage: gc_vm_host_test.sh NETLAB SOURCE_DIR (root; the netlab-test image built).
set -u
NETLAB=$1
LAB=vmgc
TOPO=$(dirname "$0")/vmgc.yaml
# The VM's qemu too; a private libvirtd runs as plain `libvirtd`: found by its mounts of the lab's run directory.
PROCS="/run/netlab/$LAB/|netlab-$LAB-"
more_leftovers() { grep -l " /run/netlab/$LAB/" /proc/[0-9]*/mountinfo 2>/dev/null || true; }
. "$(dirname "$0")/ovn_lab.sh"
# Waits up to $1 seconds for the command after it to succeed.
until_ok() { local limit=$1; shift; local end=$((SECONDS + limit)); until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.1; done; }

"$NETLAB" up "$TOPO" --sandbox >/dev/null 2>&1 &
UP=$!
QEMU_PID=/run/netlab/$LAB/h2/libvirt/run/qemu/netlab-$LAB-vm2.pid
until_ok 180 test -s "$QEMU_PID" || { kill -9 $UP; fail "vm2's QEMU never started on h2"; }
QEMU=$(cat "$QEMU_PID")
kill -0 "$QEMU" 2>/dev/null || fail "no QEMU behind $QEMU_PID"
kill -9 "$UP"; wait "$UP" 2>/dev/null
# What the killed up left: h2's libvirtd and the VM's QEMU run, the lab is recorded.
kill -0 "$QEMU" 2>/dev/null || fail "vm2's QEMU did not outlive the killed up"
grep -q '"kind":"domain"' /run/netlab/$LAB/journal || fail "the journal does not record vm2's domain"
OUT=$("$NETLAB" gc 2>&1) || fail "gc: $OUT"
echo "$OUT"
echo "$OUT" | grep -q "netlab-$LAB-vm2" || fail "gc does not name vm2's domain: $OUT"
until_ok 10 sh -c "! kill -0 $QEMU 2>/dev/null" || fail "vm2's QEMU $QEMU still runs after gc"
leftovers || fail "gc after kill -9 left something"
echo "ok"
