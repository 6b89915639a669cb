#!/usr/bin/env bash
# Prints the figures of docs/accuracy.md: builds the accuracy suite in a release build directory
# and runs its verification and robustness tests, which print the TAR/FAR sweep over both pair
# sets, the pairs nearest the threshold, and the distance of each transformed copy.
#
# Usage: tools/accuracy/report.sh [BUILD_DIR]     (default: build/accuracy)
# Needs the models (tools/fetch_models.sh) and ../shared/testdata/faces. Takes ~1-2 minutes.
# The tests assert at domain::kDefaultMatchThreshold; the tables print whatever they assert.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/accuracy}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -g -DNDEBUG" >/dev/null
cmake --build "$build" --target findme_accuracy_tests -j2 >/dev/null
# gtest's own progress lines are dropped; a failing assertion still shows, and sets the status.
status=0
"$build/tests/findme_accuracy_tests" --gtest_filter='VerificationAccuracyTest.*:RobustnessAccuracyTest.*' \
  >"$build/accuracy_report.txt" 2>&1 || status=$?
grep -v -e '^\[ *\(RUN\|OK\) *\]' -e '^\[-*\]' "$build/accuracy_report.txt"
exit $status
