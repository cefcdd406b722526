#!/usr/bin/env bash
# Regenerates graphs/examples/ from topologies/ with the built netlab:
#   nat.svg/.png, bridged.svg/.png, isolated.svg/.png   `netlab graph FILE --sandbox`
#   nat-trace.svg/.png/.html                             an EXAMPLE traced NAT path
#                                                        (graphs/examples/nat-trace.json,
#                                                        written by hand, not captured)
# Usage: scripts/render-examples.sh [BUILD_DIR]   (default: build; builds the two
# targets it needs). Output is deterministic: re-running changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -d "$build" ]; then
  cmake -S . -B "$build" -G Ninja >/dev/null
fi
ninja -C "$build" netlab netlab-render-path >/dev/null
netlab="$build/netlab/cli/netlab"
render_path="$build/graphs/netlab-render-path"
out=graphs/examples
mkdir -p "$out"

for lab in nat bridged isolated; do
  for ext in svg png; do
    "$netlab" graph "topologies/$lab.yaml" --sandbox -o "$out/$lab.$ext"
  done
  echo "render-examples: $out/$lab.svg $out/$lab.png"
done

for ext in svg png html; do
  "$render_path" topologies/nat.yaml "$out/nat-trace.json" --sandbox -o "$out/nat-trace.$ext" \
    --note "Example path: graphs/examples/nat-trace.json was written by hand to show the figure; it was not captured from a running lab."
done
echo "render-examples: $out/nat-trace.svg $out/nat-trace.png $out/nat-trace.html"
