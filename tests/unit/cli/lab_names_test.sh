#!/usr/bin/env bash
# Lab names on the command line pass the rule names in files pass: `down ..`,
# `down .`, `down ''` and the same for every command taking a LAB exit 2 and
# touch nothing (no lock file, no removal of the run root or its parent).
# Usage: lab_names_test.sh NETLAB_BINARY
set -euo pipefail
netlab=$1
tmp=$(mktemp -d /tmp/netlab-cli-names-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

export NETLAB_RUN_DIR=$tmp/run
mkdir -p "$NETLAB_RUN_DIR"
touch "$tmp/sentinel" "$NETLAB_RUN_DIR/sentinel"
snapshot() { (cd "$tmp" && find . | sort); }
before=$(snapshot)

expect_refused() {  # args: the command line after `netlab`
  set +e
  "$netlab" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "netlab $*: exit $rc, want 2 ($(cat "$tmp/err"))"
  grep -q "invalid lab name" "$tmp/err" || fail "netlab $*: no 'invalid lab name' message: $(cat "$tmp/err")"
  rm -f "$tmp/out" "$tmp/err"
  [ "$(snapshot)" = "$before" ] || fail "netlab $*: files changed: $(diff <(echo "$before") <(snapshot))"
}

for name in .. . '' '_x' 'a.b' "$(printf 'a%.0s' {1..41})" 'x y' $'x\ny'; do
  expect_refused down "$name"
  expect_refused status "$name"
  expect_refused exec "$name" g1 -- true
  expect_refused doctor "$name"
  expect_refused trace "$name" --from g1 --to 192.0.2.1
  expect_refused export "$name" --libvirt
done
# A '/' makes a LAB|FILE argument a file; for LAB-only commands it is a bad name.
for cmd in status doctor; do expect_refused $cmd a/b; done
# graph and export take LAB|FILE: a name with a '/' is a file, the rest are names.
for name in .. . ''; do
  expect_refused graph "$name"
done
# The message quotes the name escaped and short.
set +e
"$netlab" down "$(printf 'x\033[2J%.0s' {1..40})" 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "long name: exit $rc"
grep -q '\\x1b' "$tmp/err" || fail "control bytes not escaped: $(cat -v "$tmp/err")"
[ "$(wc -c < "$tmp/err")" -lt 200 ] || fail "message quotes the whole name"
grep -q $'\033' "$tmp/err" && fail "raw escape byte in the message"
echo "ok"
