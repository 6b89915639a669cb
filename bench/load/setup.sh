#!/usr/bin/env bash
# Installs what the load benchmarks need, from Debian, only where missing:
#   python3-locust (runs as /usr/bin/locust with /usr/bin/python3), wrk,
#   libvips-tools (the `vips` CLI used to make the seed photos and selfies).
set -euo pipefail

need=()
[[ -x /usr/bin/locust ]] || need+=(python3-locust)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v vips >/dev/null 2>&1 || need+=(libvips-tools)

if ((${#need[@]} == 0)); then
  echo "setup: python3-locust, wrk and libvips-tools are installed"
  exit 0
fi
echo "setup: installing ${need[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
/usr/bin/python3 -c 'import locust' || { echo "setup: locust does not import" >&2; exit 1; }
echo "setup: done"
