#!/usr/bin/env bash
# The Debian package end to end, without root and without installing it: CPack
# packs the already-built binary and generated docs into a temporary directory,
# then the .deb is read back as a user would get it:
#   - `dpkg-deb -I`: name, version, architecture, the runtime Depends and the
#     shared libraries dpkg-shlibdeps found;
#   - `dpkg-deb -x` into a temporary root: the packaged binary prints its version
#     and validates every packaged topology (all of topologies/ is there);
#   - every man page renders without a groff warning, has a whatis entry, there is one per
#     subcommand `netlab --help` lists, and each names every option that the
#     subcommand's `--help` names (the pages cannot drift from the CLI);
#   - the bash completion parses and completes subcommands, options, lab names;
#   - lintian reports no tag, down to info, but the overrides the package
#     carries (packaging/lintian-overrides, explained in docs/packaging.md).
# Usage: package_test.sh CPACK BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
cpack=$1 build=$2 src=$3 version=$4
tmp=$(mktemp -d /tmp/netlab-package-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- build the package (CPack reuses the built tree: nothing is recompiled) ----
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" > "$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$tmp/out/netlab_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb; cpack wrote: $(ls "$tmp/out")"

# ---- control fields ----
dpkg-deb -I "$deb" > "$tmp/info"
field() { sed -n "s/^ $1: //p" "$tmp/info"; }
[ "$(field Package)" = netlab ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), want $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
for dep in dnsmasq-base nftables busybox-static isc-dhcp-client openvswitch-switch 'libvirt-daemon-system | libvirt-daemon' \
           qemu-system-x86 qemu-utils libc6 libnl-3-200 libnl-route-3-200 libnftables1 libpcap0.8 libvirt0 libxml2 \
           libyaml-cpp0.7 libcgraph6 libgvc6; do
  [[ ", $depends," == *", $dep"[\ ,]* ]] || fail "Depends lacks '$dep': $depends"
done

# ---- the packaged binary and topologies ----
root=$tmp/root
dpkg-deb -x "$deb" "$root"
netlab=$root/usr/bin/netlab
[ -x "$netlab" ] || fail "no executable /usr/bin/netlab in the package"
[ "$("$netlab" --version)" = "netlab $version" ] || fail "--version: $("$netlab" --version)"
share=$root/usr/share/netlab
for f in "$src"/topologies/*.yaml "$src"/topologies/schema.json; do
  cmp -s "$f" "$share/topologies/${f##*/}" || fail "topologies/${f##*/} not packaged as is"
done
for f in "$share"/topologies/*.yaml; do
  "$netlab" validate "$f" > "$tmp/validate" 2>&1 || fail "validate ${f##*/}: $(cat "$tmp/validate")"
  grep -q ': ok (' "$tmp/validate" || fail "validate ${f##*/} printed: $(cat "$tmp/validate")"
done
[ -x "$share/make-guest-image.sh" ] || fail "no executable /usr/share/netlab/make-guest-image.sh"
for f in copyright changelog.gz README.md; do
  [ -f "$root/usr/share/doc/netlab/$f" ] || fail "no /usr/share/doc/netlab/$f"
done

# ---- man pages: one per subcommand, each rendering cleanly and naming every option ----
mandir=$root/usr/share/man/man1
subcommands=$("$netlab" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[ -n "$subcommands" ] || fail "no subcommands in netlab --help"
render() {  # page -> plain text; a groff warning fails (man --warnings as lintian runs it)
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$1" 2> "$tmp/man.err" > "$tmp/man.txt" \
    || fail "man -l ${1##*/} failed: $(cat "$tmp/man.err")"
  [ ! -s "$tmp/man.err" ] || fail "man -l ${1##*/} warns: $(cat "$tmp/man.err")"
  grep -q '^NAME' "$tmp/man.txt" || fail "${1##*/} renders without NAME"
}
options_of() {  # the --long options a --help text lists
  grep -oE '(^|[ ,])--[a-z][a-z0-9-]*' | sed 's/^[ ,]*//' | sort -u
}
render "$mandir/netlab.1.gz"
lexgrog "$mandir/netlab.1.gz" | grep -q '"netlab - ' || fail "netlab(1): no whatis entry for apropos"
for sub in $subcommands; do
  grep -q "netlab-$sub" "$tmp/man.txt" || fail "netlab(1) does not point to netlab-$sub(1)"
done
cp "$tmp/man.txt" "$tmp/netlab.txt"
for opt in $("$netlab" --help | options_of); do
  grep -q -- "$opt" "$tmp/netlab.txt" || fail "netlab(1) does not list $opt"
done
pages=1
for sub in $subcommands; do
  page=$mandir/netlab-$sub.1.gz
  [ -f "$page" ] || fail "no man page for subcommand $sub"
  render "$page"
  pages=$((pages + 1))
  lexgrog "$page" | grep -q "\"netlab-$sub - " || fail "netlab-$sub(1): no whatis entry for apropos: $(lexgrog "$page")"
  for opt in $("$netlab" "$sub" --help | options_of); do
    grep -q -- "$opt" "$tmp/man.txt" || fail "netlab-$sub(1) does not list $opt"
  done
done
[ "$(ls "$mandir" | wc -l)" -eq "$pages" ] || fail "man pages beyond the subcommands: $(ls "$mandir")"

# ---- bash completion ----
completion=$root/usr/share/bash-completion/completions/netlab
bash -n "$completion" || fail "the bash completion does not parse"
mkdir -p "$tmp/run/lab-a" "$tmp/run/lab-b"
complete_words() {  # words of the command line, the last being completed -> COMPREPLY, one per line
  NETLAB_RUN_DIR=$tmp/run bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
    _netlab 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
[ "$(complete_words netlab tr)" = trace ] || fail "completing 'netlab tr': $(complete_words netlab tr)"
[ "$(complete_words netlab trace --pas)" = --passive ] || fail "completing 'netlab trace --pas'"
[ "$(complete_words netlab status lab-)" = $'lab-a\nlab-b' ] || fail "completing 'netlab status lab-': $(complete_words netlab status lab-)"
[ "$(complete_words netlab status --json lab-)" = $'lab-a\nlab-b' ] || fail "a flag (status --json) taken as wanting a value"
[ -z "$(complete_words netlab generate-d)" ] || fail "the hidden generate-docs is offered"

# ---- lintian: no tag, down to info, but the overrides packaging/lintian-overrides explains ----
# (an override that no longer matches, e.g. once the compiler lays the strings out
# differently, is only reported: unused-override)
lintian --no-cfg --display-info "$deb" > "$tmp/lintian" 2>&1 || { cat "$tmp/lintian" >&2; fail "lintian failed"; }
if grep -E '^[EWI]: ' "$tmp/lintian" | grep -vE '^I: netlab: unused-override ' > "$tmp/tags"; then
  cat "$tmp/tags" >&2
  fail "lintian reports tags: fix them or override and explain them (docs/packaging.md)"
fi
echo "package ok: ${deb##*/}, $(du -k "$deb" | cut -f1) KiB, $pages man pages"
