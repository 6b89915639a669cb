// Verification end to end: AWS's published test-suite signatures, requests signed by the real
// botocore, and every way a request can be refused.
#include "aws/sigv4/sigv4.h"

#include <string>

#include <gtest/gtest.h>

namespace findme::aws::sigv4 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// AWS's aws-sig-v4-test-suite: its key, time, region and service ("service").
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteKeyId = "AKIDEXAMPLE";

constexpr Timestamp kSuiteTime{sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours{12} +
                               minutes{36}};

SignedRequest suite_request(std::string_view method, std::string_view path, std::string_view query,
                            std::string_view signature) {
  return SignedRequest{
      .method = method,
      .raw_path = path,
      .raw_query = query,
      .headers = {{"Host", "example.amazonaws.com"},
                  {"X-Amz-Date", "20150830T123600Z"},
                  {"Authorization",
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                   "aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
                       std::string(signature)}}};
}

AwsResult<void> parse_and_verify(const SignedRequest& request, std::string_view secret,
                                 Timestamp now, const VerifyOptions& options = {}) {
  AwsResult<ParsedRequest> parsed = parse_request(request);
  if (!parsed) return parsed.error();
  return verify(request, *parsed, secret, now, options);
}

TEST(SigV4Test, SigningKeyMatchesAwsDocumentation) {
  // "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
  EXPECT_EQ(to_hex(signing_key(kSuiteSecret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Test, StringToSignMatchesGetVanilla) {
  const std::string canonical =
      "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  EXPECT_EQ(
      string_to_sign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical),
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

// The published signatures of the suite (each also reproduced by botocore:
// tests/aws/sign_example.py).
TEST(SigV4Test, AwsTestSuiteRequestsVerify) {
  const VerifyOptions options{.service = "service"};
  const struct {
    std::string_view name, method, path, query, signature;
  } cases[] = {
      {"get-vanilla", "GET", "/", "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla", "POST", "/", "",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-space", "GET", "/example space/", "",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
  };
  for (const auto& c : cases) {
    const SignedRequest request = suite_request(c.method, c.path, c.query, c.signature);
    AwsResult<void> verified = parse_and_verify(request, kSuiteSecret, kSuiteTime, options);
    EXPECT_TRUE(verified) << c.name << ": " << verified.error().message << "\n"
                          << verified.error().detail;
  }
}

TEST(SigV4Test, AuthorizationHeaderReproducesTheTestSuite) {
  SignedRequest request = suite_request("GET", "/", "", "");
  request.headers.pop_back();  // a client has no Authorization yet

  AwsResult<std::string> header = authorization_header(
      request, kSuiteKeyId, kSuiteSecret, "us-east-1", "service", {"host", "x-amz-date"});

  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(*header,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, AmzDateBothWays) {
  const std::optional<std::chrono::sys_seconds> time = parse_amz_date("20150830T123600Z");
  ASSERT_TRUE(time);
  EXPECT_EQ(Timestamp{*time}, kSuiteTime);
  EXPECT_EQ(format_amz_date(*time), "20150830T123600Z");
  EXPECT_EQ(parse_amz_date("20240229T235959Z"), sys_days{std::chrono::year{2024} / 2 / 29} +
                                                    std::chrono::hours{23} + minutes{59} +
                                                    seconds{59});
  for (const std::string_view bad :
       {"", "20150830T123600", "20150830 123600Z", "20150830T123600z", "2015-08-30T12:36:00Z",
        "20150230T123600Z", "20151330T123600Z", "20150830T243600Z", "20150830T126000Z",
        "20150830T123660Z", "2015083OT123600Z", "20150830T123600Z ", "+0150830T123600Z"}) {
    EXPECT_FALSE(parse_amz_date(bad)) << bad;
  }
}

TEST(SigV4Test, UnknownKeyHelperNamesUnrecognizedClient) {
  const AwsError error = unrecognized_client();
  EXPECT_EQ(error.name, "UnrecognizedClientException");
  EXPECT_EQ(error.message, "The security token included in the request is invalid.");
}

}  // namespace
}  // namespace findme::aws::sigv4
