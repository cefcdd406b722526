#!/usr/bin/env bash
# `netlab graph` end to end, without root: a topology file to SVG/PNG/DOT, bad
# input (exit 2 with file:line:col messages), an unknown lab (exit 2), and a
# "running" lab read from a run directory made here (NETLAB_RUN_DIR) with a
# dnsmasq lease file, whose lease must show in the figure.
# Usage: cli_graph_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-graphs-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A topology file, every format.
"$netlab" graph "$src/topologies/nat.yaml" > "$tmp/nat.svg" || fail "graph FILE to stdout"
grep -q '<svg' "$tmp/nat.svg" || fail "stdout is not SVG"
xmllint --noout --nonet "$tmp/nat.svg" || fail "SVG is not well-formed"
grep -q 'nat&#45;default' "$tmp/nat.svg" || fail "bridge missing from SVG"
"$netlab" graph "$src/topologies/nat.yaml" -o "$tmp/nat.png" || fail "graph -o png"
[ "$(head -c 4 "$tmp/nat.png" | tail -c 3)" = "PNG" ] || fail "not a PNG"
"$netlab" graph "$src/topologies/nat.yaml" -o "$tmp/nat.dot" --layout neato || fail "graph -o dot"
head -1 "$tmp/nat.dot" | grep -q '^digraph nat {' || fail "not DOT"
"$netlab" graph "$src/topologies/nat.yaml" --sandbox > "$tmp/sandbox.svg" || fail "graph --sandbox"
grep -q 'nat&#45;wan' "$tmp/sandbox.svg" || fail "--sandbox draws no nat-wan"

# Same input, same bytes.
"$netlab" graph "$src/topologies/nat.yaml" > "$tmp/again.svg"
cmp -s "$tmp/nat.svg" "$tmp/again.svg" || fail "output differs between two runs"

# Bad input: exit 2 with file:line:col.
printf 'name: x\nnetworks: {a: {mode: nat}}\n' > "$tmp/bad.yaml"
set +e
"$netlab" graph "$tmp/bad.yaml" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "bad file: exit $rc, want 2"
grep -q "bad.yaml:2:[0-9]*: error:" "$tmp/err" || fail "bad file: no file:line:col message"
set +e
"$netlab" graph "$src/topologies/nat.yaml" -o "$tmp/x.jpeg" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown format: exit $rc, want 2"
grep -q "cannot tell the format" "$tmp/err" || fail "unknown format: message"
[ ! -e "$tmp/x.jpeg" ] || fail "unknown format: a file was written"

# An unknown lab.
export NETLAB_RUN_DIR="$tmp/run"
mkdir -p "$NETLAB_RUN_DIR"
set +e
"$netlab" graph nosuchlab > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown lab: exit $rc, want 2"
grep -q "netlab graph: no lab named 'nosuchlab'" "$tmp/err" || fail "unknown lab: message"

# A running lab: its topology copy, state and a lease of g2 (MAC from the loader).
mkdir -p "$NETLAB_RUN_DIR/nat"
cp "$src/topologies/nat.yaml" "$NETLAB_RUN_DIR/nat/topology.yaml"
printf '{"lab": "nat", "sandbox": true, "phase": "ready"}\n' > "$NETLAB_RUN_DIR/nat/state.json"
mac=$(grep -o '52:54:00:[0-9a-f:]*' "$tmp/nat.svg" | grep -v '52:54:00:00:00:10' | head -1)
[ -n "$mac" ] || fail "no generated MAC for g2 in the figure"
echo "0 $mac 192.168.122.157 g2 *" > "$NETLAB_RUN_DIR/nat/dnsmasq-default.leases"
"$netlab" graph nat > "$tmp/live.svg" || fail "graph LAB"
grep -q '192.168.122.157 (lease)' "$tmp/live.svg" || fail "live lease not shown"
grep -q 'nat&#45;wan' "$tmp/live.svg" || fail "sandbox lab drawn without nat-wan"
echo "cli_graph_test: ok"
