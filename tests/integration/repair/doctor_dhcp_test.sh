#!/usr/bin/env bash
# `doctor` asks each dnsmasq for a DHCP offer, not only whether its pid lives:
# 1. healthy lab: the dhcp check is ok (an offer to a probe from a guest);
# 2. the bridge deleted by hand: doctor names the dnsmasq and the missing bridge;
# 3. the bridge recreated by hand with the guests' ports back in it: dnsmasq
#    lives but is bound to the old device; doctor says so (no offer, ifindex);
# 4. `up` repairs, doctor is healthy again, and the guests' leases were not
#    disturbed by the probes.
# Lab "dhd" in the sandbox. Usage: doctor_dhcp_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-doctor-dhcp-XXXXXX)
cleanup() {
  "$netlab" down dhd > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sed 's/^name: nat$/name: dhd/' "$src/topologies/nat.yaml" > "$tmp/dhd.yaml"

doctor() {  # doctor's output in $tmp/doctor, its exit code in $rc
  set +e
  timeout 120 "$netlab" doctor dhd > "$tmp/doctor" 2>&1; rc=$?
  set -e
}
address() { ip -n "dhd-$1" -4 -o addr show dev eth0 | awk '{print $4}'; }

timeout 120 "$netlab" up --sandbox "$tmp/dhd.yaml" > /dev/null || fail "up"
g1=$(address g1)
g2=$(address g2)
[ -n "$g1" ] && [ -n "$g2" ] || fail "guests have no address after up"
ports=$(ip -n dhd-host -o link show master dhd-default | awk -F': ' '{print $2}' | cut -d@ -f1)
[ -n "$ports" ] || fail "no ports in bridge dhd-default"

# 1. Healthy.
doctor
[ $rc -eq 0 ] || fail "doctor on a fresh lab: exit $rc: $(cat "$tmp/doctor")"
grep -q '\[ok\] dhcp: the dnsmasq of network default (pid [0-9]*) answers on bridge dhd-default: offered' "$tmp/doctor" ||
  fail "no ok dhcp check: $(cat "$tmp/doctor")"

# 2. The bridge deleted by hand.
ip -n dhd-host link del dhd-default
doctor
[ $rc -eq 1 ] || fail "doctor with the bridge deleted: exit $rc, want 1: $(cat "$tmp/doctor")"
grep -q '\[PROBLEM\] dhcp: the dnsmasq of network default (pid [0-9]*) serves nobody: its bridge dhd-default does not exist' \
  "$tmp/doctor" || fail "doctor does not name the dead dnsmasq: $(cat "$tmp/doctor")"
grep -q '^verdict: network default: PROBLEM' "$tmp/doctor" || fail "no verdict for the network: $(cat "$tmp/doctor")"

# 3. Recreated by hand, ports back: a live dnsmasq bound to the device that is gone.
ip -n dhd-host link add dhd-default type bridge
for p in $ports; do ip -n dhd-host link set "$p" master dhd-default; done
ip -n dhd-host link set dhd-default up
doctor
[ $rc -eq 1 ] || fail "doctor with a misbound dnsmasq: exit $rc, want 1: $(cat "$tmp/doctor")"
grep -q '\[PROBLEM\] dhcp: the dnsmasq of network default (pid [0-9]*) runs but does not answer DHCP on bridge dhd-default.*got no offer; it was started on an earlier bridge' \
  "$tmp/doctor" || fail "doctor does not name the misbound dnsmasq: $(cat "$tmp/doctor")"

# 4. up repairs; healthy again.
ip -n dhd-host link del dhd-default
timeout 120 "$netlab" up --sandbox "$tmp/dhd.yaml" > "$tmp/up" 2>&1 || fail "up after the bridge went: $(cat "$tmp/up")"
doctor
[ $rc -eq 0 ] || fail "doctor after up: exit $rc: $(cat "$tmp/doctor")"
grep -q '\[ok\] dhcp: the dnsmasq of network default (pid [0-9]*) answers on bridge dhd-default' "$tmp/doctor" ||
  fail "no ok dhcp check after up: $(cat "$tmp/doctor")"
[ "$(address g1)" = "$g1" ] && [ "$(address g2)" = "$g2" ] || fail "a guest's address changed: $(address g1) $(address g2)"
leases="${NETLAB_RUN_DIR:-/run/netlab}/dhd/dnsmasq-default.leases"
[ -f "$leases" ] || fail "no lease file $leases"
! grep -q ' 02:6e:6c:' "$leases" || fail "a probe took a lease: $(cat "$leases")"
left=$(ip -n dhd-host -o link show | grep -c ' nldp' || true)
[ "$left" -eq 0 ] || fail "a probe port was left behind"
"$netlab" down dhd > /dev/null || fail "down"
left=$(ip netns list | awk '{print $1}' | grep '^dhd-' || true)
[ -z "$left" ] || fail "down left namespaces: $left"
echo ok
