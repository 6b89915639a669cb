#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the release build, then the ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh release dev
tools/check_layers.sh
tools/check_format.sh
echo "test: release build"
ctest --preset release -j2
echo "test: ASan + UBSan build"
ctest --preset dev -j2
