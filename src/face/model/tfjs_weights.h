// Reads TF.js "weights manifest + .bin shards" files into plain float tensors, and checks files
// against pinned sha256 digests. No network knowledge here: recognition_weights.h maps tensors
// onto layers.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"

namespace findme::face::model {

// One tensor of a TF.js weights file, dequantised. A value type; immutable once read, so it may be
// shared read-only between threads.
struct WeightTensor {
  std::string name;           // e.g. "conv32_down/conv/filters"
  std::vector<int> shape;     // TF.js order, e.g. [h, w, in, out] for a conv filter
  std::vector<float> values;  // row-major over `shape`
};

// More values than any network of the packages holds by far (the largest tensor has ~600,000):
// a manifest asking for more is corrupt, not a bigger model.
inline constexpr std::size_t kMaxTensorValues = std::size_t{1} << 28;

// The number of values of a tensor of `shape`, or nullopt when a dimension is negative or the
// product is over kMaxTensorValues (never overflows). Pure.
std::optional<std::size_t> tensor_value_count(const std::vector<int>& shape);

// True for a shard path a manifest may name: a plain file name beside the manifest (TF.js writes
// nothing else), never a path that leaves the package's folder or names a device. Pure.
bool is_shard_file_name(std::string_view name);

// Reads `manifest` (weights_manifest.json) and the .bin shards it names (paths relative to the
// manifest's folder). Tensors come back in manifest order. uint8-quantised tensors are dequantised
// as q * scale + min (1 byte per value), uint16 likewise (2 bytes), float32 ones are 4 bytes per
// value, little-endian. int32 tensors (graph constants) come back as floats: plain ones are 4 bytes
// per value, quantised ones round q * scale + min to the nearest integer, as TF.js does. Each
// group's shards must hold exactly the bytes its tensors need.
// Errors (all Errc::internal, message naming the file and the problem): missing or unreadable
// file, malformed JSON, unsupported dtype or quantisation, a shard path that is not a file name,
// a tensor over kMaxTensorValues, shard size not equal to what the manifest describes.
// Thread-safe (no shared state).
Result<std::vector<WeightTensor>> read_tfjs_weights(const std::filesystem::path& manifest);

// Reads one weights group ({"paths": [...], "weights": [...]}) of a weights manifest or of a
// graph's model.json, whose shards lie beside `file`, and appends its tensors to `out`, decoded as
// read_tfjs_weights() decodes them. Errors: as read_tfjs_weights(), naming `file`; nlohmann's
// exceptions for a group of the wrong JSON shape (callers catch them). Thread-safe.
Result<void> read_tfjs_weight_group(const nlohmann::json& group, const std::filesystem::path& file,
                                    std::vector<WeightTensor>& out);

// Lower-case hex sha256 of a file's bytes (libsodium). Errors: Errc::internal when the file
// cannot be read. Thread-safe.
Result<std::string> sha256_file_hex(const std::filesystem::path& file);

// Succeeds when `file`'s sha256 equals `expected_hex`. Otherwise Errc::internal with one line
// saying the file is missing or corrupt and naming `fetch_hint` (e.g. "run tools/fetch_models.sh").
Result<void> verify_sha256(const std::filesystem::path& file, std::string_view expected_hex,
                           std::string_view fetch_hint);

// One network of the face-api package: `<name>-weights_manifest.json` and `<name>.bin` under
// `model/`, with the hashes tools/model-assets.sha256 pins.
struct PinnedModel {
  std::string_view name;  // e.g. "face_recognition_model"
  std::string_view manifest_sha256;
  std::string_view bin_sha256;
};

// Checks both files of `model` in `package_dir` and returns the manifest's path. Errors as
// verify_sha256, telling the user to run tools/fetch_models.sh.
Result<std::filesystem::path> verified_manifest(const std::filesystem::path& package_dir,
                                                const PinnedModel& model);

}  // namespace findme::face::model
