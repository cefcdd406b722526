#!/usr/bin/env bash
# Builds `netlab-test`, the small guest a topology names with `image: netlab-test`:
#   vmlinuz     Debian's kernel (linux-image-amd64), booted directly by qemu
#   initrd.img  busybox + the modules needed to reach the root disk and the NICs
#               (the Debian kernel has virtio, ext4, e1000 as modules)
#   disk.raw    an ext4 root made without mounting anything (mkfs.ext4 -d): busybox,
#               qemu-guest-agent (answers `netlab exec`), fio (for bench-disk.sh --guest)
#               and an init that brings up every NIC by DHCP (udhcpc) and offers a
#               root shell on the serial console
# Output: $NETLAB_CACHE/images/netlab-test-<hash of this script>/, and the symlink
# $NETLAB_CACHE/images/netlab-test pointing at it (what netlab reads). Built once per
# version of this script. Older builds stay (a running lab's thin disks may still be
# backed by one); remove them by hand when no lab uses them.
# NETLAB_CACHE defaults to /var/cache/netlab. Needs root (dpkg -x keeps ownership),
# network access to the Debian mirror the first time (kernel package ~70 MB), and the
# packages scripts/install-deps.sh lists (busybox-static, e2fsprogs, kmod, fio).
# Usage: make-guest-image.sh          build if needed, print the image directory
#        make-guest-image.sh --force  rebuild
set -euo pipefail

CACHE=${NETLAB_CACHE:-/var/cache/netlab}
IMAGES=$CACHE/images
DEBS=$CACHE/debs
HASH=$(sha256sum "$0" | cut -c1-16)
OUT=$IMAGES/netlab-test-$HASH
LINK=$IMAGES/netlab-test

if [ "${1:-}" != "--force" ] && [ -f "$OUT/complete" ]; then
  ln -sfn "netlab-test-$HASH" "$LINK.tmp" && mv -T "$LINK.tmp" "$LINK"
  echo "$OUT"
  exit 0
fi

mkdir -p "$IMAGES" "$DEBS"
WORK=$(mktemp -d "$IMAGES/.build-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- packages: the kernel and the guest agent, kept in $DEBS across builds -------------
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { echo "make-guest-image: apt knows no linux-image-amd64 (run apt-get update)" >&2; exit 1; }
for p in "$KPKG" qemu-guest-agent; do
  ls "$DEBS/${p}"_*.deb >/dev/null 2>&1 && continue
  # apt warns that the download runs unsandboxed as root when _apt cannot write here: harmless
  (cd "$DEBS" && apt-get download -q "$p" 2>&1 | grep -v 'unsandboxed' || true)
  ls "$DEBS/${p}"_*.deb >/dev/null 2>&1 || { echo "make-guest-image: cannot download $p" >&2; exit 1; }
done
dpkg -x "$(ls "$DEBS/${KPKG}"_*.deb | head -1)" "$WORK/kpkg"
dpkg -x "$(ls "$DEBS"/qemu-guest-agent_*.deb | head -1)" "$WORK/qga"
KV=$(ls "$WORK/kpkg/lib/modules")
STAGE=$WORK/out
mkdir -p "$STAGE"
cp "$WORK/kpkg/boot/vmlinuz-$KV" "$STAGE/vmlinuz"

# ---- initrd: load modules, mount the root disk, switch to it ------------------------------
# The .deb has no modules.dep: depmod builds it, modprobe --show-depends gives the order.
# crc32c-intel needs SSE4.2, which TCG's default CPU lacks; crc32c_generic serves ext4.
depmod -b "$WORK/kpkg" "$KV"
R=$WORK/initrd
mkdir -p "$R"/{bin,mod,proc,sys,dev,newroot}
cp /bin/busybox "$R/bin/busybox"
for m in crc32c_generic ext4 virtio_pci virtio_blk virtio_net virtio_console e1000 8139cp 8139too; do
  modprobe -d "$WORK/kpkg" -S "$KV" --show-depends "$m"
done | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' | grep -v crc32c-intel | while read -r f; do
  cp "$f" "$R/mod/"
  echo "${f##*/}" >> "$R/modules.order"
done
cat > "$R/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
# netlab's accelerator probe boots this kernel with netlab.probe: say so and stop.
if grep -q netlab.probe /proc/cmdline; then echo "NETLAB-PROBE-OK"; poweroff -f; fi
for m in $(cat /modules.order); do insmod /mod/$m 2>/dev/null || echo "netlab: insmod $m failed"; done
root=/dev/vda; mode=ro
for a in $(cat /proc/cmdline); do case $a in root=*) root=${a#root=};; rw) mode=rw;; esac; done
i=0; while [ ! -b "$root" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
mount -t ext4 -o $mode "$root" /newroot || { echo "netlab: cannot mount $root"; exec sh; }
umount /proc /sys; mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
EOF
chmod +x "$R/init"
(cd "$R" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > "$STAGE/initrd.img")

# ---- root filesystem ---------------------------------------------------------------------
RF=$WORK/rootfs
mkdir -p "$RF"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,var}
cp /bin/busybox "$RF/bin/busybox"
for a in $(/bin/busybox --list-full); do [ -e "$RF/$a" ] || ln -s /bin/busybox "$RF/$a"; done
rm -f "$RF/sbin/init"
cat > "$RF/etc/udhcpc.sh" <<'EOF'
#!/bin/sh
# udhcpc's hook: configure the NIC; the first NIC with a router gets the default route.
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface" 2>/dev/null
    echo "netlab: lease $interface $ip/$mask router=$router" > /dev/console ;;
esac
exit 0
EOF
# No udev: the agent's port is found by its name under /sys/class/virtio-ports.
cat > "$RF/sbin/init" <<'EOF'
#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc; mount -t sysfs sys /sys
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs dev /dev
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run
hostname "$(sed -n 's/.*netlab.hostname=\([^ ]*\).*/\1/p' /proc/cmdline)"
ip link set lo up
for d in /sys/class/net/*; do
  n=${d##*/}; [ "$n" = lo ] && continue
  ip link set "$n" up
  udhcpc -i "$n" -s /etc/udhcpc.sh -b -S -t 60 -T 1 -A 1 -x hostname:"$(hostname)" >/dev/null 2>&1
done
for d in /sys/class/virtio-ports/*; do
  [ "$(cat "$d/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] || continue
  /usr/sbin/qemu-ga -d -m virtio-serial -p "/dev/${d##*/}" -f /run/qemu-ga.pid -t /run
done
echo "netlab: ready"
while :; do setsid cttyhack sh -l; sleep 1; done
EOF
printf 'export PS1="$(hostname)# "\n' > "$RF/etc/profile"
echo 'root:x:0:0:root:/root:/bin/sh' > "$RF/etc/passwd"
echo 'root:x:0:' > "$RF/etc/group"
chmod +x "$RF/sbin/init" "$RF/etc/udhcpc.sh"
# qemu-ga and fio are dynamically linked: copy each with the libraries it needs from this
# host (qemu-ga ~6 MB; fio ~80 MB, most of it Ceph/Gluster client libraries fio links
# whether or not a job uses them). fio is there for scripts/bench-disk.sh --guest.
copy_with_libs() {  # binary destination-dir
  cp "$1" "$RF$2/"
  for l in $(ldd "$1" | grep -oE '/[^ ]+\.so[^ ]*'); do
    mkdir -p "$RF$(dirname "$l")"
    [ -e "$RF$l" ] || cp -L "$l" "$RF$l"
  done
}
command -v fio >/dev/null || { echo "make-guest-image: fio is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
copy_with_libs "$WORK/qga/usr/sbin/qemu-ga" /usr/sbin
copy_with_libs "$(command -v fio)" /usr/bin
# 256 MiB: the files above (~90 MB) and room for a benchmark's 64 MiB file. A thin disk
# stores only what the guest writes; a thick one is a full (preallocated) copy of this.
mkfs.ext4 -q -F -L netlab-root -d "$RF" "$STAGE/disk.raw" 256M 2>&1 | grep -v '^Creating regular file' || true
printf 'kernel %s\nscript %s\n' "$KV" "$HASH" > "$STAGE/manifest"
touch "$STAGE/complete"

rm -rf "$OUT"
mv "$STAGE" "$OUT"
ln -sfn "netlab-test-$HASH" "$LINK.tmp" && mv -T "$LINK.tmp" "$LINK"
echo "$OUT"
