#include "face/model/tfjs_weights.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace findme::face::model {
namespace {

// TF.js writes float32 values little-endian; we copy them as they are.
static_assert(std::endian::native == std::endian::little, "TF.js weights are little-endian");

Error manifest_error(const std::filesystem::path& file, const std::string& what) {
  return make_error(Errc::internal, "face model: " + file.string() + ": " + what);
}

Result<std::vector<std::uint8_t>> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) {
    return manifest_error(file, "cannot open (missing?)");
  }
  const std::streamoff size = in.tellg();
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return manifest_error(file, "read failed");
  }
  return bytes;
}

struct Encoding {
  std::size_t bytes_per_value = 4;
  bool integer = false;  // int32 tensor: graph constants such as shapes and axes
  bool quantised = false;
  double scale = 1;
  double min = 0;
};

Result<Encoding> encoding_of(const nlohmann::json& entry, const std::filesystem::path& manifest) {
  const std::string name = entry.at("name").get<std::string>();
  const std::string dtype = entry.at("dtype").get<std::string>();
  if (dtype != "float32" && dtype != "int32") {
    return manifest_error(manifest, "tensor '" + name + "' has unsupported dtype " + dtype);
  }
  Encoding encoding;
  encoding.integer = dtype == "int32";
  if (!entry.contains("quantization")) {
    return encoding;
  }
  const nlohmann::json& q = entry.at("quantization");
  const std::string qtype = q.at("dtype").get<std::string>();
  if (qtype != "uint8" && qtype != "uint16") {
    return manifest_error(manifest, "tensor '" + name + "' has unsupported quantization " + qtype);
  }
  encoding.bytes_per_value = qtype == "uint8" ? 1 : 2;
  encoding.quantised = true;
  encoding.scale = q.at("scale").get<double>();
  encoding.min = q.at("min").get<double>();
  return encoding;
}

// Decodes `count` values at `data`. Dequantisation runs in double and rounds once to float, as
// TF.js does (JavaScript numbers are doubles, stored into a Float32Array); int32 tensors hold
// small integers, exact in a float, and quantised ones round to the nearest as TF.js does.
std::vector<float> decode(const std::uint8_t* data, std::size_t count, const Encoding& encoding) {
  std::vector<float> values(count);
  if (count == 0) {
    return values;
  }
  if (!encoding.quantised && encoding.integer) {
    std::vector<std::int32_t> integers(count);
    std::memcpy(integers.data(), data, count * sizeof(std::int32_t));
    std::transform(integers.begin(), integers.end(), values.begin(),
                   [](std::int32_t v) { return static_cast<float>(v); });
    return values;
  }
  if (!encoding.quantised) {
    std::memcpy(values.data(), data, count * sizeof(float));
    return values;
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t q = data[i * encoding.bytes_per_value];
    if (encoding.bytes_per_value == 2) {
      q |= static_cast<std::uint32_t>(data[i * 2 + 1]) << 8;
    }
    const double value = q * encoding.scale + encoding.min;
    values[i] =
        static_cast<float>(encoding.integer ? std::floor(value + 0.5) : value);  // Math.round
  }
  return values;
}

Result<std::vector<std::uint8_t>> read_group_shards(const nlohmann::json& group,
                                                    const std::filesystem::path& dir) {
  std::vector<std::uint8_t> buffer;
  for (const nlohmann::json& shard : group.at("paths")) {
    const std::string name = shard.get<std::string>();
    if (!is_shard_file_name(name)) {
      return make_error(Errc::internal, "face model: shard path '" + name + "' in " + dir.string() +
                                            " is not a file name");
    }
    Result<std::vector<std::uint8_t>> bytes = read_file(dir / name);
    if (!bytes) {
      return bytes.error();
    }
    buffer.insert(buffer.end(), bytes->begin(), bytes->end());
  }
  return buffer;
}

// The dimensions as ints, or nothing when one is not an integer in int's range: json's own
// conversion would cast 1e300 or -1e300 to int, which is undefined behaviour.
std::optional<std::vector<int>> shape_of(const nlohmann::json& shape) {
  if (!shape.is_array()) {
    return std::nullopt;
  }
  std::vector<int> dims;
  for (const nlohmann::json& dim : shape) {
    if (dim.is_number_unsigned() && dim.get<std::uint64_t>() <= std::numeric_limits<int>::max()) {
      dims.push_back(static_cast<int>(dim.get<std::uint64_t>()));
    } else if (dim.is_number_integer() && !dim.is_number_unsigned() &&
               dim.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
               dim.get<std::int64_t>() <= std::numeric_limits<int>::max()) {
      dims.push_back(static_cast<int>(dim.get<std::int64_t>()));
    } else {
      return std::nullopt;
    }
  }
  return dims;
}

}  // namespace

Result<void> read_tfjs_weight_group(const nlohmann::json& group,
                                    const std::filesystem::path& manifest,
                                    std::vector<WeightTensor>& out) {
  Result<std::vector<std::uint8_t>> buffer = read_group_shards(group, manifest.parent_path());
  if (!buffer) {
    return buffer.error();
  }
  std::size_t offset = 0;
  for (const nlohmann::json& entry : group.at("weights")) {
    Result<Encoding> encoding = encoding_of(entry, manifest);
    if (!encoding) {
      return encoding.error();
    }
    std::string name = entry.at("name").get<std::string>();
    std::optional<std::vector<int>> shape = shape_of(entry.at("shape"));
    if (!shape) {
      return manifest_error(manifest,
                            "tensor '" + name + "' has a shape that is not a list of integers");
    }
    WeightTensor tensor{std::move(name), std::move(*shape), {}};
    const std::optional<std::size_t> count = tensor_value_count(tensor.shape);
    if (!count) {
      return manifest_error(manifest, "tensor '" + tensor.name +
                                          "' has a negative dimension or more than 2^28 values");
    }
    const std::size_t bytes = *count * encoding->bytes_per_value;
    if (bytes > buffer->size() - offset) {
      return manifest_error(manifest, "weights end before tensor '" + tensor.name + "' (" +
                                          std::to_string(buffer->size()) +
                                          " bytes in the .bin); re-fetch it");
    }
    tensor.values = decode(buffer->data() + offset, *count, *encoding);
    offset += bytes;
    out.push_back(std::move(tensor));
  }
  if (offset != buffer->size()) {
    return manifest_error(manifest, "the .bin holds " + std::to_string(buffer->size()) +
                                        " bytes but the manifest describes " +
                                        std::to_string(offset));
  }
  return {};
}

std::optional<std::size_t> tensor_value_count(const std::vector<int>& shape) {
  std::size_t count = 1;
  for (int dim : shape) {
    if (dim < 0) {
      return std::nullopt;
    }
    const auto d = static_cast<std::size_t>(dim);
    if (d != 0 && count > kMaxTensorValues / d) {  // checked before multiplying: no overflow
      return std::nullopt;
    }
    count *= d;
  }
  return count;
}

bool is_shard_file_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string_view::npos;
}

Result<std::vector<WeightTensor>> read_tfjs_weights(const std::filesystem::path& manifest) {
  Result<std::vector<std::uint8_t>> text = read_file(manifest);
  if (!text) {
    return text.error();
  }
  std::vector<WeightTensor> tensors;
  try {
    const nlohmann::json groups = nlohmann::json::parse(text->begin(), text->end());
    if (!groups.is_array()) {
      return manifest_error(manifest, "not a TF.js weights manifest (expected a JSON array)");
    }
    for (const nlohmann::json& group : groups) {
      if (Result<void> read = read_tfjs_weight_group(group, manifest, tensors); !read) {
        return read.error();
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return manifest_error(manifest, std::string("malformed manifest: ") + e.what());
  }
  return tensors;
}

Result<std::string> sha256_file_hex(const std::filesystem::path& file) {
  Result<std::vector<std::uint8_t>> bytes = read_file(file);
  if (!bytes) {
    return bytes.error();
  }
  if (sodium_init() < 0) {  // idempotent and thread-safe
    return manifest_error(file, "libsodium failed to initialise");
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), bytes->data(), bytes->size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

Result<void> verify_sha256(const std::filesystem::path& file, std::string_view expected_hex,
                           std::string_view fetch_hint) {
  Result<std::string> actual = sha256_file_hex(file);
  if (!actual) {
    return make_error(Errc::internal,
                      "face model: " + file.string() + " is missing; " + std::string(fetch_hint));
  }
  if (*actual != expected_hex) {
    return make_error(Errc::internal, "face model: " + file.string() +
                                          " is corrupt (sha256 mismatch); " +
                                          std::string(fetch_hint));
  }
  return {};
}

Result<std::filesystem::path> verified_manifest(const std::filesystem::path& package_dir,
                                                const PinnedModel& model) {
  static constexpr std::string_view kFetchHint = "run tools/fetch_models.sh";
  const std::string name(model.name);
  std::filesystem::path manifest = package_dir / "model" / (name + "-weights_manifest.json");
  if (Result<void> ok = verify_sha256(manifest, model.manifest_sha256, kFetchHint); !ok) {
    return ok.error();
  }
  if (Result<void> ok =
          verify_sha256(package_dir / "model" / (name + ".bin"), model.bin_sha256, kFetchHint);
      !ok) {
    return ok.error();
  }
  return manifest;
}

}  // namespace findme::face::model
