#!/usr/bin/env bash
# `up` after a one-guest change in an N-guest lab (default 1000): builds the lab
# of gen-topology.sh in the sandbox, then, ROUNDS times (default 7), times `up`
# of the file with the last guest removed, of the file with it back, and of the
# file with its address changed (then back: not timed); then once `up` of the
# unchanged file. Prints, for each case, the median and the least wall time,
# the median CPU time and the number of steps. Run as root, under the
# integration lock (flock /tmp/netlab-integration.lock ...); takes the lab down
# at the end.
#
#   converge-up.sh NETLAB [N] [ROUNDS]
set -euo pipefail
netlab=${1:?usage: converge-up.sh NETLAB [N] [ROUNDS]}
n=${2:-1000}
rounds=${3:-7}
lab=cvb
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap '"$netlab" down $lab >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$here/gen-topology.sh" "$n" $lab >"$dir/full.yaml"
head -n -1 "$dir/full.yaml" >"$dir/minus.yaml"   # the last guest is the last line
grep -q "^  g$n:" "$dir/full.yaml" && ! grep -q "^  g$n:" "$dir/minus.yaml"
# The last guest at 10.77.254.1, an address gen-topology.sh gives nobody (it gives 10.77.4.x at most).
sed '$ s|address: [0-9./]*|address: 10.77.254.1/16|' "$dir/full.yaml" >"$dir/moved.yaml"
grep -q "^  g$n: .*10.77.254.1/16" "$dir/moved.yaml"
cp "$dir/full.yaml" "$dir/lab.yaml"
"$netlab" up "$dir/lab.yaml" --sandbox >/dev/null

run() {  # case file: appends "wall cpu steps" to $dir/case.times
  cp "$2" "$dir/lab.yaml"
  local wall user sys steps
  # Wall time, and the CPU time netlab itself used (user + system): on a shared
  # machine the wall time also holds the wait for a CPU.
  { TIMEFORMAT='%R %U %S'; time "$netlab" up "$dir/lab.yaml" --sandbox -v >"$dir/out"; } 2>"$dir/time"
  read -r wall user sys < <(tail -n 1 "$dir/time")  # after anything netlab said on stderr
  steps=$(grep -c '^  [a-z]' "$dir/out" || true)
  echo "$wall $(echo "$user + $sys" | bc) $steps" >>"$dir/$1.times"
}
report() {  # case label
  local wall cpu
  wall=$(cut -d' ' -f1 "$dir/$1.times" | sort -n)
  cpu=$(cut -d' ' -f2 "$dir/$1.times" | sort -n)
  median() { awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  printf '%-28s %6.3f s wall (least %5.3f)  %6.3f s CPU  %4d steps\n' "$2" "$(median <<<"$wall")" \
    "$(head -n 1 <<<"$wall")" "$(median <<<"$cpu")" "$(cut -d' ' -f3 "$dir/$1.times" | sort -n | tail -n 1)"
}
for _ in $(seq 1 "$rounds"); do
  run remove "$dir/minus.yaml"
  run add "$dir/full.yaml"
  run move "$dir/moved.yaml"
  run back "$dir/full.yaml"
done
run unchanged "$dir/full.yaml"
echo "N=$n guests, $rounds rounds (median of each case; unchanged: one run)"
report remove "remove one guest"
report add "add it back"
report move "change its address"
report unchanged "unchanged (nothing to do)"
