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
if [[ ${LOAD_SEED:-1} != 0 || ! -f $work/seed.json ]]; then
  timeout 45m "$py" "$here/seed.py" "${common[@]}" --photos "${LOAD_PHOTOS:-504}"
fi

rm -rf "$work/results"
echo "run.sh: locust, 30 users ($duration)"
"$py" "$here/measure.py" locust users30 "${common[@]}" --users 30 --spawn-rate 5 \
  --duration "$duration"
echo "run.sh: locust, 100 users ($duration)"
"$py" "$here/measure.py" locust users100 "${common[@]}" --users 100 --spawn-rate 5 \
  --duration "$duration"
echo "run.sh: wrk"
"$py" "$here/measure.py" wrk wrk-event "${common[@]}" --path '/api/events/{code}' \
  --threads 2 --connections 30 --duration "$wrk_duration"
"$py" "$here/measure.py" wrk wrk-healthz "${common[@]}" --path /healthz \
  --threads 2 --connections 30 --duration "$wrk_duration"

echo "run.sh: $(uptime)"
"$py" "$here/report.py" --work "$work" --out "$root/docs/benchmarks-load.md" \
  --notes "$here/analysis.md"
