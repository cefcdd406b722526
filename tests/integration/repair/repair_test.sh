#!/usr/bin/env bash
# 1. The bridge of a running lab deleted by hand: `status` shows drift for its
#    dnsmasq, `up` recreates the bridge and restarts dnsmasq, and a guest gets a
#    fresh DHCP lease (dnsmasq serves the new bridge, not only lives).
# 2. A guest namespace deleted and re-created by someone else under the same
#    name: `up` refuses to adopt it, `down` leaves it (and says so) while
#    removing everything else of the lab.
# Lab "rpr" in the sandbox. Usage: repair_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-repair-XXXXXX)
cleanup() {
  "$netlab" down rpr > /dev/null 2>&1 || true
  ip netns del rpr-g1 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sed 's/^name: nat$/name: rpr/' "$src/topologies/nat.yaml" > "$tmp/rpr.yaml"

fresh_lease() {  # a full DHCP exchange from g2; /bin/true leaves its address alone
  timeout 30 "$netlab" exec rpr g2 -- busybox udhcpc -n -q -f -i eth0 -t 4 -T 1 -s /bin/true > /dev/null 2>&1
}

timeout 120 "$netlab" up --sandbox "$tmp/rpr.yaml" > /dev/null || fail "up"
fresh_lease || fail "no lease on a fresh lab"

# 1. Bridge recreated: dnsmasq must follow.
ip -n rpr-host link del rpr-default
"$netlab" status rpr > "$tmp/status"
grep -q "dnsmasq" "$tmp/status" || fail "status shows no dnsmasq drift: $(cat "$tmp/status")"
timeout 120 "$netlab" up --sandbox "$tmp/rpr.yaml" > "$tmp/up" 2>&1 || fail "up after bridge deletion: $(cat "$tmp/up")"
"$netlab" status rpr | grep -q "drift: none" || fail "drift left after up: $("$netlab" status rpr)"
fresh_lease || fail "dnsmasq does not serve the recreated bridge"

# 2. A namespace re-created by someone else.
ip netns del rpr-g1
ip netns add rpr-g1
set +e
timeout 120 "$netlab" up --sandbox "$tmp/rpr.yaml" > "$tmp/up" 2>&1; rc=$?
set -e
[ $rc -ne 0 ] || fail "up adopted a namespace someone else made"
grep -q "re-created by someone else" "$tmp/up" || fail "up does not say why: $(cat "$tmp/up")"
set +e
"$netlab" down rpr > "$tmp/down" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "down: exit $rc, want 1 (a problem reported): $(cat "$tmp/down")"
grep -q "rpr-g1 is not the one this lab made" "$tmp/down" || fail "down does not report it: $(cat "$tmp/down")"
# grep reads the whole list (not -q): under pipefail, a grep that quits at the
# first match makes awk die of SIGPIPE when more namespaces follow.
ip netns list | awk '{print $1}' | grep -x rpr-g1 > /dev/null || fail "down deleted someone else's namespace"
left=$(ip netns list | awk '{print $1}' | grep '^rpr-' | grep -vx rpr-g1 || true)
[ -z "$left" ] || fail "down left the lab's own namespaces: $left"
[ ! -e "${NETLAB_RUN_DIR:-/run/netlab}/rpr" ] || fail "down left the run directory"
echo ok
