#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the release build, the ASan+UBSan build, then a
# short run of every fuzzing harness (clang).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh release dev
tools/check_layers.sh
tools/check_format.sh
echo "test: release build"
ctest --preset release -j2
echo "test: ASan + UBSan build"
ctest --preset dev -j2
echo "test: fuzzing, a short run of every harness (long runs: docs/reliability.md)"
tools/fuzz.sh --seconds 10
