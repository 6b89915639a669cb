#!/usr/bin/env bash
# The load benchmarks in one command: installs locust/wrk/vips if missing, seeds an event with
# >= 500 indexed photos, runs locust with 30 and 100 users and wrk on GET /api/events/{code} and
# /healthz (each against a fresh `findme serve` on 127.0.0.1), prints a summary and writes
# docs/benchmarks-load.md. Every step is bounded in time.
#
# Environment:
#   FINDME_BIN          the binary to test (default: a copy of build/release or build/lead findme,
#                       taken at the start so a rebuild does not swap it mid-run)
#   FINDME_LOAD_WORK    work folder (default /tmp/findme-load-work)
#   LOAD_DURATION       length of each locust run (default 2m)
#   WRK_DURATION        length of each wrk run (default 20s)
#   LOAD_SEED=0         reuse WORK/seed.json instead of seeding again
#   LOAD_PHOTOS         photos to seed (default 504)
#   LOAD_POSTGRES=1     run on PostgreSQL: a throwaway cluster (tools/pg_test_cluster.sh) in
#                       WORK/pg, seeded afresh; use another FINDME_LOAD_WORK than the SQLite runs
#   LOAD_PROCESSES      findme processes per locust run, e.g. "1 2" (default 1; more than one
#                       needs LOAD_POSTGRES=1): users are spread over them round-robin
#   LOAD_WRK=0          skip the wrk runs
#   LOAD_REPORT         the report to write (default docs/benchmarks-load.md)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/load"
work=${FINDME_LOAD_WORK:-/tmp/findme-load-work}
models=${MODEL_DIR:-$root/models/face-api-1.7.15}
duration=${LOAD_DURATION:-2m}
wrk_duration=${WRK_DURATION:-20s}
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree

"$here/setup.sh"
mkdir -p "$work"

bin=${FINDME_BIN:-}
if [[ -z $bin ]]; then
  for candidate in "$root/build/release/findme" "$root/build/lead/findme"; do
    if [[ -x $candidate ]]; then
      cp "$candidate" "$work/findme"
      bin="$work/findme"
      break
    fi
  done
fi
[[ -x $bin ]] || { echo "run.sh: no findme binary; build it or set FINDME_BIN" >&2; exit 1; }
echo "run.sh: binary $bin ($("$bin" --version 2>/dev/null || true)), work $work"
echo "run.sh: $(uptime)"

common=(--binary "$bin" --model-dir "$models" --work "$work")
server_env=()
if [[ ${LOAD_POSTGRES:-0} == 1 ]]; then
  if [[ ${LOAD_SEED:-1} != 0 || ! -f $work/pg/url ]]; then
    "$root/tools/pg_test_cluster.sh" start "$work/pg" >/dev/null
    rm -f "$work/seed.json"
  fi
  server_env=(--env "DATABASE_URL=$(cat "$work/pg/url")")
  echo "run.sh: PostgreSQL $(cat "$work/pg/url")"
fi
if [[ ${LOAD_SEED:-1} != 0 || ! -f $work/seed.json ]]; then
  timeout 45m "$py" "$here/seed.py" "${common[@]}" "${server_env[@]}" --photos "${LOAD_PHOTOS:-504}"
fi

rm -rf "$work/results"
for processes in ${LOAD_PROCESSES:-1}; do
  suffix=""
  [[ $processes == 1 ]] || suffix="-${processes}proc"
  for users in 30 100; do
    echo "run.sh: locust, $users users, $processes process(es) ($duration)"
    "$py" "$here/measure.py" locust "users$users$suffix" "${common[@]}" "${server_env[@]}" \
      --processes "$processes" --users "$users" --spawn-rate 5 --duration "$duration"
  done
done
if [[ ${LOAD_WRK:-1} != 0 ]]; then
  echo "run.sh: wrk"
  "$py" "$here/measure.py" wrk wrk-event "${common[@]}" "${server_env[@]}" \
    --path '/api/events/{code}' --threads 2 --connections 30 --duration "$wrk_duration"
  "$py" "$here/measure.py" wrk wrk-healthz "${common[@]}" "${server_env[@]}" --path /healthz \
    --threads 2 --connections 30 --duration "$wrk_duration"
fi

echo "run.sh: $(uptime)"
"$py" "$here/report.py" --work "$work" --out "${LOAD_REPORT:-$root/docs/benchmarks-load.md}" \
  --notes "$here/analysis.md"
