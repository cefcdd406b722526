#!/usr/bin/env bash
# A device someone else made under a name the lab wants survives `up`: g1's
# veth deleted by hand and a bridge made under its host-side name; `up` fails at
# that step without touching that bridge (nothing claims it, nothing rolls it
# back) and changes nothing else; `down` then removes the lab (that bridge sat in
# the lab's own host namespace and goes with it).
# Lab "ncl" in the sandbox. Usage: name_clash_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-name-clash-XXXXXX)
cleanup() {
  "$netlab" down ncl > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sed 's/^name: nat$/name: ncl/' "$src/topologies/nat.yaml" > "$tmp/ncl.yaml"

timeout 120 "$netlab" up --sandbox "$tmp/ncl.yaml" > /dev/null || fail "up"
# g1's host-side veth: the bridge port whose peer lives in ncl-g1.
veth=""
for p in $(ip -n ncl-host -o link show master ncl-default | awk -F': ' '{print $2}' | cut -d@ -f1); do
  alias=$(ip -n ncl-host -o link show "$p" | sed -n 's/.*alias //p')
  case "$alias" in *guest=g1*) veth=$p ;; esac
done
[ -n "$veth" ] || fail "no veth of g1 in ncl-host"

ip -n ncl-host link del "$veth"
ip -n ncl-host link add "$veth" type bridge  # (no dummy module here)
set +e
timeout 120 "$netlab" up --sandbox "$tmp/ncl.yaml" > "$tmp/up" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "up over someone else's device: exit $rc, want 1: $(cat "$tmp/up")"
grep -q "device $veth in namespace ncl-host already exists and is not the lab's" "$tmp/up" ||
  fail "up does not say why: $(cat "$tmp/up")"
ip -n ncl-host -d link show "$veth" | grep -q "bridge forward_delay" || fail "up removed someone else's device"
grep -q "\"name\":\"$veth\"" "${NETLAB_RUN_DIR:-/run/netlab}/ncl/journal" || fail "the lab's journal lost its veth"
[ "$(grep -c "\"name\":\"$veth\"" "${NETLAB_RUN_DIR:-/run/netlab}/ncl/journal")" -eq 1 ] ||
  fail "the failed up journalled someone else's device"
ip -n ncl-g2 -4 -o addr show dev eth0 | grep -q inet || fail "the failed up disturbed g2"

"$netlab" down ncl > "$tmp/down" 2>&1 || fail "down: $(cat "$tmp/down")"
left=$(ip netns list | awk '{print $1}' | grep '^ncl-' || true)
[ -z "$left" ] || fail "down left namespaces: $left"
[ ! -e "${NETLAB_RUN_DIR:-/run/netlab}/ncl" ] || fail "down left the run directory"
echo ok
