#!/bin/bash
# topologies/two-hosts.yaml in the sandbox: OVN leases on both hosts, ping and
# TCP across the Geneve tunnel, SNAT out of the gateway host, the isolated
# network kept in, drift of a logical port repaired by `up`, `down` leaving
# nothing on any host, and `gc` after `up` was killed with SIGKILL.
# Usage: two_hosts_test.sh NETLAB SOURCE_DIR (root).
set -u
NETLAB=$1
SRC=$2
LAB=two-hosts
TOPO=$SRC/topologies/two-hosts.yaml
. "$(dirname "$0")/ovn_lab.sh"

"$NETLAB" up "$TOPO" --sandbox || fail "up"
addr() { "$NETLAB" exec "$LAB" "$1" -- ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
A1=$(addr a1); B1=$(addr b1); I2=$(addr i2)
case "$A1" in 10.70.0.1[0-9][0-9]) ;; *) fail "a1 has no OVN lease in the pool: '$A1'";; esac
case "$B1" in 10.70.0.1[0-9][0-9]) ;; *) fail "b1 has no OVN lease in the pool: '$B1'";; esac
# The lease's default route points at the logical router.
"$NETLAB" exec "$LAB" b1 -- ip route | grep -q "default via 10.70.0.1" || fail "b1 got no default route from OVN DHCP"

# Across the tunnel (h1 -> h2) and out through h2's SNAT; the first packet may meet ARP and flow setup.
"$NETLAB" exec "$LAB" a1 -- ping -c3 -i0.2 -W2 "$B1" | grep -q " 0% packet loss\| [12] received" || fail "a1 cannot ping b1 across the tunnel"
"$NETLAB" exec "$LAB" a1 -- ping -c2 -W2 198.51.100.1 >/dev/null || fail "a1 (h1) cannot reach the internet through h2's SNAT"
"$NETLAB" exec "$LAB" b1 -- ping -c2 -W2 198.51.100.1 >/dev/null || fail "b1 (h2) cannot reach the internet"
# The isolated network: its guests see each other, not the outside.
"$NETLAB" exec "$LAB" i1 -- ping -c2 -W2 "$I2" >/dev/null || fail "i1 cannot ping i2 on the isolated network"
"$NETLAB" exec "$LAB" i1 -- ping -c1 -W1 198.51.100.1 >/dev/null 2>&1 && fail "isolated i1 reached the outside"

# TCP across the tunnel: 1 MB from a1 to b1, counted on arrival (python3 sockets:
# busybox nc truncates bulk transfers through the userspace datapath).
SERVER='import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 5001)); s.listen(1); s.settimeout(20); c, _ = s.accept(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n)'
CLIENT='import socket, sys; s = socket.create_connection((sys.argv[1], 5001), timeout=10); s.sendall(b"x" * 1000000); s.close()'
OUT=$(mktemp)
"$NETLAB" exec "$LAB" b1 -- python3 -c "$SERVER" > "$OUT" &
LISTENER=$!
for _ in $(seq 100); do "$NETLAB" exec "$LAB" b1 -- sh -c 'ss -ltn | grep -q :5001' && break; sleep 0.1; done
"$NETLAB" exec "$LAB" a1 -- python3 -c "$CLIENT" "$B1" || fail "TCP a1 -> b1"
wait "$LISTENER"
GOT=$(cat "$OUT"); rm -f "$OUT"
[ "$GOT" = 1000000 ] || fail "TCP across the tunnel carried $GOT of 1000000 bytes"

# status: both chassis, tunnels both ways, each port bound where its guest runs.
ST=$("$NETLAB" status "$LAB") || fail "status"
echo "$ST" | grep -q "chassis in SB: h1 (geneve 100.64.0.1), h2 (geneve 100.64.0.2)" || fail "status lacks the chassis: $ST"
echo "$ST" | grep -Eq "^b1:eth0 +h2 +yes" || fail "status does not bind b1 on h2: $ST"
echo "$ST" | grep -q "geneve to 100.64.0.2" || fail "status shows no tunnel from h1"
echo "$ST" | grep -q "drift: none" || fail "drift right after up: $ST"

# `up` again changes nothing; an ovn-controller killed is drift that `up` repairs.
"$NETLAB" up "$TOPO" --sandbox | grep -q "nothing to do\|0 steps\|already" || true
kill "$(cat /run/netlab/$LAB/h2/ovn/ovn-controller.pid)"
for _ in $(seq 50); do "$NETLAB" status "$LAB" | grep -q "NOT RUNNING" && break; sleep 0.1; done
"$NETLAB" status "$LAB" | grep -q "start ovn-controller of chassis h2" || fail "a dead ovn-controller is not drift"
"$NETLAB" up "$TOPO" --sandbox >/dev/null || fail "up repairing ovn-controller"
"$NETLAB" exec "$LAB" a1 -- ping -c3 -i0.3 -W2 "$B1" | grep -q " [123] received" || fail "no ping after the repair"

"$NETLAB" down "$LAB" || fail "down"
leftovers || fail "down left something"

# gc after kill -9 of up: the journal names every daemon and namespace made so far.
"$NETLAB" up "$TOPO" --sandbox >/dev/null 2>&1 &
UP=$!
for _ in $(seq 200); do [ -e "/run/netlab/$LAB/h2/ovn/ovn-controller.pid" ] && break; sleep 0.05; done
kill -9 "$UP"; wait "$UP" 2>/dev/null
"$NETLAB" gc >/dev/null || fail "gc"
leftovers || fail "gc after kill -9 left something"
trap - EXIT
echo "ok"
