// Reading a request's JSON members as Rekognition's service description constrains them (types,
// lengths, patterns, ranges, enums), so that a request AWS would refuse is refused here too, with
// InvalidParameterException naming the member.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/errors.h"

namespace findme::aws {

// Which characters a string member may hold (service-2.json's patterns).
enum class Charset {
  any,
  collection_id,      // [a-zA-Z0-9_.\-]+
  external_image_id,  // [a-zA-Z0-9_.\-:]+
  uuid,               // 8-4-4-4-12 lower-case hex (FaceId, ImageId)
};

struct StringRule {
  std::size_t min = 1;
  std::size_t max = 255;
  Charset charset = Charset::any;
};

inline constexpr StringRule kCollectionId{1, 255, Charset::collection_id};
inline constexpr StringRule kExternalImageId{1, 255, Charset::external_image_id};
inline constexpr StringRule kFaceId{36, 36, Charset::uuid};
inline constexpr StringRule kPaginationToken{0, 255, Charset::any};

// Rekognition's limit for Image.Bytes (after base64 decoding).
inline constexpr std::size_t kMaxImageBytes = std::size_t{5} * 1024 * 1024;

// Reads members of one request body (a JSON object). The body must outlive the Input.
class Input {
 public:
  explicit Input(const nlohmann::json& body) : body_(body) {}

  AwsResult<std::string> required_string(std::string_view name, const StringRule& rule) const;
  AwsResult<std::optional<std::string>> optional_string(std::string_view name,
                                                        const StringRule& rule) const;
  // An integer in [min, max]; nullopt when absent.
  AwsResult<std::optional<std::int64_t>> optional_int(std::string_view name, std::int64_t min,
                                                      std::int64_t max) const;
  // A number in [min, max]; nullopt when absent.
  AwsResult<std::optional<double>> optional_number(std::string_view name, double min,
                                                   double max) const;
  // One of `values`; nullopt when absent.
  AwsResult<std::optional<std::string>> optional_enum(
      std::string_view name, const std::vector<std::string_view>& values) const;
  // A list of strings, each by `rule`, with [min_items, max_items] items; empty when absent and
  // min_items is 0.
  AwsResult<std::vector<std::string>> string_list(std::string_view name, const StringRule& rule,
                                                  std::size_t min_items,
                                                  std::size_t max_items) const;
  // The bytes of an Image member: {"Bytes": base64}. S3Object is refused (findme reads no S3),
  // over kMaxImageBytes is ImageTooLargeException.
  AwsResult<std::string> image(std::string_view name) const;

 private:
  const nlohmann::json* member(std::string_view name) const;
  const nlohmann::json& body_;
};

// Whether `value` satisfies `rule` (exposed for tests).
bool matches_rule(std::string_view value, const StringRule& rule);

// Base64 (RFC 4648, padded) to bytes; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace findme::aws
