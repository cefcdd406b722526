#!/usr/bin/env bash
# `up` after a one-guest change in an N-guest lab (default 1000): builds the lab
# of gen-topology.sh in the sandbox, then times `up` of the file with the last
# guest removed, of the file with it back, and of the unchanged file, printing
# each run's wall time and number of steps. Run as root, under the integration
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
cp "$dir/full.yaml" "$dir/lab.yaml"
"$netlab" up "$dir/lab.yaml" --sandbox >/dev/null

run() {  # label file
  cp "$2" "$dir/lab.yaml"
  local start end out steps
  start=$(date +%s.%N)
  out=$("$netlab" up "$dir/lab.yaml" --sandbox -v)
  end=$(date +%s.%N)
  steps=$(grep -c '^  [a-z]' <<<"$out" || true)
  printf '%-28s %6.3f s  %4d steps\n' "$1" "$(echo "$end - $start" | bc)" "$steps"
}
echo "N=$n guests"
run "remove one guest" "$dir/minus.yaml"
run "add it back" "$dir/full.yaml"
run "unchanged (nothing to do)" "$dir/full.yaml"
