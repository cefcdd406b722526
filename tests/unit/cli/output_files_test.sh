#!/usr/bin/env bash
# Files netlab writes (as root, maybe in a directory others can write) never go
# through a symbolic link planted at the output path: graph -o, export -o DIR,
# import -o, trace --offline with --pcap and --save. Each refusal
# exits non-zero with a message naming the link, and the link's target is
# untouched. With umask 000 the files still get 0644 and directories 0755.
# Usage: output_files_test.sh NETLAB_BINARY SOURCE_DIR
set -euo pipefail
netlab=$1
src=$2
tmp=$(mktemp -d /tmp/netlab-cli-output-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
umask 000
echo precious > "$tmp/victim"
nat=$src/topologies/nat.yaml
capture=$src/tests/data/traces/nat-ping

expect_link_refused() {  # LINK_PATH, then the command line after `netlab`
  local link=$1; shift
  ln -sfn "$tmp/victim" "$link"
  set +e
  "$netlab" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
  set -e
  [ $rc -ne 0 ] || fail "netlab $*: exit 0 through a symlink"
  grep -q "symbolic link" "$tmp/err" || fail "netlab $*: no clear message: $(cat "$tmp/err")"
  [ "$(cat "$tmp/victim")" = precious ] || fail "netlab $*: wrote through the symlink"
  [ -L "$link" ] || fail "netlab $*: the link was replaced"
  rm -f "$link"
  ls "$(dirname "$link")" | grep -q '\.tmp\.' && fail "netlab $*: a temporary file was left"
  return 0
}

expect_link_refused "$tmp/g.svg" graph "$nat" -o "$tmp/g.svg"
expect_link_refused "$tmp/i.yaml" import "$src/tests/data/libvirt/default.xml" -o "$tmp/i.yaml"
mkdir -m 0755 "$tmp/x"
expect_link_refused "$tmp/x/nat-default.network.xml" export "$nat" --libvirt -o "$tmp/x"
# (--svg/--png/--dot/--html need a live lab; they write through the same helper.)
expect_link_refused "$tmp/t.pcapng" trace --offline "$capture" --pcap "$tmp/t.pcapng"
# A directory given to --save / export -o that is itself a link.
mkdir "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$tmp/savelink"
set +e
"$netlab" trace --offline "$capture" --save "$tmp/savelink" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -ne 0 ] || fail "trace --save through a linked directory: exit 0"
grep -q "symbolic link" "$tmp/err" || fail "trace --save: no clear message: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/elsewhere")" ] || fail "trace --save wrote into the link's target"
set +e
"$netlab" export "$nat" --libvirt -o "$tmp/savelink" > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -ne 0 ] || fail "export -o through a linked directory: exit 0"
[ -z "$(ls "$tmp/elsewhere")" ] || fail "export wrote into the link's target"

# Modes with umask 000.
"$netlab" graph "$nat" -o "$tmp/m.svg"
[ "$(stat -c %a "$tmp/m.svg")" = 644 ] || fail "graph -o: mode $(stat -c %a "$tmp/m.svg") under umask 000"
"$netlab" trace --offline "$capture" --save "$tmp/saved" > /dev/null
[ "$(stat -c %a "$tmp/saved")" = 755 ] || fail "trace --save dir: mode $(stat -c %a "$tmp/saved")"
for f in "$tmp/saved"/*; do
  [ "$(stat -c %a "$f")" = 644 ] || fail "trace --save $(basename "$f"): mode $(stat -c %a "$f")"
done
"$netlab" trace --offline "$tmp/saved" > /dev/null || fail "the saved capture set does not read back"
echo ok
