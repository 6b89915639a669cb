#!/usr/bin/env bash
# The quick check while working: builds one preset and runs its unit tests (CTest label `unit`:
# every module's tests and the fuzz corpora replays; no server process, no database, no browser).
# About a minute after a small change; tools/test.sh runs everything CI runs.
#
#   tools/check.sh             # release preset
#   tools/check.sh dev         # ASan + UBSan
#   tools/check.sh dev -R Photos   # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

preset=release
if [[ $# -gt 0 && $1 != -* ]]; then
  preset=$1
  shift
fi
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)" -L unit "$@"
