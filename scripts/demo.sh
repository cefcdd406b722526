#!/usr/bin/env bash
# The main job: builds the NAT lab of topologies/nat.yaml inside the sandbox
# (namespaces nat-host, nat-wan, nat-g1, nat-g2; nothing changes on this host),
# shows its status with the DHCP leases, pings out through the NAT, traces the
# ping hop by hop, draws the lab, and tears everything down again.
# Needs root (namespaces). Usage: sudo scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh netlab >/dev/null  # only the binary it runs, not the tests
netlab=build/netlab/cli/netlab
lab=nat

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cleanup() { "$netlab" down "$lab" >/dev/null 2>&1 || true; }
trap cleanup EXIT

step "validate the ready topologies"
"$netlab" validate topologies/*.yaml

step "netlab up topologies/nat.yaml --sandbox"
"$netlab" up topologies/nat.yaml --sandbox

step "netlab status $lab"
"$netlab" status "$lab"

step "netlab exec $lab g1 -- ping -c 3 198.51.100.1   (a 'remote server' behind the simulated WAN)"
"$netlab" exec "$lab" g1 -- ping -c 3 -i 0.2 198.51.100.1

if "$netlab" trace --help >/dev/null 2>&1 && "$netlab" trace --help | grep -q -- '--from'; then
  step "netlab trace $lab --from g1 --to 198.51.100.1"
  "$netlab" trace "$lab" --from g1 --to 198.51.100.1
fi

step "netlab graph $lab -o build/nat.svg"
"$netlab" graph "$lab" -o build/nat.svg && echo "wrote build/nat.svg"

step "netlab down $lab"
trap - EXIT
"$netlab" down "$lab"
left=$(ip netns list | grep -c "^$lab-" || true)
echo "namespaces of $lab left: $left"
[ "$left" -eq 0 ]
