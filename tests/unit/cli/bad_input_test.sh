#!/usr/bin/env bash
# Bad input is refused early with exit 2 and a short message: input files larger
# than 16 MiB (reading stops at the bound: /dev/zero ends), subnets on the
# sandbox's own addresses with --sandbox, NaN durations, a trace to a broadcast
# address. Runs without root: the "running" lab is a hop map in a temporary
# NETLAB_RUN_DIR, and every refusal comes before any namespace is touched.
# Usage: bad_input_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-cli-bad-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export NETLAB_RUN_DIR=$tmp/run

expect_bad() {  # NEEDLE, then the command line after `netlab`
  local needle=$1; shift
  set +e
  timeout 60 "$netlab" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "netlab $*: exit $rc, want 2: $(head -c 300 "$tmp/err")"
  grep -qF -- "$needle" "$tmp/err" || fail "netlab $*: no '$needle' in: $(head -c 300 "$tmp/err")"
  [ "$(wc -c < "$tmp/err")" -lt 2000 ] || fail "netlab $*: a message of $(wc -c < "$tmp/err") bytes"
}

# Sizes: reading stops at 16 MiB.
expect_bad "larger than 16 MiB" validate /dev/zero
head -c $((17 << 20)) /dev/zero | tr '\0' '#' > "$tmp/big.yaml"
expect_bad "larger than 16 MiB" validate "$tmp/big.yaml"
cp "$tmp/big.yaml" "$tmp/big.xml"
expect_bad "larger than 16 MiB" import "$tmp/big.xml"
expect_bad "larger than 16 MiB" import /dev/zero
mkdir -p "$tmp/capture"
cp "$tmp/big.yaml" "$tmp/capture/hopmap.json"
expect_bad "larger than 16 MiB" trace --offline "$tmp/capture"

# Subnets on the sandbox's own addresses: fine on a real host, refused with --sandbox.
cat > "$tmp/wan.yaml" <<'YAML'
name: wanlike
networks:
  a:
    subnet: 203.0.113.0/25
  b:
    mode: isolated
    subnet: 198.51.100.0/24
YAML
"$netlab" validate "$tmp/wan.yaml" > /dev/null || fail "validate without --sandbox refused the file"
expect_bad "wan.yaml:4:13: error: subnet 203.0.113.0/25 of network 'a' overlaps 203.0.113.0/24, the sandbox's simulated WAN" \
  validate --sandbox "$tmp/wan.yaml"
expect_bad "wan.yaml:7:13: error: subnet 198.51.100.0/24 of network 'b' overlaps 198.51.100.0/24" \
  validate --sandbox "$tmp/wan.yaml"
expect_bad "overlaps 203.0.113.0/24" up --sandbox "$tmp/wan.yaml"
expect_bad "overlaps 203.0.113.0/24" plan --sandbox "$tmp/wan.yaml"
[ ! -e "$NETLAB_RUN_DIR/wanlike" ] || fail "up --sandbox left a run directory"

# NaN and out-of-range durations.
expect_bad "--timeout must be" trace somelab --from g1 --to 198.51.100.1 --timeout nan
expect_bad "--timeout must be" trace somelab --from g1 --to 198.51.100.1 --timeout inf
expect_bad "--duration must be" trace somelab --passive --duration nan
expect_bad "--duration must be" trace somelab --passive --duration -1

# A trace to a broadcast address is bad input, not "0 sent".
mkdir -p "$NETLAB_RUN_DIR/bcast"
cat > "$NETLAB_RUN_DIR/bcast/hopmap.json" <<'JSON'
{"lab": "bcast", "nics": [{"guest": "g1", "nic": "eth0", "network": "default", "mode": "nat",
  "mac": "52:54:00:00:00:10", "address": "192.168.122.10/24",
  "hops": [{"role": "guest-nic", "netns": "bcast-g1", "device": "eth0"}]}]}
JSON
expect_bad "broadcast address" trace bcast --from g1 --to 255.255.255.255
expect_bad "broadcast address of the guest's subnet 192.168.122.0/24" trace bcast --from g1 --to 192.168.122.255
expect_bad "multicast" trace bcast --from g1 --to 224.0.0.1
expect_bad "unspecified" trace bcast --from g1 --to 0.0.0.0
echo ok
