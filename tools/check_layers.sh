#!/usr/bin/env bash
# Fails when a source file includes a header of a module its module does not depend on, directly
# or through other modules: dependencies point down only, as declared in src/CMakeLists.txt.
set -euo pipefail
cd "$(dirname "$0")/../src"

declare -A deps=() test_deps=()
# One findme_module(...) call per line, even when it spans several lines in the file.
while read -r line; do
  line=${line#findme_module(}
  line=${line%)}
  read -r -a words <<<"$line"
  name=${words[0]}
  list=""
  tlist=""
  in_deps=0
  for w in "${words[@]:1}"; do
    case "$w" in
      DEPS) in_deps=1 ;;
      TEST_DEPS) in_deps=2 ;;
      TEST_PROPERTIES) in_deps=0 ;;  # property names and values, not modules
      *::*) ;;
      *) if [ $in_deps -eq 1 ]; then list+=" $w"; elif [ $in_deps -eq 2 ]; then tlist+=" $w"; fi ;;
    esac
  done
  deps[$name]=$list
  test_deps[$name]=$tlist
done < <(sed -e 's/#.*//' CMakeLists.txt | tr '\n' ' ' | grep -oE 'findme_module\([^)]*\)')

# Transitive closure of a module's dependencies (including itself).
closure() {
  local todo=("$1") seen=" " m
  while [ ${#todo[@]} -gt 0 ]; do
    m=${todo[0]}
    todo=("${todo[@]:1}")
    case "$seen" in *" $m "*) continue ;; esac
    seen+="$m "
    for d in ${deps[$m]-}; do todo+=("$d"); done
  done
  echo "$seen"
}

# The module that owns a path: the longest declared module name that prefixes its folder.
owner() {
  local dir=$1 best=""
  for m in "${!deps[@]}"; do
    if [ "$dir" = "$m" ] || [[ "$dir" == "$m"/* ]]; then
      [ ${#m} -gt ${#best} ] && best=$m
    fi
  done
  echo "$best"
}

status=0
while read -r file; do
  module=$(owner "$(dirname "$file")")
  [ -n "$module" ] || continue
  allowed=$(closure "$module")
  while read -r inc; do
    target=$(owner "$(dirname "$inc")")
    [ -n "$target" ] || continue
    case "$allowed" in
      *" $target "*) ;;
      *)
        # Tests and test helpers (test_*.h, a testing/ folder that is not a module) may use TEST_DEPS.
        if [[ "$file" == *_test.cpp || "$file" == */testing/* || "$file" == */test_*.h ]]; then
          allowed_in_tests=" "
          for d in ${test_deps[$module]-}; do allowed_in_tests+="$(closure "$d") "; done
          case "$allowed_in_tests" in *" $target "*) continue ;; esac
        fi
        echo "layers: $file includes $inc, but $module does not depend on $target" >&2
        status=1
        ;;
    esac
  done < <(grep -hoE '^#include "[^"]+"' "$file" | sed -E 's/#include "([^"]+)"/\1/')
done < <(find . -name '*.h' -o -name '*.cpp' | sed 's#^\./##')

[ $status -eq 0 ] && echo "layers: every include points down"
exit $status
