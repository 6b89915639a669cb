// Canonical request pieces against AWS's published test suite and botocore's own functions
// (the expected paths are botocore 1.29.27's SigV4Auth._normalize_url_path outputs).
#include "aws/sigv4/canonical_request.h"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace findme::aws::sigv4 {
namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(CanonicalRequestTest, UriIsNormalisedThenEncodedOnceMoreAsBotocoreDoes) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"/aws/", "/aws/"},  // boto3 with endpoint_url ".../aws/"
      {"/aws", "/aws"},    // boto3 with endpoint_url ".../aws": no slash added
      {"", "/"},
      {"/", "/"},
      {"//", "/"},                               // get-slash
      {"//example//", "/example/"},              // get-slashes
      {"/example/..", "/"},                      // get-relative
      {"/example1/example2/../..", "/"},         // get-relative-relative
      {"/./", "/"},                              // get-slash-dot-slash
      {"/./example", "/example"},                // get-slash-pointless-dot
      {"/example space/", "/example%20space/"},  // get-space
      {"/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},  // get-unreserved
      {"/\xe1\x88\xb4", "/%E1%88%B4"},                                          // get-utf8
      {"/a%20b/c%2Fd", "/a%2520b/c%252Fd"},  // escapes as received are encoded again
      {"/a/.", "/a"},
      {"/a:b@c", "/a%3Ab%40c"},
      {"/..", "/"},
      {"x/y", "x/y"},
  };
  for (const auto& [raw, canonical] : cases) {
    EXPECT_EQ(canonical_uri(raw), canonical) << raw;
  }
}

TEST(CanonicalRequestTest, QueryIsDecodedEncodedAndSorted) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", ""},
      {"Param2=value2&Param1=value1", "Param1=value1&Param2=value2"},  // query-order-key-case
      {"Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2"},  // query-order-value
      {"Param1=value1", "Param1=value1"},
      {"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789"},
      {"%E1%88%B4=bar", "%E1%88%B4=bar"},     // get-vanilla-utf8-query
      {"\xe1\x88\xb4=bar", "%E1%88%B4=bar"},  // the same, unencoded
      {"a=b c", "a=b%20c"},
      {"a=b%20c", "a=b%20c"},
      {"a=b+c", "a=b%2Bc"},  // '+' is not a space in SigV4
      {"a=%2f", "a=%2F"},
      {"a=x/y", "a=x%2Fy"},
      {"flag", "flag="},
      {"flag=", "flag="},
      {"a&&b=1&", "a=&b=1"},
      {"a=%zz&b=%4", "a=%25zz&b=%254"},  // invalid escapes are literal bytes
      {"b=2&a=1&B=3", "B=3&a=1&b=2"},    // byte order: upper case first
      {"a=1=2", "a=1%3D2"},
  };
  for (const auto& [raw, canonical] : cases) {
    EXPECT_EQ(canonical_query_string(raw), canonical) << raw;
  }
}

TEST(CanonicalRequestTest, HeaderValuesAreTrimmedCollapsedAndJoined) {
  SignedRequest request{.headers = {{"My-Header1", "  value1  "},
                                    {"my-header2", "\"a   b   c\""},
                                    {"MY-HEADER1", "value2\t \tx"},
                                    {"Other", "o"}}};

  EXPECT_EQ(canonical_header(request, "my-header1"), "my-header1:value1,value2 x");
  EXPECT_EQ(canonical_header(request, "my-header2"), "my-header2:\"a b c\"");
  EXPECT_EQ(header_values(request, "other"), (std::vector<std::string_view>{"o"}));
  EXPECT_TRUE(header_values(request, "missing").empty());
}

TEST(CanonicalRequestTest, HexSha256) {
  EXPECT_EQ(hex_sha256(""), kEmptySha256);
  EXPECT_EQ(hex_sha256("{\"MaxResults\": 10}"),
            "8a9354f6dcd0e97e1f5804c376b5ed41c550757c400462c08746e820bee8250d");
}

// AWS's published get-vanilla.creq, byte for byte.
TEST(CanonicalRequestTest, GetVanillaMatchesTheTestSuite) {
  SignedRequest request{
      .method = "GET",
      .raw_path = "/",
      .headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}};

  AwsResult<std::string> canonical =
      canonical_request(request, {"host", "x-amz-date"}, hex_sha256(request.body));

  ASSERT_TRUE(canonical) << canonical.error().message;
  EXPECT_EQ(*canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmptySha256));
}

TEST(CanonicalRequestTest, SignedHeaderAbsentFromRequestIsIncomplete) {
  SignedRequest request{.method = "POST", .raw_path = "/", .headers = {{"Host", "h"}}};

  AwsResult<std::string> canonical =
      canonical_request(request, {"host", "x-amz-target"}, kEmptySha256);

  ASSERT_FALSE(canonical);
  EXPECT_EQ(canonical.error().name, kIncompleteSignature);
  EXPECT_NE(canonical.error().message.find("'x-amz-target'"), std::string::npos);
}

}  // namespace
}  // namespace findme::aws::sigv4
