#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with ctest.
# Unit tests need nothing; integration tests (label "integration") need root and run
# only inside namespaces they create themselves. The long soak (label "soak") is
# left out unless ctest arguments are given (scripts/soak.sh runs it); its short
# version runs with the integration tests. Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
if [ $# -eq 0 ]; then set -- -LE '^soak$'; fi
exec ctest --output-on-failure --timeout 600 "$@"
