#!/usr/bin/env bash
# Installs every Debian package that netlab's build, tests, benchmarks and demo need.
# Non-interactive and idempotent: packages already present are left alone, and
# nothing is started (service starts are denied while apt runs, so installing
# openvswitch-switch or libvirt-daemon-system does not start daemons on the host).
set -euo pipefail

BUILD=(build-essential cmake pkg-config ninja-build
       libnl-3-dev libnl-route-3-dev libnl-nf-3-dev libpcap-dev libnftables-dev libnftnl-dev libmnl-dev
       libgraphviz-dev libvirt-dev libyaml-cpp-dev libyaml-dev nlohmann-json3-dev libcli11-dev libfmt-dev
       libgtest-dev libgmock-dev googletest libbenchmark-dev
       libxml2-dev zlib1g-dev)
FUZZ=(clang libclang-rt-14-dev)
# The Debian package (scripts/package.sh) and its test: dpkg-shlibdeps, man -l, lintian.
PACKAGE=(dpkg-dev man-db lintian)
RUNTIME=(iproute2 iputils-ping nftables dnsmasq-base busybox-static e2fsprogs kmod fio tcpdump tshark conntrack ethtool procps
         openvswitch-switch ovn-central ovn-host qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients
         python3 python3-jsonschema python3-yaml libxml2-utils chromium hyperfine)

missing=()
for p in "${BUILD[@]}" "${FUZZ[@]}" "${PACKAGE[@]}" "${RUNTIME[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"

# Deny service starts during the install (invoke-rc.d honours policy-rc.d);
# remove the guard afterwards only if we created it.
guard=/usr/sbin/policy-rc.d
made_guard=0
if [ ! -e "$guard" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null
  $SUDO chmod +x "$guard"
  made_guard=1
fi
trap '[ $made_guard = 1 ] && $SUDO rm -f "$guard"' EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
