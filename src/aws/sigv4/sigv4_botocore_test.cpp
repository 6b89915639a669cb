// Verification of requests signed by the real botocore, and of every way such a request can be
// refused. The constants are tests/aws/sign_example.py's output (Debian 12's python3-botocore
// 1.29.27 and python3-boto3 1.26.27, clock pinned to 2026-12-06 12:00:00 UTC):
//   /usr/bin/python3 tests/aws/sign_example.py
#include <string>

#include <gtest/gtest.h>

#include "aws/sigv4/sigv4.h"

namespace findme::aws::sigv4 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kKeyId = "AKIDFINDMEEXAMPLE";
constexpr std::string_view kSecret = "findme/K7MDENG+bPxRfiCYEXAMPLESECRET";
constexpr std::string_view kListBody = R"({"MaxResults": 10})";
constexpr std::string_view kListAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDFINDMEEXAMPLE/20261206/us-east-1/rekognition/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=24ff712b908cb2839e7173616333a8718a1d856ac2109fc8c44151f3a4aa163f";

constexpr Timestamp kSignedAt{std::chrono::sys_days{std::chrono::year{2026} / 12 / 6} +
                              std::chrono::hours{12}};

// boto3.client("rekognition", endpoint_url="http://127.0.0.1:8080/aws").list_collections(
// MaxResults=10), headers in botocore's order. User-Agent and the amz-sdk-* headers are not signed
// (botocore leaves User-Agent out and adds the others after signing); their values here are
// examples.
SignedRequest list_collections() {
  return SignedRequest{
      .method = "POST",
      .raw_path = "/aws",  // botocore adds no slash to an endpoint_url path
      .headers = {{"X-Amz-Target", "RekognitionService.ListCollections"},
                  {"Content-Type", "application/x-amz-json-1.1"},
                  {"User-Agent", "Boto3/1.26.27 Python/3.11.2 Linux Botocore/1.29.27"},
                  {"host", "127.0.0.1:8080"},
                  {"X-Amz-Date", "20261206T120000Z"},
                  {"Authorization", std::string(kListAuthorization)},
                  {"amz-sdk-invocation-id", "3c5aea88-437b-464b-b5b7-00c6356ff7c2"},
                  {"amz-sdk-request", "attempt=1"},
                  {"Content-Length", "18"}},
      .body = kListBody};
}

std::string& header(SignedRequest& request, std::string_view name) {
  for (auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return request.headers.emplace_back(std::string(name), "").second;
}

void remove_header(SignedRequest& request, std::string_view name) {
  std::erase_if(request.headers, [&](const auto& h) { return h.first == name; });
}

// Re-signs `request` with our own signer for the cases botocore cannot produce (a header left
// unsigned, another region): only the property under test is then wrong.
void resign(SignedRequest& request, const std::vector<std::string>& signed_headers,
            std::string_view region = "us-east-1", std::string_view service = "rekognition") {
  remove_header(request, "Authorization");
  AwsResult<std::string> value =
      authorization_header(request, kKeyId, kSecret, region, service, signed_headers);
  ASSERT_TRUE(value) << value.error().message;
  request.headers.emplace_back("Authorization", *value);
}

AwsResult<void> check(const SignedRequest& request, Timestamp now = kSignedAt,
                      std::string_view secret = kSecret, const VerifyOptions& options = {}) {
  AwsResult<ParsedRequest> parsed = parse_request(request);
  if (!parsed) return parsed.error();
  return verify(request, *parsed, secret, now, options);
}

void expect_refused(const AwsResult<void>& result, std::string_view name,
                    std::string_view message_part) {
  ASSERT_FALSE(result) << "accepted; expected " << name;
  EXPECT_EQ(result.error().name, name) << result.error().message;
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

void expect_mismatch(const AwsResult<void>& result) {
  expect_refused(result, kInvalidSignature,
                 "The request signature we calculated does not match the signature you provided.");
  if (!result) {
    EXPECT_NE(result.error().detail.find("canonical request:\nPOST\n"), std::string::npos);
  }
}

TEST(SigV4BotocoreTest, ListCollectionsVerifies) {
  const SignedRequest request = list_collections();
  AwsResult<ParsedRequest> parsed = parse_request(request);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->access_key_id(), kKeyId);
  EXPECT_EQ(parsed->region(), "us-east-1");
  EXPECT_EQ(parsed->amz_date, "20261206T120000Z");

  AwsResult<void> verified = verify(request, *parsed, kSecret, kSignedAt);

  EXPECT_TRUE(verified) << verified.error().message << "\n" << verified.error().detail;
}

TEST(SigV4BotocoreTest, TrailingSlashEndpointVerifies) {
  SignedRequest request = list_collections();
  request.raw_path = "/aws/";  // endpoint_url="http://127.0.0.1:8080/aws/"
  request.body = "{}";
  header(request, "Authorization") =
      "AWS4-HMAC-SHA256 Credential=AKIDFINDMEEXAMPLE/20261206/us-east-1/rekognition/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=8def6ebf459c2a7862e1051736f7dc0da5bca19740bc5d6919e6dec9bf3d7b81";

  AwsResult<void> verified = check(request);

  EXPECT_TRUE(verified) << verified.error().message << "\n" << verified.error().detail;
}

TEST(SigV4BotocoreTest, SessionTokenRequestInAnotherRegionVerifies) {
  const SignedRequest request{
      .method = "POST",
      .raw_path = "/aws",
      .headers = {{"X-Amz-Target", "RekognitionService.DeleteCollection"},
                  {"Content-Type", "application/x-amz-json-1.1"},
                  {"host", "localhost:8080"},
                  {"X-Amz-Security-Token", "findme-session-token"},
                  {"X-Amz-Date", "20261206T120000Z"},
                  {"Authorization",
                   "AWS4-HMAC-SHA256 Credential=AKIDFINDMEEXAMPLE/20261206/eu-west-1/rekognition/"
                   "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                   "x-amz-target, "
                   "Signature=444b3d0b2da15ae1b4941e949da2646fdb95bffa341a61eb882957c834362b37"},
                  {"Content-Length", "31"}},
      .body = R"({"CollectionId": "harbour run"})"};

  AwsResult<ParsedRequest> parsed = parse_request(request);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->region(), "eu-west-1");
  AwsResult<void> verified = verify(request, *parsed, kSecret, kSignedAt);
  EXPECT_TRUE(verified) << verified.error().message << "\n" << verified.error().detail;
}

TEST(SigV4BotocoreTest, WhatSigningIgnoresMayChange) {
  SignedRequest request = list_collections();
  header(request, "User-Agent") = "aws-cli/2";                          // unsigned
  header(request, "Content-Type") = "  application/x-amz-json-1.1   ";  // trimmed when signed
  header(request, "host") = "127.0.0.1:8080";
  request.headers.front().first = "X-AMZ-TARGET";  // names are case-insensitive
  request.headers.emplace_back("Accept-Encoding", "identity");

  AwsResult<void> verified = check(request);

  EXPECT_TRUE(verified) << verified.error().message << "\n" << verified.error().detail;
}

TEST(SigV4BotocoreTest, TamperedRequestsAreMismatches) {
  SignedRequest body = list_collections();
  body.body = R"({"MaxResults": 11})";
  expect_mismatch(check(body));

  SignedRequest target = list_collections();
  header(target, "X-Amz-Target") = "RekognitionService.DeleteCollection";
  expect_mismatch(check(target));

  SignedRequest host = list_collections();
  header(host, "host") = "127.0.0.1:8081";
  expect_mismatch(check(host));

  SignedRequest path = list_collections();
  path.raw_path = "/aws/other";
  expect_mismatch(check(path));

  SignedRequest query = list_collections();
  query.raw_query = "a=1";
  expect_mismatch(check(query));

  SignedRequest method = list_collections();
  method.method = "PUT";
  EXPECT_FALSE(check(method));

  SignedRequest repeated = list_collections();  // a second value joins the signed one
  repeated.headers.emplace_back("x-amz-target", "RekognitionService.DeleteCollection");
  expect_mismatch(check(repeated));
}

TEST(SigV4BotocoreTest, TamperedSignatureIsAMismatch) {
  SignedRequest request = list_collections();
  std::string& authorization = header(request, "Authorization");
  authorization.back() = authorization.back() == 'f' ? 'e' : 'f';

  expect_mismatch(check(request));
}

TEST(SigV4BotocoreTest, WrongSecretIsAMismatch) {
  expect_mismatch(check(list_collections(), kSignedAt, "findme/K7MDENG+bPxRfiCYEXAMPLESECREU"));
  expect_mismatch(check(list_collections(), kSignedAt, ""));
}

TEST(SigV4BotocoreTest, SkewIsFifteenMinutesBothWays) {
  EXPECT_TRUE(check(list_collections(), kSignedAt + minutes(15)));
  EXPECT_TRUE(check(list_collections(), kSignedAt - minutes(15)));

  expect_refused(check(list_collections(), kSignedAt + minutes(15) + seconds(1)), kInvalidSignature,
                 "Signature expired: 20261206T120000Z is now earlier than 20261206T120001Z "
                 "(20261206T121501Z - 15 min.)");
  expect_refused(check(list_collections(), kSignedAt - minutes(15) - seconds(1)), kInvalidSignature,
                 "Signature not yet current: 20261206T120000Z is still later than "
                 "20261206T115959Z (20261206T114459Z + 15 min.)");
  expect_refused(check(list_collections(), kSignedAt + std::chrono::hours(24 * 365)),
                 kInvalidSignature, "Signature expired");
}

TEST(SigV4BotocoreTest, SkewIsConfigurable) {
  const VerifyOptions strict{.max_skew = seconds(90)};
  EXPECT_TRUE(check(list_collections(), kSignedAt + seconds(90), kSecret, strict));
  expect_refused(check(list_collections(), kSignedAt + seconds(91), kSecret, strict),
                 kInvalidSignature, "(20261206T120131Z - 90 s.)");
}

TEST(SigV4BotocoreTest, MissingAuthorizationIsMissingToken) {
  SignedRequest request = list_collections();
  remove_header(request, "Authorization");

  expect_refused(check(request), kMissingAuthenticationToken, "Missing Authentication Token");
}

TEST(SigV4BotocoreTest, MalformedHeadersAreIncomplete) {
  SignedRequest two_authorizations = list_collections();
  two_authorizations.headers.emplace_back("authorization", std::string(kListAuthorization));
  expect_refused(check(two_authorizations), kIncompleteSignature, "more than one Authorization");

  SignedRequest garbage = list_collections();
  header(garbage, "Authorization") = "AWS4-HMAC-SHA256 Credential=AKIDFINDMEEXAMPLE";
  expect_refused(check(garbage), kIncompleteSignature,
                 "Authorization header requires 'SignedHeaders' parameter. Authorization header "
                 "requires 'Signature' parameter.");

  SignedRequest no_date = list_collections();
  remove_header(no_date, "X-Amz-Date");
  expect_refused(check(no_date), kIncompleteSignature, "'X-Amz-Date' header");

  SignedRequest bad_date = list_collections();
  header(bad_date, "X-Amz-Date") = "Sun, 06 Dec 2026 12:00:00 GMT";
  expect_refused(check(bad_date), kIncompleteSignature, "YYYYMMDD'T'HHMMSS'Z', got 'Sun, 06");

  SignedRequest two_dates = list_collections();
  two_dates.headers.emplace_back("x-amz-date", "20261206T120000Z");
  expect_refused(check(two_dates), kIncompleteSignature, "more than one X-Amz-Date");
}

TEST(SigV4BotocoreTest, RequiredHeadersMustBeSigned) {
  const struct {
    std::vector<std::string> signed_headers;
    std::string_view message;
  } cases[] = {
      {{"content-type", "x-amz-date", "x-amz-target"}, "'host' must be a 'SignedHeader'"},
      {{"content-type", "host", "x-amz-target"}, "'x-amz-date' must be a 'SignedHeader'"},
      {{"content-type", "host", "x-amz-date"}, "has a 'x-amz-target' header"},
  };
  for (const auto& c : cases) {
    SignedRequest request = list_collections();
    resign(request, c.signed_headers);
    expect_refused(check(request), kIncompleteSignature, c.message);
  }
  SignedRequest content_type_unsigned = list_collections();  // optional: signed or not
  resign(content_type_unsigned, {"host", "x-amz-date", "x-amz-target"});
  EXPECT_TRUE(check(content_type_unsigned));
}

TEST(SigV4BotocoreTest, SignedHeaderAbsentFromRequestIsIncomplete) {
  SignedRequest request = list_collections();
  remove_header(request, "Content-Type");

  expect_refused(check(request), kIncompleteSignature, "no 'content-type' header");
}

TEST(SigV4BotocoreTest, ScopeMustBeThisServiceTodayAndTerminated) {
  SignedRequest other_day = list_collections();
  header(other_day, "X-Amz-Date") = "20261207T000500Z";
  expect_refused(check(other_day, kSignedAt + std::chrono::hours(12)), kInvalidSignature,
                 "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                 "from HTTP: '20261206' != '20261207', from '20261207T000500Z'.");

  SignedRequest s3 = list_collections();
  resign(s3, {"content-type", "host", "x-amz-date", "x-amz-target"}, "us-east-1", "s3");
  expect_refused(check(s3), kInvalidSignature,
                 "Credential should be scoped to correct service: 'rekognition'.");

  SignedRequest terminator = list_collections();
  std::string& authorization = header(terminator, "Authorization");
  authorization.replace(authorization.find("aws4_request"), 12, "aws5_request");
  expect_refused(check(terminator), kInvalidSignature,
                 "Credential should be scoped with a valid terminator: 'aws4_request', not "
                 "'aws5_request'.");
}

TEST(SigV4BotocoreTest, AnyRegionIsAccepted) {
  SignedRequest request = list_collections();
  resign(request, {"content-type", "host", "x-amz-date", "x-amz-target"}, "findme-local-1");

  AwsResult<ParsedRequest> parsed = parse_request(request);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->region(), "findme-local-1");
  EXPECT_TRUE(verify(request, *parsed, kSecret, kSignedAt));
}

TEST(SigV4BotocoreTest, ContentSha256MustBeTheBodysAndSigned) {
  const std::vector<std::string> with_hash = {"content-type", "host", "x-amz-content-sha256",
                                              "x-amz-date", "x-amz-target"};
  SignedRequest request = list_collections();
  request.headers.emplace_back("X-Amz-Content-Sha256", hex_sha256(kListBody));
  resign(request, with_hash);
  EXPECT_TRUE(check(request));

  SignedRequest wrong = list_collections();
  wrong.headers.emplace_back("X-Amz-Content-Sha256", hex_sha256("{}"));
  resign(wrong, with_hash);
  expect_refused(check(wrong), kInvalidSignature, "'x-amz-content-sha256' header does not match");

  SignedRequest unsigned_payload = list_collections();
  unsigned_payload.headers.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
  resign(unsigned_payload, with_hash);
  expect_refused(check(unsigned_payload), kInvalidSignature, "does not match");

  SignedRequest not_signed = list_collections();
  not_signed.headers.emplace_back("X-Amz-Content-Sha256", hex_sha256(kListBody));
  expect_refused(check(not_signed), kIncompleteSignature, "has a 'x-amz-content-sha256' header");
}

}  // namespace
}  // namespace findme::aws::sigv4
