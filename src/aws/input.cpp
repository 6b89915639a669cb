#include "aws/input.h"

#include <algorithm>
#include <cmath>

#include <sodium.h>

namespace findme::aws {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_uuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !is_lower_hex(v[i])) return false;
  }
  return true;
}

AwsError invalid(std::string_view name, std::string_view what) {
  return aws_error(kInvalidParameter, "1 validation error detected: Value at '" +
                                          std::string(name) + "' " + std::string(what));
}

}  // namespace

bool matches_rule(std::string_view value, const StringRule& rule) {
  if (value.size() < rule.min || value.size() > rule.max) return false;
  switch (rule.charset) {
    case Charset::any:
      return true;
    case Charset::collection_id:
      return std::all_of(value.begin(), value.end(),
                         [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
    case Charset::external_image_id:
      return std::all_of(value.begin(), value.end(), [](char c) {
        return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == ':';
      });
    case Charset::uuid:
      return is_uuid(value);
  }
  return false;
}

std::optional<std::string> decode_base64(std::string_view text) {
  if (sodium_init() < 0) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

const nlohmann::json* Input::member(std::string_view name) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

AwsResult<std::string> Input::required_string(std::string_view name, const StringRule& rule) const {
  AwsResult<std::optional<std::string>> value = optional_string(name, rule);
  if (!value) return value.error();
  if (!*value) return invalid(name, "failed to satisfy constraint: Member must not be null");
  return std::move(**value);
}

AwsResult<std::optional<std::string>> Input::optional_string(std::string_view name,
                                                             const StringRule& rule) const {
  const nlohmann::json* m = member(name);
  if (m == nullptr) return std::optional<std::string>();
  if (!m->is_string()) return invalid(name, "is not a string");
  const auto& value = m->get_ref<const std::string&>();
  if (value.size() < rule.min || value.size() > rule.max) {
    return invalid(name, "failed to satisfy constraint: Member must have length between " +
                             std::to_string(rule.min) + " and " + std::to_string(rule.max));
  }
  if (!matches_rule(value, rule)) {
    return invalid(name, "failed to satisfy constraint: Member must satisfy its pattern");
  }
  return std::optional<std::string>(value);
}

AwsResult<std::optional<std::int64_t>> Input::optional_int(std::string_view name, std::int64_t min,
                                                           std::int64_t max) const {
  const nlohmann::json* m = member(name);
  if (m == nullptr) return std::optional<std::int64_t>();
  if (!m->is_number_integer()) return invalid(name, "is not an integer");
  const auto value = m->get<std::int64_t>();
  if (value < min || value > max) {
    return invalid(name, "failed to satisfy constraint: Member must have value between " +
                             std::to_string(min) + " and " + std::to_string(max));
  }
  return std::optional<std::int64_t>(value);
}

AwsResult<std::optional<double>> Input::optional_number(std::string_view name, double min,
                                                        double max) const {
  const nlohmann::json* m = member(name);
  if (m == nullptr) return std::optional<double>();
  if (!m->is_number()) return invalid(name, "is not a number");
  const auto value = m->get<double>();
  if (!std::isfinite(value) || value < min || value > max) {
    return invalid(name, "failed to satisfy constraint: Member must have value between " +
                             std::to_string(static_cast<int>(min)) + " and " +
                             std::to_string(static_cast<int>(max)));
  }
  return std::optional<double>(value);
}

AwsResult<std::optional<std::string>> Input::optional_enum(
    std::string_view name, const std::vector<std::string_view>& values) const {
  const nlohmann::json* m = member(name);
  if (m == nullptr) return std::optional<std::string>();
  if (m->is_string()) {
    const auto& value = m->get_ref<const std::string&>();
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      return std::optional<std::string>(value);
    }
  }
  std::string allowed;
  for (std::string_view v : values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
  return invalid(
      name, "failed to satisfy constraint: Member must satisfy enum value set: [" + allowed + "]");
}

AwsResult<std::vector<std::string>> Input::string_list(std::string_view name,
                                                       const StringRule& rule,
                                                       std::size_t min_items,
                                                       std::size_t max_items) const {
  const nlohmann::json* m = member(name);
  std::vector<std::string> out;
  if (m == nullptr) {
    if (min_items > 0) {
      return invalid(name, "failed to satisfy constraint: Member must not be null");
    }
    return out;
  }
  if (!m->is_array()) return invalid(name, "is not a list");
  if (m->size() < min_items || m->size() > max_items) {
    return invalid(name, "failed to satisfy constraint: Member must have length between " +
                             std::to_string(min_items) + " and " + std::to_string(max_items));
  }
  for (const nlohmann::json& item : *m) {
    if (!item.is_string() || !matches_rule(item.get_ref<const std::string&>(), rule)) {
      return invalid(name, "failed to satisfy constraint: Member must satisfy its pattern");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

AwsResult<std::string> Input::image(std::string_view name) const {
  const nlohmann::json* m = member(name);
  if (m == nullptr) return invalid(name, "failed to satisfy constraint: Member must not be null");
  if (!m->is_object()) return invalid(name, "is not an Image structure");
  if (m->contains("S3Object")) {
    return aws_error(kInvalidParameter,
                     "findme reads images from Image.Bytes only: S3Object is not supported. "
                     "Send the image's bytes instead.");
  }
  auto bytes = m->find("Bytes");
  if (bytes == m->end() || !bytes->is_string()) {
    return invalid(std::string(name) + ".Bytes",
                   "failed to satisfy constraint: Member must not be null");
  }
  const auto& text = bytes->get_ref<const std::string&>();
  // Checked before decoding: a 40 MB string need not be decoded to be refused.
  if (text.size() / 4 * 3 > kMaxImageBytes + 2) {
    return aws_error(kImageTooLarge, "Image size is too large: Image.Bytes holds at most 5 MB.");
  }
  std::optional<std::string> decoded = decode_base64(text);
  if (!decoded) return invalid(std::string(name) + ".Bytes", "is not valid base64");
  if (decoded->empty()) {
    return invalid(std::string(name) + ".Bytes",
                   "failed to satisfy constraint: Member must have length greater than or equal "
                   "to 1");
  }
  if (decoded->size() > kMaxImageBytes) {
    return aws_error(kImageTooLarge, "Image size is too large: Image.Bytes holds at most 5 MB.");
  }
  return std::move(*decoded);
}

}  // namespace findme::aws
