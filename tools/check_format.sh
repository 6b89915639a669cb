#!/usr/bin/env bash
# Fails when a C++ file under src/, bench/, tests/ or fuzz/ is not clang-formatted (.clang-format:
# Google style, 100 columns), or the web app's JavaScript (web/js, tests/web) is not
# prettier-formatted (.prettierrc.json; prettier from npm, installed by tools/setup.sh).
#   tools/check_format.sh          # check (CI)
#   tools/check_format.sh --fix    # format them in place
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- 'src/*.h' 'src/*.cpp' 'bench/*.cpp' 'tests/*.h' 'tests/*.cpp' 'fuzz/*.cpp')
mapfile -t scripts < <(git ls-files --cached --others --exclude-standard -- 'web/js/*.js' 'tests/web/*.js')
prettier=tools/web/node_modules/.bin/prettier
if [ ! -x "$prettier" ]; then
  echo "format: $prettier is missing; run tools/setup.sh --no-build" >&2
  exit 1
fi
if [ "${1-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  "$prettier" --log-level warn --write "${scripts[@]}"
  echo "format: ${#files[@]} C++ and ${#scripts[@]} JavaScript files formatted"
  exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
"$prettier" --log-level warn --check "${scripts[@]}"
echo "format: ${#files[@]} C++ and ${#scripts[@]} JavaScript files clean"
