#!/bin/bash
# The tracer across hosts: a trace from a1 (h1) to b1 (h2) lists the tunnel hops
# with their outer Geneve header and OVN's logical view; a trace to the outside
# crosses the tunnel to the gateway host and its SNAT; b1's port taken out of
# br-int on h2 leaves its logical port unbound, which the trace names as the
# cause; with the gateway chassis stopped (h2's ovn-controller) trace and doctor
# to the outside name it, and `up` starts it again; `down` leaves nothing on any host.
# Usage: trace_hosts_test.sh NETLAB SOURCE_DIR (root).
set -u
NETLAB=$1
SRC=$2
LAB=ovntr
TOPO=$SRC/tests/integration/ovn/trace-hosts.yaml
. "$(dirname "$0")/ovn_lab.sh"

"$NETLAB" up "$TOPO" --sandbox >/dev/null || fail "up"
addr() { "$NETLAB" exec "$LAB" "$1" -- ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
B1=$(addr b1)
case "$B1" in 10.72.0.1[0-9][0-9]) ;; *) fail "b1 has no OVN lease: '$B1'";; esac
# Wait until OVN forwards between the hosts (the chassis' tunnels come up after the leases).
for _ in $(seq 100); do "$NETLAB" exec "$LAB" a1 -- ping -c1 -W1 "$B1" >/dev/null 2>&1 && break; done

# 1. a1 -> b1: guest NIC, veth, (br-int), tunnel out of h1, into h2, veth, guest NIC; and back.
OUT=$("$NETLAB" trace "$LAB" --from a1 --to "$B1") || fail "trace a1 -> b1"
echo "$OUT"  # kept in the test's log: the trace across hosts as a user sees it
echo "$OUT" | grep -q ", 1 sent, 1 answered" || fail "the probe a1 -> b1 was not answered: $OUT"
echo "$OUT" | grep -Eq "dc0\)? +$LAB-host +out +tunnel-out +Geneve 100\.64\.0\.1 → 100\.64\.0\.2 VNI [0-9]+, OVN ports [0-9]+ → [0-9]+" \
  || fail "no tunnel-out hop on h1 with the outer header: $OUT"
echo "$OUT" | grep -Eq "dc0\)? +$LAB-h2 +in +tunnel-in +Geneve 100\.64\.0\.1 → 100\.64\.0\.2" || fail "no tunnel-in hop on h2: $OUT"
echo "$OUT" | grep -Eq "dc0\)? +$LAB-h2 +out +tunnel-out +Geneve 100\.64\.0\.2 → 100\.64\.0\.1" || fail "the reply's tunnel-out on h2: $OUT"
echo "$OUT" | grep -Eq "^  [0-9]+ .* eth0 +$LAB-b1 +in +guest-nic" || fail "the request does not reach b1's NIC: $OUT"
echo "$OUT" | grep -q "dropped" && fail "a packet dropped a1 -> b1: $OUT"
# The logical view: ovn-trace's pipelines of the logical switch, delivered to b1's port.
echo "$OUT" | grep -q "^logical view (ovn-trace inport == \"a1:eth0\"" || fail "no logical view: $OUT"
echo "$OUT" | grep -Eq "^  ingress ls-front|^  ingress [^ ]*front" || fail "no ingress pipeline of the switch: $OUT"
echo "$OUT" | grep -q "logical outcome: output to \"b1:eth0\"" || fail "the logical view does not output to b1: $OUT"
# JSON: the same as data.
JSON=$("$NETLAB" trace "$LAB" --from a1 --to "$B1" --json) || fail "trace --json"
echo "$JSON" | python3 -c '
import json, sys
d = json.load(sys.stdin)
roles = [h["role"] for p in d["packets"] for h in p["hops"]]
assert "tunnel-out" in roles and "tunnel-in" in roles, roles
assert d["logical"]["pipelines"] and d["logical"]["pipelines"][0]["direction"] == "ingress", d["logical"]
assert d["logical"]["unbound"] == [], d["logical"]["unbound"]
' || fail "trace --json lacks the tunnel hops or the logical view"

# 2. a1 -> outside: through the tunnel to h2, the router's SNAT there, out of h2's uplink.
OUT=$("$NETLAB" trace "$LAB" --from a1 --to 198.51.100.1) || fail "trace a1 -> outside"
echo "$OUT" | grep -q ", 1 sent, 1 answered" || fail "a1 -> 198.51.100.1 not answered: $OUT"
echo "$OUT" | grep -Eq "dc0\)? +$LAB-host +out +tunnel-out" || fail "a1 -> outside does not leave h1 by the tunnel: $OUT"
echo "$OUT" | grep -Eq "nat +src 10\.72\.0\.[0-9]+ → " || fail "no SNAT hop on the way out: $OUT"
echo "$OUT" | grep -Eq "wan0 +$LAB-wan +in +upstream" || fail "the request does not reach upstream: $OUT"
echo "$OUT" | grep -q "^  ingress " || fail "no logical view toward the router: $OUT"

# 3. b1's port out of h2's br-int: its logical port is unbound, and the trace says so.
DB=unix:/run/netlab/$LAB/h2/ovs/db.sock
PORT=$(ovs-vsctl --db=$DB --bare --columns=name find interface 'external_ids:iface-id="b1:eth0"')
[ -n "$PORT" ] || fail "b1's OVS port not found on h2"
ovs-vsctl --db=$DB del-port br-int "$PORT" || fail "del-port"
for _ in $(seq 100); do "$NETLAB" status "$LAB" | grep -Eq "^b1:eth0 +(-|no|$)|^b1:eth0 +\(unbound\)" && break; sleep 0.1; done
OUT=$("$NETLAB" trace "$LAB" --from a1 --to "$B1" --timeout 1) || fail "trace to the unbound port"
echo "$OUT" | grep -q "port b1:eth0 is not bound to any chassis" || fail "the unbound port is not named: $OUT"
echo "$OUT" | grep -Eq "dropped after .*: port b1:eth0 is not bound to any chassis" || fail "not the drop's cause: $OUT"

# 4. The gateway chassis stopped (h2's ovn-controller, h2 holds the uplink): a
#    trace and doctor to the outside name it as the cause; up starts it again.
"$NETLAB" up "$TOPO" --sandbox >/dev/null || fail "up repairing b1's port"
CTL_PID=$(cat /run/netlab/$LAB/h2/ovn/ovn-controller.pid)
kill "$CTL_PID" || fail "cannot stop h2's ovn-controller"
for _ in $(seq 100); do kill -0 "$CTL_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$CTL_PID" 2>/dev/null && fail "h2's ovn-controller did not stop"
OUT=$("$NETLAB" trace "$LAB" --from a1 --to 198.51.100.1 --timeout 1) || fail "trace with the gateway chassis down: $OUT"
echo "$OUT" | grep -q "cause: gateway chassis h2 is down: its ovn-controller is not running" ||
  fail "the stopped gateway chassis is not named by trace: $OUT"
OUT=$("$NETLAB" doctor "$LAB" a1 2>&1); RC=$?
[ $RC -eq 1 ] || fail "doctor with the gateway chassis down: exit $RC: $OUT"
echo "$OUT" | grep -q "\[PROBLEM\] ovn-gateway: gateway chassis h2 is down" || fail "doctor does not name the gateway chassis: $OUT"
"$NETLAB" up "$TOPO" --sandbox >/dev/null || fail "up restarting the gateway's ovn-controller"
OUT=$("$NETLAB" trace "$LAB" --from a1 --to 198.51.100.1) || fail "trace after the repair"
echo "$OUT" | grep -q ", 1 sent, 1 answered" || fail "a1 -> 198.51.100.1 not answered after the repair: $OUT"
echo "$OUT" | grep -q "gateway chassis h2 is down" && fail "the repaired gateway chassis is still named down: $OUT"

"$NETLAB" down "$LAB" >/dev/null || fail "down"
leftovers || fail "down left something"
trap - EXIT
echo "ok"
