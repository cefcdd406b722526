#!/usr/bin/env bash
# Disk formats for KVM guests, measured: what a VM's disk costs when it is a raw
# file, a thin qcow2 overlay on a base image (netlab's `provisioning: thin`), or
# a qcow2 with preallocation=metadata / preallocation=full. Prints one table
# (MB/s for 1 MiB sequential I/O, IOPS for 4 KiB I/O); never asserts anything.
#
# On the host, `qemu-img bench` (QEMU's block layer, as a VM uses it; O_DIRECT
# with -t none, so the page cache does not answer): sequential read and write
# of 1 MiB blocks, and 4 KiB reads and writes scattered over the disk —
# qemu-img bench has no random mode, so each 4 KiB request is 257 x 4 KiB past
# the last one, wrapping at the end (no two neighbours, no readahead help).
# Reads come first, on the fresh disks: a thin overlay then reads through to
# its base image; writes follow (a thin overlay allocates a cluster per write).
#
# With --guest LAB (a running lab, e.g. `netlab up topologies/kvm.yaml --sandbox`),
# also inside each of its VMs with fio (netlab-test carries it), run through
# `netlab exec`: the same four figures on a 64 MiB file in the VM's root file
# system, O_DIRECT (--direct=1, libaio, queue depth 16, 10 s each), so the guest's
# page cache does not answer and each request goes through the virtual disk to the
# host file. Under TCG the guest's figures say more about the emulated CPU than
# about the disk; the gap between the VMs' disks is what to read.
#
# Usage: bench-disk.sh [--size MIB] [--dir DIR] [--guest LAB]   (root only for --guest)
set -euo pipefail

SIZE=512
DIR=/var/tmp
GUEST_LAB=
while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --guest) GUEST_LAB=$2; shift 2 ;;
    *) echo "usage: bench-disk.sh [--size MIB] [--dir DIR] [--guest LAB]" >&2; exit 2 ;;
  esac
done
NETLAB=${NETLAB:-$(dirname "$0")/../build/netlab/cli/netlab}
W=$(mktemp -d "$DIR/netlab-bench-disk.XXXXXX")
trap 'rm -rf "$W"' EXIT

# ---- the disks --------------------------------------------------------------------------------------
# base.raw plays the image: every block written (qemu-img bench's pattern), never benchmarked itself.
qemu-img create -q -f raw "$W/base.raw" "${SIZE}M"
qemu-img bench -w -f raw -t none -n -s 1M -c "$SIZE" "$W/base.raw" > /dev/null
cp --sparse=never "$W/base.raw" "$W/raw.raw"                               # thick: a full raw copy
qemu-img create -q -f qcow2 -F raw -b "$W/base.raw" "$W/thin.qcow2"        # thin: overlay on the image
qemu-img create -q -f qcow2 -o preallocation=metadata "$W/meta.qcow2" "${SIZE}M"
qemu-img create -q -f qcow2 -o preallocation=full "$W/full.qcow2" "${SIZE}M"
sync  # the copy's dirty pages would otherwise be written back during the first O_DIRECT read

# qemu-img bench prints "Run completed in S seconds."; one figure from it.
run() {  # file format count bufsize step write? -> seconds
  local file=$1 fmt=$2 count=$3 buf=$4 step=$5 w=$6 args=()
  [ "$w" = 1 ] && args+=(-w)
  [ "$step" != 0 ] && args+=(-S "$step")
  qemu-img bench "${args[@]}" -f "$fmt" -t none -n -d 16 -s "$buf" -c "$count" "$file" |
    sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p'
}
fmt_mbs() { awk -v b="$1" -v s="$2" 'BEGIN{printf "%.0f", b/1048576/s}'; }
fmt_iops() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.0f", n/s}'; }

N4K=$((SIZE * 32))  # as many 4 KiB requests as 1/8 of the disk
STEP=$((257 * 4096))
echo "qemu-img bench, ${SIZE} MiB disks in $DIR, O_DIRECT (-t none), queue depth 16, $(date -u +%Y-%m-%d)"
printf '| %-34s | %8s | %8s | %9s | %9s | %10s |\n' disk "seq read" "seq write" "4k read" "4k write" allocated
printf '| %-34s | %8s | %8s | %9s | %9s | %10s |\n' "" "MB/s" "MB/s" IOPS IOPS "after"
echo "|---|--:|--:|--:|--:|--:|"
for v in "raw.raw raw raw (thick: a full copy)" "thin.qcow2 qcow2 qcow2 thin overlay on a raw base" \
         "meta.qcow2 qcow2 qcow2 preallocation=metadata" "full.qcow2 qcow2 qcow2 preallocation=full"; do
  set -- $v
  file=$W/$1 fmt=$2; shift 2; name=$*
  sr=$(run "$file" "$fmt" "$SIZE" 1M 0 0)
  rr=$(run "$file" "$fmt" "$N4K" 4k "$STEP" 0)
  sw=$(run "$file" "$fmt" "$SIZE" 1M 0 1)
  # A second copy of the thin overlay for the 4k writes, so they allocate as on a fresh VM disk.
  if [ "$fmt" = qcow2 ] && [ "${name#*thin}" != "$name" ]; then
    qemu-img create -q -f qcow2 -F raw -b "$W/base.raw" "$W/thin2.qcow2"; file=$W/thin2.qcow2
  fi
  rw=$(run "$file" "$fmt" "$N4K" 4k "$STEP" 1)
  alloc=$(du -m "$file" | cut -f1)
  printf '| %-34s | %8s | %8s | %9s | %9s | %7s MiB |\n' "$name" "$(fmt_mbs $((SIZE * 1048576)) "$sr")" \
    "$(fmt_mbs $((SIZE * 1048576)) "$sw")" "$(fmt_iops "$N4K" "$rr")" "$(fmt_iops "$N4K" "$rw")" "$alloc"
done

[ -n "$GUEST_LAB" ] || exit 0
echo
echo "inside the VMs of lab $GUEST_LAB (fio, 64 MiB file, O_DIRECT, libaio, queue depth 16, 10 s per figure)"
printf '| %-6s | %-20s | %8s | %8s | %9s | %9s |\n' VM disk "seq read" "seq write" "4k read" "4k write"
printf '| %-6s | %-20s | %8s | %8s | %9s | %9s |\n' "" "" "MB/s" "MB/s" IOPS IOPS
echo "|---|---|--:|--:|--:|--:|"
STATUS=$("$NETLAB" status "$GUEST_LAB" --json)
for vm in $(python3 -c 'import json,sys; print(" ".join(g["name"] for g in json.load(sys.stdin)["guests"] if g.get("vm")))' <<<"$STATUS"); do
  disk=$(python3 -c 'import json,sys; g=[g for g in json.load(sys.stdin)["guests"] if g["name"]==sys.argv[1]][0]; d=g["vm"]["disks"][0]; print(d["format"] + (" thin overlay" if d["backing"] else " thick"))' "$vm" <<<"$STATUS")
  # One fio run per figure; fio's JSON gives bandwidth (bytes/s) and IOPS of the direction it ran.
  guest_fio() {  # rw bs -> "bw_bytes iops"
    "$NETLAB" exec "$GUEST_LAB" "$vm" -- fio --name=bench --filename=/root/netlab-bench.fio --size=64M \
      --direct=1 --ioengine=libaio --iodepth=16 --rw="$1" --bs="$2" --runtime=10 --time_based \
      --output-format=json |
      python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; d=j["read"] if j["read"]["io_bytes"] else j["write"]; print(d["bw_bytes"], d["iops"])'
  }
  read -r sr _ < <(guest_fio read 1M)
  read -r sw _ < <(guest_fio write 1M)
  read -r _ rr < <(guest_fio randread 4k)
  read -r _ rw < <(guest_fio randwrite 4k)
  "$NETLAB" exec "$GUEST_LAB" "$vm" -- rm -f /root/netlab-bench.fio >/dev/null
  printf '| %-6s | %-20s | %8s | %8s | %9.0f | %9.0f |\n' "$vm" "$disk" "$(fmt_mbs "$sr" 1)" "$(fmt_mbs "$sw" 1)" "$rr" "$rw"
done
