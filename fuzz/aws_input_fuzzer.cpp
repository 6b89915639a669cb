// libFuzzer harness: the request bodies of the Rekognition-compatible API (src/aws/input.h): a
// JSON body read member by member as every operation reads it (strings under each pattern,
// integers, numbers, enums, lists, Image.Bytes in base64).
//
// Invariants: a value a reader accepts satisfies the rule it was read under (length, pattern,
// range, enum); an accepted image is 1 byte to 5 MB; every refusal carries one of Rekognition's
// error names and a message; decoding base64 never yields more than 3/4 of its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/input.h"

namespace {

using findme::aws::AwsError;
using findme::aws::Input;
using findme::aws::StringRule;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_error(const AwsError& e) {
  check(e.name == findme::aws::kInvalidParameter || e.name == findme::aws::kImageTooLarge);
  check(!e.message.empty());
}

template <class R, class Accept>
void read(const R& result, Accept accept) {
  if (result) {
    accept(*result);
  } else {
    check_error(result.error());
  }
}

void read_strings(const Input& input, std::string_view name, const StringRule& rule) {
  read(input.optional_string(name, rule), [&](const std::optional<std::string>& v) {
    if (v) check(findme::aws::matches_rule(*v, rule));
  });
  read(input.string_list(name, rule, 0, 16), [&](const std::vector<std::string>& v) {
    check(v.size() <= 16);
    for (const std::string& s : v) check(findme::aws::matches_rule(s, rule));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> decoded = findme::aws::decode_base64(text);
  if (decoded) check(decoded->size() <= text.size() / 4 * 3 + 3);

  const nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
  if (!body.is_object()) return 0;
  const Input input(body);
  for (const char* name : {"CollectionId", "ExternalImageId", "FaceId", "NextToken", "FaceIds"}) {
    read_strings(input, name, findme::aws::kCollectionId);
    read_strings(input, name, findme::aws::kExternalImageId);
    read_strings(input, name, findme::aws::kFaceId);
    read_strings(input, name, findme::aws::kPaginationToken);
  }
  for (const char* name : {"MaxFaces", "MaxResults"}) {
    read(input.optional_int(name, 1, 4096), [](const std::optional<std::int64_t>& v) {
      if (v) check(*v >= 1 && *v <= 4096);
    });
  }
  for (const char* name : {"FaceMatchThreshold", "SimilarityThreshold"}) {
    read(input.optional_number(name, 0, 100), [](const std::optional<double>& v) {
      if (v) check(*v >= 0 && *v <= 100);
    });
  }
  read(input.optional_enum("QualityFilter", {"NONE", "AUTO", "LOW", "MEDIUM", "HIGH"}),
       [](const std::optional<std::string>& v) {
         if (v) {
           check(*v == "NONE" || *v == "AUTO" || *v == "LOW" || *v == "MEDIUM" || *v == "HIGH");
         }
       });
  for (const char* name : {"Image", "SourceImage", "TargetImage"}) {
    read(input.image(name), [](const std::string& bytes) {
      check(!bytes.empty() && bytes.size() <= findme::aws::kMaxImageBytes);
    });
  }
  return 0;
}
