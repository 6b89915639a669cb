#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, clang with ASan + UBSan) and runs each for a while.
#
#   tools/fuzz.sh                  # every harness, 20 s each (CI: tools/test.sh, 10 s each)
#   tools/fuzz.sh --seconds 3600 --jobs 2 api image   # long runs of some (docs/reliability.md)
#
# Each harness starts from its seed corpus in fuzz/corpus/NAME (kept in the repository, never
# written to) and keeps what it finds in build/fuzz/corpus/NAME between runs. A finding stops
# the run with a non-zero exit and leaves the input as build/fuzz/findings/NAME/crash-* (or
# leak-*, timeout-*, oom-*): reproduce it with `build/fuzz/fuzz/findme_NAME_fuzzer FILE`, fix it,
# and add the file to fuzz/corpus/NAME so it stays fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
jobs=1
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [[ ${#names[@]} -eq 0 ]]; then
  names=(multipart url tfjs_weights tfjs_graph image api sigv4 aws_input)
fi

cmake --preset fuzz >/dev/null
targets=()
for name in "${names[@]}"; do
  [[ -d "fuzz/corpus/$name" ]] || { echo "fuzz: no harness named $name" >&2; exit 2; }
  targets+=("findme_${name}_fuzzer")
done
cmake --build build/fuzz -j2 --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp"  # third-party leaks, each explained there
status=0
for name in "${names[@]}"; do
  corpus="build/fuzz/corpus/$name"
  findings="build/fuzz/findings/$name"
  mkdir -p "$corpus" "$findings"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -print_final_stats=1 -artifact_prefix="$findings/")
  [[ -f "fuzz/dict/$name.dict" ]] && args+=(-dict="fuzz/dict/$name.dict")
  if [[ "$jobs" -gt 1 ]]; then
    args+=(-fork="$jobs")
  fi
  echo "fuzz: $name for ${seconds} s"
  log="$findings/last-run.log"
  if ! "build/fuzz/fuzz/findme_${name}_fuzzer" "${args[@]}" "$corpus" "fuzz/corpus/$name" \
      >"$log" 2>&1; then
    echo "fuzz: $name FOUND A PROBLEM; the input is in $findings/, the log is $log:" >&2
    grep -E "ERROR|SUMMARY|#[0-9]+ 0x.* in findme" "$log" | head -20 >&2 || tail -30 "$log" >&2
    status=1
    continue
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
  echo "fuzz: $name ok: $runs executions, $(ls "$corpus" | wc -l) corpus inputs"
done
exit "$status"
