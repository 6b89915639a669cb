#include "aws/input.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace findme::aws {
namespace {

using nlohmann::json;

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The error name and message of a failed read, for one-line expectations.
template <class T>
std::string failure(const AwsResult<T>& result) {
  if (result) return "(no error)";
  return std::string(result.error().name) + ": " + result.error().message;
}

void expect_invalid(const AwsResult<std::string>& result, std::string_view member,
                    std::string_view why) {
  ASSERT_FALSE(result) << member;
  EXPECT_EQ(result.error().name, kInvalidParameter);
  EXPECT_NE(result.error().message.find("Value at '" + std::string(member) + "'"),
            std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find(why), std::string::npos) << result.error().message;
}

TEST(MatchesRuleTest, CollectionIdsAreLettersDigitsAndUnderscoreDotDash) {
  EXPECT_TRUE(matches_rule("Team_2024.finals-A", kCollectionId));
  EXPECT_TRUE(matches_rule(std::string(255, 'x'), kCollectionId));
  EXPECT_FALSE(matches_rule(std::string(256, 'x'), kCollectionId));
  EXPECT_FALSE(matches_rule("", kCollectionId));
  for (std::string_view bad : {"a b", "a:b", "a/b", "caf\xc3\xa9", "a*"}) {
    EXPECT_FALSE(matches_rule(bad, kCollectionId)) << bad;
  }
}

TEST(MatchesRuleTest, ExternalImageIdsMayAlsoHoldColons) {
  EXPECT_TRUE(matches_rule("s3:bucket:photo_1.jpg", kExternalImageId));
  EXPECT_FALSE(matches_rule("photo 1.jpg", kExternalImageId));
  EXPECT_FALSE(matches_rule("photos/1.jpg", kExternalImageId));
}

TEST(MatchesRuleTest, FaceIdsAreLowerCaseUuids) {
  EXPECT_TRUE(matches_rule("0b5f0d9e-1c2a-4e6f-9a7b-3c4d5e6f7a8b", kFaceId));
  EXPECT_FALSE(matches_rule("0B5F0D9E-1C2A-4E6F-9A7B-3C4D5E6F7A8B", kFaceId));   // upper case
  EXPECT_FALSE(matches_rule("0b5f0d9e1c2a-4e6f-9a7b-3c4d5e6f7a8b-", kFaceId));   // dashes moved
  EXPECT_FALSE(matches_rule("0b5f0d9e-1c2a-4e6f-9a7b-3c4d5e6f7a8", kFaceId));    // 35
  EXPECT_FALSE(matches_rule("0b5f0d9e-1c2a-4e6f-9a7b-3c4d5e6f7a8bb", kFaceId));  // 37
  EXPECT_FALSE(matches_rule("0b5f0d9e-1c2a-4e6f-9a7b-3c4d5e6f7a8g", kFaceId));   // not hex
}

TEST(MatchesRuleTest, PaginationTokensMayBeEmpty) {
  EXPECT_TRUE(matches_rule("", kPaginationToken));
  EXPECT_TRUE(matches_rule("any thing / at all", kPaginationToken));
  EXPECT_FALSE(matches_rule(std::string(256, 'x'), kPaginationToken));
}

TEST(InputStringTest, RequiredStringsAreCheckedForPresenceTypeLengthAndPattern) {
  const json body{{"Ok", "team"},
                  {"Null", nullptr},
                  {"Number", 7},
                  {"Empty", ""},
                  {"Long", std::string(256, 'a')},
                  {"Spaced", "my team"}};
  const Input input(body);

  EXPECT_EQ(*input.required_string("Ok", kCollectionId), "team");
  expect_invalid(input.required_string("Missing", kCollectionId), "Missing", "must not be null");
  expect_invalid(input.required_string("Null", kCollectionId), "Null", "must not be null");
  expect_invalid(input.required_string("Number", kCollectionId), "Number", "is not a string");
  expect_invalid(input.required_string("Empty", kCollectionId), "Empty",
                 "length between 1 and 255");
  expect_invalid(input.required_string("Long", kCollectionId), "Long", "length between 1 and 255");
  expect_invalid(input.required_string("Spaced", kCollectionId), "Spaced", "pattern");
}

TEST(InputStringTest, OptionalStringsAreNulloptWhenAbsentAndCheckedWhenPresent) {
  const json body{{"Token", ""}, {"FaceId", "not-a-uuid"}};
  const Input input(body);

  EXPECT_FALSE(*input.optional_string("Absent", kExternalImageId));
  EXPECT_EQ(**input.optional_string("Token", kPaginationToken), "");
  expect_invalid(input.required_string("FaceId", kFaceId), "FaceId", "length between 36 and 36");
}

TEST(InputNumberTest, IntegersWithinTheirRange) {
  const json body{{"Low", 1},    {"High", 4096}, {"Zero", 0},     {"Over", 4097},
                  {"Half", 1.5}, {"Text", "3"},  {"Negative", -1}};
  const Input input(body);

  EXPECT_EQ(**input.optional_int("Low", 1, 4096), 1);
  EXPECT_EQ(**input.optional_int("High", 1, 4096), 4096);
  EXPECT_FALSE(*input.optional_int("Absent", 1, 4096));
  for (std::string_view name : {"Zero", "Over", "Negative"}) {
    AwsResult<std::optional<std::int64_t>> r = input.optional_int(name, 1, 4096);
    EXPECT_NE(failure(r).find("value between 1 and 4096"), std::string::npos) << failure(r);
  }
  EXPECT_NE(failure(input.optional_int("Half", 1, 4096)).find("is not an integer"),
            std::string::npos);
  EXPECT_NE(failure(input.optional_int("Text", 1, 4096)).find("is not an integer"),
            std::string::npos);
}

TEST(InputNumberTest, NumbersWithinTheirRange) {
  const json body{{"Int", 80},      {"Float", 99.5}, {"Zero", 0.0}, {"Hundred", 100},
                  {"Over", 100.01}, {"Under", -0.5}, {"Text", "80"}};
  const Input input(body);

  EXPECT_DOUBLE_EQ(**input.optional_number("Int", 0, 100), 80);
  EXPECT_DOUBLE_EQ(**input.optional_number("Float", 0, 100), 99.5);
  EXPECT_DOUBLE_EQ(**input.optional_number("Zero", 0, 100), 0);
  EXPECT_DOUBLE_EQ(**input.optional_number("Hundred", 0, 100), 100);
  EXPECT_FALSE(*input.optional_number("Absent", 0, 100));
  for (std::string_view name : {"Over", "Under"}) {
    AwsResult<std::optional<double>> r = input.optional_number(name, 0, 100);
    EXPECT_EQ(failure(r).rfind(std::string(kInvalidParameter), 0), 0u) << failure(r);
    EXPECT_NE(failure(r).find("value between 0 and 100"), std::string::npos) << failure(r);
  }
  EXPECT_NE(failure(input.optional_number("Text", 0, 100)).find("is not a number"),
            std::string::npos);
}

TEST(InputEnumTest, OneOfTheValuesCaseSensitively) {
  const json body{{"Good", "AUTO"}, {"Lower", "auto"}, {"Number", 1}};
  const Input input(body);
  const std::vector<std::string_view> values{"NONE", "AUTO"};

  EXPECT_EQ(**input.optional_enum("Good", values), "AUTO");
  EXPECT_FALSE(*input.optional_enum("Absent", values));
  EXPECT_NE(failure(input.optional_enum("Lower", values)).find("enum value set: [NONE, AUTO]"),
            std::string::npos);
  EXPECT_FALSE(input.optional_enum("Number", values));
}

TEST(InputListTest, ListsOfStringsWithTheirCountAndRule) {
  const std::string id = "0b5f0d9e-1c2a-4e6f-9a7b-3c4d5e6f7a8b";
  const json body{{"Ids", {id, id}},     {"Empty", json::array()}, {"NotList", id},
                  {"Bad", {id, "nope"}}, {"Mixed", {id, 3}},       {"Three", {id, id, id}}};
  const Input input(body);

  EXPECT_EQ(*input.string_list("Ids", kFaceId, 1, 4096), (std::vector<std::string>{id, id}));
  EXPECT_TRUE(input.string_list("Absent", kFaceId, 0, 2)->empty());
  EXPECT_NE(failure(input.string_list("Absent", kFaceId, 1, 2)).find("must not be null"),
            std::string::npos);
  EXPECT_NE(failure(input.string_list("Empty", kFaceId, 1, 2)).find("length between 1 and 2"),
            std::string::npos);
  EXPECT_NE(failure(input.string_list("Three", kFaceId, 1, 2)).find("length between 1 and 2"),
            std::string::npos);
  EXPECT_NE(failure(input.string_list("NotList", kFaceId, 1, 2)).find("is not a list"),
            std::string::npos);
  EXPECT_NE(failure(input.string_list("Bad", kFaceId, 1, 2)).find("pattern"), std::string::npos);
  EXPECT_NE(failure(input.string_list("Mixed", kFaceId, 1, 2)).find("pattern"), std::string::npos);
}

TEST(Base64Test, PaddedStandardAlphabetOnly) {
  EXPECT_EQ(decode_base64("aGVsbG8="), "hello");
  EXPECT_EQ(decode_base64("aGk/"), "hi?");
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_FALSE(decode_base64("aGVsbG8"));    // padding missing
  EXPECT_FALSE(decode_base64("aGVs bG8="));  // white space
  EXPECT_FALSE(decode_base64("aGk_"));       // URL-safe alphabet
  EXPECT_FALSE(decode_base64("aGVsbG8=x"));  // after the padding
  EXPECT_FALSE(decode_base64("!!!!"));
}

TEST(InputImageTest, BytesAreDecoded) {
  const json body{{"Image", {{"Bytes", to_base64("\xff\xd8 jpeg")}}}};
  EXPECT_EQ(*Input(body).image("Image"), "\xff\xd8 jpeg");
}

TEST(InputImageTest, MalformedImagesAreInvalidParameters) {
  const json body{{"NotObject", "abc"},
                  {"S3", {{"S3Object", {{"Bucket", "b"}, {"Name", "n"}}}}},
                  {"NoBytes", json::object()},
                  {"NumberBytes", {{"Bytes", 12}}},
                  {"BadBase64", {{"Bytes", "not base64!"}}},
                  {"Empty", {{"Bytes", ""}}}};
  const Input input(body);

  expect_invalid(input.image("Absent"), "Absent", "must not be null");
  expect_invalid(input.image("NotObject"), "NotObject", "is not an Image");
  AwsResult<std::string> s3 = input.image("S3");
  ASSERT_FALSE(s3);
  EXPECT_EQ(s3.error().name, kInvalidParameter);
  EXPECT_NE(s3.error().message.find("S3Object is not supported"), std::string::npos);
  expect_invalid(input.image("NoBytes"), "NoBytes.Bytes", "must not be null");
  expect_invalid(input.image("NumberBytes"), "NumberBytes.Bytes", "must not be null");
  expect_invalid(input.image("BadBase64"), "BadBase64.Bytes", "not valid base64");
  expect_invalid(input.image("Empty"), "Empty.Bytes", "greater than or equal to 1");
}

TEST(InputImageTest, FiveMegabytesAreTheLimit) {
  const std::string at_limit(kMaxImageBytes, 'x');
  const json ok{{"Image", {{"Bytes", to_base64(at_limit)}}}};
  EXPECT_EQ(Input(ok).image("Image")->size(), kMaxImageBytes);

  const json over{{"Image", {{"Bytes", to_base64(at_limit + "y")}}}};
  AwsResult<std::string> refused = Input(over).image("Image");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().name, kImageTooLarge);
}

TEST(InputImageTest, ALongTextIsTooLargeBeforeItIsDecoded) {
  // Not base64 at all: refused for its size, so it was never decoded.
  const json huge{{"Image", {{"Bytes", std::string(kMaxImageBytes / 3 * 4 + 16, '!')}}}};
  AwsResult<std::string> refused = Input(huge).image("Image");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().name, kImageTooLarge);
  EXPECT_NE(refused.error().message.find("5 MB"), std::string::npos);
}

}  // namespace
}  // namespace findme::aws
