// Test helpers of the face/model tests: where the fetched packages and the reference data lie,
// files read whole, images decoded the way the service decodes uploads (libvips, upright RGB8),
// and sha256 of pixels. Header-only, so that it stays out of the findme_face_model library. Not
// for production code.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include <sodium.h>

#include "core/result.h"
#include "image/vips/vips_image_decoder.h"

namespace findme::face::model::testing {

// models/face-api-1.7.15, fetched by tools/fetch_models.sh.
inline std::filesystem::path face_api_dir() { return std::filesystem::path(FINDME_FACE_API_DIR); }

// models/human-models-3.0.4 (BlazeFace), fetched beside it.
inline std::filesystem::path human_models_dir() {
  return std::filesystem::path(FINDME_HUMAN_MODELS_DIR);
}

// tests/data/<name>: reference outputs of the TF.js originals (tools/reference/).
inline std::filesystem::path reference_dir(const std::string& name) {
  return std::filesystem::path(FINDME_SOURCE_DIR) / "tests" / "data" / name;
}

// The whole file; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The image at `path`, decoded at full size; empty when it cannot be decoded.
inline image::RgbImage decode_file(const std::filesystem::path& path) {
  static const image::vips::VipsImageDecoder decoder;  // thread-safe, per its header
  const std::string bytes = read_file(path);
  Result<image::DecodedImage> decoded =
      decoder.decode(std::as_bytes(std::span(bytes.data(), bytes.size())), {});
  return decoded ? std::move(decoded->image) : image::RgbImage{};
}

// Lower-case hex sha256 of `bytes` (e.g. pixels, to prove both sides read the same ones).
inline std::string sha256_hex(const std::vector<std::uint8_t>& bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

}  // namespace findme::face::model::testing
