#!/usr/bin/env bash
# Configures and builds netlab into ./build (Release with debug info).
#   scripts/build.sh            everything: the netlab binary, every test and benchmark
#   scripts/build.sh TARGET...  only those ninja targets and what they need (the demo: netlab)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build "$@"
