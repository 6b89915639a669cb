#!/usr/bin/env bash
# Sets up a Debian 12 machine for findme, idempotently: installs the apt packages that are
# missing, fetches and checks the model package, and builds the given CMake presets.
#   tools/setup.sh                 # packages + models + release build
#   tools/setup.sh release dev     # ... and the sanitizer build too
set -euo pipefail
cd "$(dirname "$0")/.."

readonly packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libsodium-dev libsqlite3-dev
  libvips-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-dnn-dev
  libdlib-dev libdlib-data libopenblas-dev
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3
  clang-format clang-tidy
  clang libclang-rt-14-dev
  nodejs npm
  chromium
  postgresql libpqxx-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may carry its own Node.js outside Debian's packages; that one serves as well.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: every apt package is installed"
fi

tools/fetch_models.sh

# The browser tests' driver, playwright-core, pinned by tests/browser/package-lock.json. It drives
# Debian's chromium, so nothing else is downloaded. Reinstalled only when the lock file changes.
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.findme-installed-lock.json
if ! cmp -s "$lock" "$stamp"; then
  echo "setup: installing the browser tests' npm packages"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
else
  echo "setup: the browser tests' npm packages are installed"
fi

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release)
for preset in "${presets[@]}"; do
  echo "setup: building preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
done
