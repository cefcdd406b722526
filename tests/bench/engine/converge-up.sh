#!/usr/bin/env bash
# `up` after a one-guest change in an N-guest lab (default 1000): builds the lab
# of gen-topology.sh in the sandbox, then times `up` of the file with the last
# guest removed, of the file with it back, of the file with its address changed,
# and of the unchanged file, printing
# each run's wall time, CPU time and number of steps. Run as root, under the integration
# lock (flock /tmp/netlab-integration.lock ...); takes the lab down at the end.
#
#   converge-up.sh NETLAB [N]
set -euo pipefail
netlab=${1:?usage: converge-up.sh NETLAB [N]}
n=${2:-1000}
lab=cvb
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap '"$netlab" down $lab >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$here/gen-topology.sh" "$n" $lab >"$dir/full.yaml"
head -n -1 "$dir/full.yaml" >"$dir/minus.yaml"   # the last guest is the last line
grep -q "^  g$n:" "$dir/full.yaml" && ! grep -q "^  g$n:" "$dir/minus.yaml"
# The last guest at 10.77.254.1, an address gen-topology.sh gives nobody (N <= 62000).
sed '$ s|address: [0-9./]*|address: 10.77.254.1/16|' "$dir/full.yaml" >"$dir/moved.yaml"
grep -q "^  g$n: .*10.77.254.1/16" "$dir/moved.yaml"
cp "$dir/full.yaml" "$dir/lab.yaml"
"$netlab" up "$dir/lab.yaml" --sandbox >/dev/null

run() {  # label file
  cp "$2" "$dir/lab.yaml"
  local wall user sys steps
  # Wall time, and the CPU time netlab itself used (user + system): on a shared
  # machine the wall time also holds the wait for a CPU.
  { TIMEFORMAT='%R %U %S'; time "$netlab" up "$dir/lab.yaml" --sandbox -v >"$dir/out"; } 2>"$dir/time"
  read -r wall user sys < <(tail -n 1 "$dir/time")  # after anything netlab said on stderr
  steps=$(grep -c '^  [a-z]' "$dir/out" || true)
  printf '%-28s %6.3f s wall  %6.3f s CPU  %4d steps\n' "$1" "$wall" "$(echo "$user + $sys" | bc)" "$steps"
}
echo "N=$n guests"
run "remove one guest" "$dir/minus.yaml"
run "add it back" "$dir/full.yaml"
run "change its address" "$dir/moved.yaml"
run "unchanged (nothing to do)" "$dir/moved.yaml"
