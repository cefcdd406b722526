#!/usr/bin/env bash
# VM boot to DHCP lease, in the sandbox (root; run it under the integration lock,
# it uses the fixed lab names vmbench1 and vmbench2). Prints figures, asserts none.
#
# 1. One VM: `netlab up` of a one-VM lab (namespaces, bridge, dnsmasq, the private
#    libvirtd, the VM's thin disk, define + start, until dnsmasq has leased the VM)
#    against the same domain XML (the copy `up` defined it from) defined and started
#    with virsh on the same private libvirtd, after the same qemu-img overlay, until
#    the guest prints its lease on the serial console. Runs alternate; medians and
#    their ratio (netlab / virsh) are printed.
# 2. Two VMs started in parallel by one `netlab up`, and the RSS of each QEMU.
# Usage: boot_to_lease.sh NETLAB [ROUNDS]   (ROUNDS per side, default 5)
set -u
N=${1:?usage: boot_to_lease.sh NETLAB [ROUNDS]}
ROUNDS=${2:-5}
TMP=$(mktemp -d /tmp/netlab-vm-bench.XXXXXX)
cleanup() {
  for lab in vmbench1 vmbench2; do "$N" down $lab >/dev/null 2>&1; done
  rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
# Waits up to 300 s (as `up` waits for a lease) for the command after it to succeed.
wait_for() {
  local end=$(($(date +%s) + 300))
  while [ "$(date +%s)" -lt $end ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

cat > "$TMP/one.yaml" <<'EOF'
name: vmbench1
networks:
  net: {mode: nat, subnet: 192.168.153.0/24, dhcp: {range: 192.168.153.100-192.168.153.199}}
guests:
  vm: {kind: kvm, disk: {image: netlab-test}, nics: [{network: net, mac: "52:54:00:15:30:01"}]}
EOF
RUN=/run/netlab/vmbench1
SOCK="qemu+unix:///system?socket=$RUN/libvirt/run/libvirt-sock"
DOM=netlab-vmbench1-vm
"$N" up "$TMP/one.yaml" --sandbox > /dev/null || { echo "netlab up failed"; exit 1; }  # warms the caches
cp "$RUN/vms/vm.xml" "$TMP/vm.xml"
BASE=$(qemu-img info -U --output=json "$RUN/vms/vm.qcow2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backing-filename"])')

NL=() VS=()
for i in $(seq "$ROUNDS"); do
  "$N" down vmbench1 > /dev/null
  t=$(now); "$N" up "$TMP/one.yaml" --sandbox > /dev/null || { echo "netlab up failed"; exit 1; }; NL+=("$(since "$t")")
  # The baseline on what netlab built: its domain removed, the same XML and a fresh overlay by hand.
  virsh -q -c "$SOCK" destroy $DOM > /dev/null 2>&1; virsh -q -c "$SOCK" undefine $DOM > /dev/null
  # The console log starts empty for this boot: libvirt appends to it or truncates it
  # (seen both on the same libvirt), so a lease line in it can only be this boot's.
  rm -f "$RUN/vms/vm.console.log"
  t=$(now)
  qemu-img create -q -f qcow2 -F raw -b "$BASE" "$RUN/vms/vm.qcow2"
  virsh -q -c "$SOCK" define "$TMP/vm.xml" > /dev/null && virsh -q -c "$SOCK" start $DOM > /dev/null || { echo "virsh failed"; exit 1; }
  wait_for grep -aq 'netlab: lease' "$RUN/vms/vm.console.log" || { echo "no lease by virsh"; exit 1; }
  VS+=("$(since "$t")")
  echo "round $i: netlab up ${NL[-1]} s, virsh define+start ${VS[-1]} s"
done
mn=$(echo "${NL[*]}" | median); mv=$(echo "${VS[*]}" | median)
echo "one VM, boot to lease, median of $ROUNDS: netlab up $mn s, virsh define+start $mv s, ratio $(awk -v a="$mn" -v b="$mv" 'BEGIN{printf "%.2f", a/b}')"
"$N" down vmbench1 > /dev/null

sed -e 's/vmbench1/vmbench2/' -e 's/153/154/g' -e 's/15:30:01/15:40:01/' "$TMP/one.yaml" > "$TMP/two.yaml"
echo '  vm2: {kind: kvm, disk: {image: netlab-test}, nics: [{network: net, mac: "52:54:00:15:40:02"}]}' >> "$TMP/two.yaml"
t=$(now); "$N" up "$TMP/two.yaml" --sandbox > /dev/null || { echo "netlab up of two VMs failed"; exit 1; }
echo "two VMs in parallel, netlab up to both leases: $(since "$t") s"
for f in /run/netlab/vmbench2/libvirt/run/qemu/netlab-*.pid; do
  echo "RSS of $(basename "$f" .pid): $(awk '/VmRSS/{printf "%.0f MiB", $2/1024}' /proc/"$(cat "$f")"/status)"
done
echo "accelerator: $("$N" status vmbench2 --json | python3 -c 'import json,sys; print([g for g in json.load(sys.stdin)["guests"] if g.get("vm")][0]["vm"]["accelerator"])')"
