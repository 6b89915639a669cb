#!/usr/bin/env bash
# The concurrency check (CI runs it): builds with clang, -Wthread-safety and ThreadSanitizer (the
# `tsan` preset), so a member marked FINDME_GUARDED_BY used without its mutex fails the build,
# then runs the concurrent tests (HTTP server, blocking pools, spool, worker pool, notifier,
# SQLite store, embedding index, mutexes) under TSan.
#
#   tools/threads.sh            # build and test
#   tools/threads.sh -R Server  # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f build/tsan/build.ninja ] || cmake --preset tsan >/dev/null
# The test binaries of the concurrent modules, and every other library that holds a mutex, so
# that the annotations are checked everywhere.
cmake --build --preset tsan --target findme_core_test findme_http_test findme_jobs_test \
  findme_store_sqlite_test findme_domain_test findme_store_postgres findme_eval findme_metrics
ctest --preset tsan -j "$(nproc)" "$@"
