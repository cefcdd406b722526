#!/usr/bin/env bash
# netlab without libpcap, Graphviz or libxml2 (loaded on first use, not linked):
# in a private mount namespace (unshare -m; nothing is mounted outside it and it
# ends with the test) /dev/null is bound over each library file, so dlopen
# fails as if it were not installed. `trace`, `graph` and `import` must then
# exit 1 with one line naming the Debian package, and other commands
# (--version, validate) work as before. No network namespace, no lab.
# Usage: missing_libraries_test.sh NETLAB SOURCE_DIR
set -euo pipefail
netlab=$1 src=$2
tmp=$(mktemp -d /tmp/netlab-missing-libs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (unshare -m)"

libdir=$(dirname "$(readlink -f "$(ldd "$netlab" | awk '$1 == "libc.so.6" {print $3}')")")
hide=()
for soname in libpcap.so.0.8 libcgraph.so.6 libxml2.so.2; do
  file=$(readlink -f "$libdir/$soname")
  [ -f "$file" ] || fail "no $libdir/$soname on this machine"
  hide+=("$file")
done

# Runs "$@" with the libraries hidden; stdout+stderr to $tmp/out, exit code to $tmp/rc.
without_libraries() {
  unshare -m sh -c 'mount --make-rprivate / && for f in $HIDE; do mount --bind /dev/null "$f"; done && exec "$@"' \
    sh "$@" > "$tmp/out" 2>&1 && echo 0 > "$tmp/rc" || echo $? > "$tmp/rc"
}
export HIDE="${hide[*]}"

# command, package: exit 1 and exactly one line naming the package.
expect_missing() {
  local package=$1; shift
  without_libraries "$netlab" "$@"
  [ "$(cat "$tmp/rc")" = 1 ] || fail "netlab $*: exit $(cat "$tmp/rc"), want 1: $(cat "$tmp/out")"
  [ "$(wc -l < "$tmp/out")" = 1 ] || fail "netlab $*: not one line: $(cat "$tmp/out")"
  grep -q "^netlab $1: cannot load .*(package $package): " "$tmp/out" || fail "netlab $*: $(cat "$tmp/out")"
}
expect_missing libpcap0.8 trace --offline "$src/tests/data/traces/nat-ping"
expect_missing libcgraph6 graph "$src/topologies/nat.yaml" -o "$tmp/nat.svg"
[ ! -e "$tmp/nat.svg" ] || fail "graph wrote $tmp/nat.svg without Graphviz"
expect_missing libxml2 import "$src/tests/data/libvirt/default.xml"

without_libraries "$netlab" --version
[ "$(cat "$tmp/rc")" = 0 ] || fail "--version without the libraries: $(cat "$tmp/out")"
without_libraries "$netlab" validate "$src/topologies/nat.yaml"
[ "$(cat "$tmp/rc")" = 0 ] && grep -q ': ok (' "$tmp/out" || fail "validate without the libraries: $(cat "$tmp/out")"

# The same commands with the libraries there (outside the namespace) work.
"$netlab" trace --offline "$src/tests/data/traces/nat-ping" > /dev/null || fail "trace with libpcap"
"$netlab" import "$src/tests/data/libvirt/default.xml" > /dev/null || fail "import with libxml2"
echo "ok: trace, graph and import name the missing package; --version and validate work without them"
