#!/usr/bin/env bash
# `netlab export --libvirt` and `netlab import` end to end, without root:
#  - every topologies/*.yaml exported with -o; each document accepted by
#    virt-xml-validate (libvirt's RelaxNG schemas) and by libvirt's own parser
#    (virsh -c test:///default, the in-process test driver: net-define, define);
#  - stdout export has one separator line per document;
#  - the exported networks imported back pass `netlab validate`;
#  - libvirt's stock default network imports and validates;
#  - bad inputs exit 2 with the exact messages in tests/data/libvirt/bad-*.expected.
# Usage: cli_libvirt_test.sh NETLAB_BINARY SOURCE_DIR
set -u
NETLAB=$1
SRC=$2
TMP=$(mktemp -d /tmp/netlab-libvirt-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

have_validate=0; command -v virt-xml-validate >/dev/null && have_validate=1
have_virsh=0; command -v virsh >/dev/null && virsh -q -c test:///default list >/dev/null 2>&1 && have_virsh=1
[ $have_validate = 1 ] || echo "note: virt-xml-validate missing (libvirt-clients); schema checks skipped"
[ $have_virsh = 1 ] || echo "note: virsh test driver unusable; libvirt parser checks skipped"

cd "$SRC" || exit 1
for topo in topologies/*.yaml tests/data/libvirt/kvm-lab.yaml; do
  lab=$(basename "$topo" .yaml)
  out="$TMP/$lab"
  "$NETLAB" export "$topo" --libvirt -o "$out" > "$TMP/$lab.list" || { fail "export $topo exited $?"; continue; }
  n_files=$(ls "$out" | wc -l)
  [ "$n_files" -gt 0 ] || fail "export $topo wrote nothing"
  [ "$(wc -l < "$TMP/$lab.list")" = "$n_files" ] || fail "export $topo: listed paths differ from files written"

  # stdout form: the same documents, each after one separator comment.
  "$NETLAB" export "$topo" --libvirt > "$TMP/$lab.all" || fail "export $topo to stdout exited $?"
  [ "$(grep -c '^<!-- ==== .* ==== -->$' "$TMP/$lab.all")" = "$n_files" ] || fail "export $topo: separators"
  for f in "$out"/*.xml; do
    grep -qF "$(head -1 "$f")" "$TMP/$lab.all" || fail "stdout export of $topo lacks $(basename "$f")"
  done

  cmds=""
  for f in "$out"/*.network.xml; do
    [ $have_validate = 1 ] && { virt-xml-validate "$f" network >/dev/null 2>"$TMP/err" || fail "schema: $f: $(cat "$TMP/err")"; }
    cmds="$cmds net-define $f;"
  done
  for f in "$out"/*.domain.xml; do
    [ -e "$f" ] || continue
    [ $have_validate = 1 ] && { virt-xml-validate "$f" domain >/dev/null 2>"$TMP/err" || fail "schema: $f: $(cat "$TMP/err")"; }
    cmds="$cmds define $f;"
  done
  if [ $have_virsh = 1 ]; then
    # One session: the domains find their networks defined; starting the networks
    # exercises the test driver's checks too (nothing real is created).
    for f in "$out"/*.network.xml; do cmds="$cmds net-start $(basename "$f" .network.xml);"; done
    for f in "$out"/*.domain.xml; do [ -e "$f" ] && cmds="$cmds start $(basename "$f" .domain.xml);"; done
    virsh -q -c test:///default "$cmds" >"$TMP/virsh.out" 2>&1 || fail "virsh test driver refused $topo: $(cat "$TMP/virsh.out")"
  fi

  # Round trip: the networks back into a topology that validates.
  "$NETLAB" import "$out"/*.network.xml -o "$TMP/$lab.imported.yaml" 2>"$TMP/err" || fail "import of $lab: $(cat "$TMP/err")"
  "$NETLAB" validate "$TMP/$lab.imported.yaml" >/dev/null 2>"$TMP/err" || fail "imported $lab invalid: $(cat "$TMP/err")"
  grep -q "^name: $(sed -n 's/^name: //p' "$topo")\$" "$TMP/$lab.imported.yaml" || fail "imported $lab lost the lab name"
done

# A running lab: its copy of the topology in its run directory (NETLAB_RUN_DIR
# points at one made here, as netlab up leaves it).
export NETLAB_RUN_DIR="$TMP/run"
mkdir -p "$NETLAB_RUN_DIR/mix"
cp topologies/mixed.yaml "$NETLAB_RUN_DIR/mix/topology.yaml"
printf '{"lab": "mix", "sandbox": true, "phase": "ready"}\n' > "$NETLAB_RUN_DIR/mix/state.json"
"$NETLAB" export mix --libvirt > "$TMP/lab.all" || fail "export of running lab mix exited $?"
# The domain's disk and console log live in the lab's run directory: the file's
# export under the same run root says the same.
"$NETLAB" export topologies/mixed.yaml --libvirt > "$TMP/mixed.here.all" || fail "export of mixed.yaml exited $?"
cmp -s "$TMP/lab.all" "$TMP/mixed.here.all" || fail "export of lab mix differs from export of topologies/mixed.yaml"
"$NETLAB" export nosuchlab --libvirt >/dev/null 2>"$TMP/err"; [ $? = 2 ] || fail "unknown lab did not exit 2"
grep -q "no lab named 'nosuchlab'" "$TMP/err" || fail "unknown lab message: $(cat "$TMP/err")"
unset NETLAB_RUN_DIR

# libvirt's stock default network (the system copy when installed, else ours).
default_xml=/usr/share/libvirt/networks/default.xml
[ -f "$default_xml" ] || default_xml=tests/data/libvirt/default.xml
"$NETLAB" import "$default_xml" > "$TMP/default.yaml" || fail "import of $default_xml exited $?"
"$NETLAB" validate "$TMP/default.yaml" >/dev/null || fail "imported default network invalid"
grep -q "^    bridge: virbr0$" "$TMP/default.yaml" || fail "default network lost bridge virbr0"
grep -q "^      range: 192.168.122.2-192.168.122.254$" "$TMP/default.yaml" || fail "default network lost its range"

# Notes for what is not carried over, and the result still validates.
"$NETLAB" import tests/data/libvirt/rich.xml tests/data/libvirt/ovs-bridge.xml tests/data/libvirt/macvtap.xml \
  --name rich -o "$TMP/rich.yaml" || fail "import rich.xml exited $?"
"$NETLAB" validate "$TMP/rich.yaml" >/dev/null || fail "imported rich.xml invalid"
grep -q "# netlab import: ignored <uuid> (tests/data/libvirt/rich.xml:3)" "$TMP/rich.yaml" || fail "no note for <uuid>"

# Bad input: exit 2, exact message, nothing written.
for xml in tests/data/libvirt/bad-*.xml; do
  rm -f "$TMP/bad.yaml"
  "$NETLAB" import "$xml" -o "$TMP/bad.yaml" 2>"$TMP/err"
  rc=$?
  [ $rc = 2 ] || fail "import $xml exited $rc, expected 2"
  diff -u "${xml%.xml}.expected" "$TMP/err" || fail "import $xml: message differs"
  [ ! -e "$TMP/bad.yaml" ] || fail "import $xml wrote output"
done
# Two networks on one subnet: the combination is invalid, so nothing is written.
"$NETLAB" import tests/data/libvirt/default.xml tests/data/libvirt/default.xml -o "$TMP/dup.yaml" 2>"$TMP/err"
[ $? = 2 ] || fail "overlapping import did not exit 2"
grep -q "error: " "$TMP/err" || fail "overlapping import printed no error"
[ ! -e "$TMP/dup.yaml" ] || fail "overlapping import wrote output"
"$NETLAB" import "$TMP/missing.xml" 2>/dev/null; [ $? = 2 ] || fail "missing file did not exit 2"
"$NETLAB" export topologies/nat.yaml >/dev/null 2>&1; [ $? = 2 ] || fail "export without --libvirt did not exit 2"
"$NETLAB" export tests/data/invalid/$(ls tests/data/invalid | grep -m1 '\.yaml$') --libvirt >/dev/null 2>&1
[ $? = 2 ] || fail "export of an invalid topology did not exit 2"

if [ $fails -gt 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "ok: $(ls topologies/*.yaml | wc -l) topologies and kvm-lab.yaml exported, validated (schema=$have_validate, test driver=$have_virsh) and imported back"
