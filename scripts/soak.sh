#!/usr/bin/env bash
# The long soak (tests/soak/soak.sh, 20 rounds by default), as root, after a build:
# killed ups and downs collected by gc, concurrent labs, drift repaired.
#   usage: sudo scripts/soak.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec tests/soak/soak.sh build/netlab/cli/netlab "$PWD" "${1:-20}"
