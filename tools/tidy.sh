#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy (every warning is an error) on C++ sources.
#
#   tools/tidy.sh              # what changed: the files touched by the commits of the 24 hours
#                              # before HEAD's, plus uncommitted ones (CI: one push's files)
#   tools/tidy.sh --all        # every source file (~15 min on 2 cores)
#   tools/tidy.sh FILE...      # these files
#
# A changed header is checked through its own .cpp (or _test.cpp). The compile commands come from
# a non-unity configure in build/tidy (configure only: nothing is built).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=changed
files=()
for arg in "$@"; do
  case "$arg" in
    --all) mode=all ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "tidy: unknown option $arg" >&2; exit 2 ;;
    *) mode=given; files+=("$arg") ;;
  esac
done

build=build/tidy
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_UNITY_BUILD=OFF \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DFINDME_BENCH=ON >/dev/null
mapfile -t known < <(grep -o '"file": "[^"]*"' "$build/compile_commands.json" |
  sed -e 's/^"file": "//' -e 's/"$//' -e "s|^$PWD/||" | sort -u)

changed_files() {
  local head_time base
  head_time=$(git log -1 --format=%ct HEAD)
  base=$(git rev-list -1 --before="$((head_time - 86400))" HEAD || true)
  {
    if [ -n "$base" ]; then git diff --name-only "$base" --; else git ls-files; fi
    git ls-files --others --exclude-standard
  } | grep -E '\.(cpp|h)$' | sort -u
}

# The translation units that check `file`: itself, or for a header its .cpp / _test.cpp.
units_of() {
  local file=$1 stem
  case "$file" in
    *.cpp) echo "$file" ;;
    *.h)
      stem=${file%.h}
      [ -f "$stem.cpp" ] && echo "$stem.cpp"
      [ -f "${stem}_test.cpp" ] && echo "${stem}_test.cpp"
      ;;
  esac
  return 0
}

case "$mode" in
  all) candidates=("${known[@]}") ;;
  changed) mapfile -t candidates < <(changed_files) ;;
  given) candidates=("${files[@]}") ;;
esac

declare -A in_db=()
for f in "${known[@]}"; do in_db[$f]=1; done
units=()
for f in "${candidates[@]}"; do
  [ -f "$f" ] || continue
  while read -r u; do
    [ -n "$u" ] && [ -n "${in_db[$u]-}" ] && units+=("$u")
  done < <(units_of "$f")
done
mapfile -t units < <(printf '%s\n' "${units[@]}" | sort -u | sed '/^$/d')
if [ ${#units[@]} -eq 0 ]; then
  echo "tidy: no changed C++ file to check"
  exit 0
fi

echo "tidy: checking ${#units[@]} files"
# GCC's warning flags are unknown to clang; Boost 1.74 does not detect clang 14's C++20
# coroutines by itself.
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -I{} clang-tidy -p "$build" --quiet \
    --extra-arg=-Wno-unknown-warning-option \
    --extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 --extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 {} ||
  {
    echo "tidy: findings above (fix them, or explain a deliberate exception with NOLINT)" >&2
    exit 1
  }
echo "tidy: ${#units[@]} files clean"
