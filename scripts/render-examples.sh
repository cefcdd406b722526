#!/usr/bin/env bash
# Regenerates graphs/examples/ from topologies/ with the built netlab:
#   nat.svg/.png, bridged.svg/.png, isolated.svg/.png   `netlab graph FILE --sandbox`
#   nat-trace.svg/.png/.html                             a traced NAT ping: as root, a real
#                                                        `netlab trace` in the sandbox lab of
#                                                        topologies/nat.yaml (times and ids
#                                                        change from run to run); otherwise
#                                                        the hand-written example path
#                                                        graphs/examples/nat-trace.json
# Usage: scripts/render-examples.sh [BUILD_DIR]   (default: build; builds the two
# targets it needs). The lab figures are deterministic: re-running changes nothing.
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

if [ "$(id -u)" -eq 0 ]; then
  # A real trace: the NAT lab in the sandbox (namespaces nat-*), g1 pings the remote server.
  trap '"$netlab" down nat >/dev/null 2>&1 || true' EXIT
  "$netlab" up topologies/nat.yaml --sandbox >/dev/null
  "$netlab" trace nat --from g1 --to 198.51.100.1 \
    --svg "$out/nat-trace.svg" --png "$out/nat-trace.png" --html "$out/nat-trace.html" >/dev/null
  "$netlab" down nat >/dev/null
  trap - EXIT
  echo "render-examples: $out/nat-trace.svg $out/nat-trace.png $out/nat-trace.html (traced live)"
else
  for ext in svg png html; do
    "$render_path" topologies/nat.yaml "$out/nat-trace.json" --sandbox -o "$out/nat-trace.$ext" \
      --note "Example path: graphs/examples/nat-trace.json was written by hand to show the figure; it was not captured from a running lab."
  done
  echo "render-examples: $out/nat-trace.svg $out/nat-trace.png $out/nat-trace.html (hand-written example path)"
fi
