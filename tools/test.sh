#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the checks (layers, format, clang-tidy on what
# changed), the release build, the ASan+UBSan build, the clang build with -Wthread-safety and TSan
# on the concurrent tests, then a short run of every fuzzing harness (clang). Prints each stage's
# duration and the total, so CI's log shows where its time goes (budget: 45 minutes on an idle
# 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
stage_name=""
stage_started=$SECONDS
durations=()

# stage NAME: ends the running stage (printing its duration) and starts NAME.
stage() {
  end_stage
  stage_name=$1
  stage_started=$SECONDS
  echo "test: ── $stage_name"
}
end_stage() {
  if [ -n "$stage_name" ]; then
    local took=$((SECONDS - stage_started))
    durations+=("$(printf '%-40s %4d:%02d' "$stage_name" $((took / 60)) $((took % 60)))")
    echo "test: ── $stage_name took $((took / 60)) min $((took % 60)) s"
  fi
  stage_name=""
}
summary() {
  local status=$?
  end_stage
  echo "test: stage durations (min:s)"
  printf '  %s\n' "${durations[@]}"
  local total=$((SECONDS - started))
  echo "test: total $((total / 60)) min $((total % 60)) s ($([ $status -eq 0 ] && echo passed || echo FAILED))"
}
trap summary EXIT

stage "setup: packages and models"
tools/setup.sh --no-build
stage "checks: layers, format, tidy"
tools/check_layers.sh
tools/check_format.sh
tools/tidy.sh
stage "build: release"
tools/setup.sh --build-only release
stage "tests: release"
ctest --preset release -j2
stage "build: ASan + UBSan"
tools/setup.sh --build-only dev
stage "tests: ASan + UBSan"
ctest --preset dev -j2
stage "threads: clang -Wthread-safety + TSan"
tools/threads.sh
stage "fuzzing: 10 s per harness"
tools/fuzz.sh --seconds 10
