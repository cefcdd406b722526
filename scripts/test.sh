#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with ctest.
# Unit tests need nothing; integration tests (label "integration") need root and run
# only inside namespaces they create themselves. Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
exec ctest --output-on-failure --timeout 600 "$@"
