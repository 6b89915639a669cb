#!/usr/bin/env bash
# Fails when a C++ file under src/, bench/, tests/ or fuzz/ is not clang-formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- 'src/*.h' 'src/*.cpp' 'bench/*.cpp' 'tests/*.h' 'tests/*.cpp' 'fuzz/*.cpp')
[ ${#files[@]} -gt 0 ] || exit 0
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files clean"
