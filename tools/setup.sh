#!/usr/bin/env bash
# Sets up a Debian 12 machine for findme, idempotently: installs the apt packages that are
# missing, fetches and checks the model package, and builds the given CMake presets.
#   tools/setup.sh                 # packages + models + release build
#   tools/setup.sh release dev     # ... and the sanitizer build too
#   tools/setup.sh --no-build      # packages + models only
#   tools/setup.sh --build-only dev  # only build the given presets (tools/test.sh times each part)
set -euo pipefail
cd "$(dirname "$0")/.."

install=1
build=1
presets=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --build-only) install=0 ;;
    -*) echo "setup: unknown option $arg" >&2; exit 2 ;;
    *) presets+=("$arg") ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(release)

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
  python3-boto3 awscli python3-pil
)

install_packages() {
  local missing=()
  local p
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
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup: every apt package is installed"
  fi
}

# npm_ci DIR WHAT: the npm packages pinned by DIR's package-lock.json, reinstalled only when the
# lock file changes. tests/browser: playwright-core, which drives Debian's chromium (nothing else
# is downloaded); tools/web: prettier, for tools/check_format.sh.
npm_ci() {
  local dir=$1 what=$2
  local lock=$dir/package-lock.json
  local stamp=$dir/node_modules/.findme-installed-lock.json
  if ! cmp -s "$lock" "$stamp"; then
    echo "setup: installing $what (npm)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$lock" "$stamp"
  else
    echo "setup: $what are installed"
  fi
}

install_browser_driver() { npm_ci tests/browser "the browser tests' packages"; }
install_web_tools() { npm_ci tools/web "the web formatting tools"; }

if [ $install -eq 1 ]; then
  install_packages
  tools/fetch_models.sh
  install_browser_driver
  install_web_tools
fi

[ $build -eq 1 ] || exit 0
for preset in "${presets[@]}"; do
  echo "setup: building preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
done
