// The Authorization header parser on what botocore sends and on malformed headers.
#include "aws/sigv4/authorization_header.h"

#include <string>

#include <gtest/gtest.h>

namespace findme::aws::sigv4 {
namespace {

// botocore 1.29.27's header for ListCollections (tests/aws/sign_example.py).
constexpr std::string_view kBotocoreHeader =
    "AWS4-HMAC-SHA256 Credential=AKIDFINDMEEXAMPLE/20261206/us-east-1/rekognition/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=24ff712b908cb2839e7173616333a8718a1d856ac2109fc8c44151f3a4aa163f";

constexpr std::string_view kSignature =
    "24ff712b908cb2839e7173616333a8718a1d856ac2109fc8c44151f3a4aa163f";

TEST(AuthorizationHeaderTest, ReadsBotocoreHeader) {
  AwsResult<Authorization> parsed = parse_authorization_header(kBotocoreHeader);

  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->credential.access_key_id, "AKIDFINDMEEXAMPLE");
  EXPECT_EQ(parsed->credential.date, "20261206");
  EXPECT_EQ(parsed->credential.region, "us-east-1");
  EXPECT_EQ(parsed->credential.service, "rekognition");
  EXPECT_EQ(parsed->credential.terminator, "aws4_request");
  EXPECT_EQ(parsed->signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-amz-date", "x-amz-target"}));
  EXPECT_EQ(parsed->signature[0], 0x24);
  EXPECT_EQ(parsed->signature[31], 0x3f);
}

TEST(AuthorizationHeaderTest, ToleratesSpacingOrderAndHexCase) {
  const std::string upper_signature =
      "24FF712B908CB2839E7173616333A8718A1D856AC2109FC8C44151F3A4AA163F";
  for (const std::string& header : {
           std::string("AWS4-HMAC-SHA256 Credential=A/20261206/r/s/aws4_request,SignedHeaders=host;"
                       "x-amz-date,Signature=") +
               std::string(kSignature),
           std::string("  AWS4-HMAC-SHA256   Credential=A/20261206/r/s/aws4_request ,\t "
                       "SignedHeaders=host;x-amz-date ,  Signature=") +
               std::string(kSignature) + "  ",
           std::string("AWS4-HMAC-SHA256 Signature=") + upper_signature +
               ", SignedHeaders=host;x-amz-date, Credential=A/20261206/r/s/aws4_request",
       }) {
    AwsResult<Authorization> parsed = parse_authorization_header(header);
    ASSERT_TRUE(parsed) << header << ": " << parsed.error().message;
    EXPECT_EQ(parsed->credential.access_key_id, "A");
    EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(parsed->signature[1], 0xff);
  }
}

struct Malformed {
  std::string header;
  std::string message_part;  // what the message must say
};

TEST(AuthorizationHeaderTest, RefusesMalformedHeadersSayingWhy) {
  const std::string sig(kSignature);
  const std::string good_credential = "Credential=A/20261206/us-east-1/rekognition/aws4_request";
  const std::string good_signed = "SignedHeaders=host;x-amz-date";
  const std::string good_sig = "Signature=" + sig;
  const std::string prefix = "AWS4-HMAC-SHA256 ";
  const std::vector<Malformed> cases = {
      {"", "Unsupported AWS 'algorithm': ''"},
      {"   ", "Unsupported AWS 'algorithm'"},
      {"Bearer abc", "Unsupported AWS 'algorithm': 'Bearer'"},
      {"AWS4-HMAC-SHA512 " + good_credential, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"},
      {"aws4-hmac-sha256 " + good_credential, "Unsupported AWS 'algorithm'"},
      {"AWS AKID:signature", "Unsupported AWS 'algorithm': 'AWS'"},  // Signature Version 2
      {"AWS4-HMAC-SHA256", "requires 'Credential' parameter"},
      {prefix, "requires 'SignedHeaders' parameter"},
      {prefix + good_signed + ", " + good_sig, "requires 'Credential' parameter."},
      {prefix + good_credential + ", " + good_sig, "requires 'SignedHeaders' parameter."},
      {prefix + good_credential + ", " + good_signed, "requires 'Signature' parameter."},
      {prefix + good_credential + ", " + good_signed + ", Signature=", "requires 'Signature'"},
      {prefix + good_credential + ", " + good_signed + ", " + good_sig + ",", "got ''"},
      {prefix + good_credential + ",, " + good_signed + ", " + good_sig, "got ''"},
      {prefix + good_credential + ", " + good_signed + ", " + good_sig + ", " + good_sig,
       "repeats the 'Signature' parameter"},
      {prefix + good_credential + ", " + good_signed + ", " + good_sig + ", Extra=1",
       "got 'Extra=1'"},
      {prefix + good_credential + " " + good_signed + ", " + good_sig, "white space"},
      {prefix + "Credential = A/20261206/r/s/aws4_request, " + good_signed + ", " + good_sig,
       "got 'Credential = A/20261206/r/s/aws4_request'"},
      {prefix + "credential=A/20261206/r/s/aws4_request, " + good_signed + ", " + good_sig,
       "got 'credential="},
      {prefix + "Credential=A/20261206/r/s, " + good_signed + ", " + good_sig,
       "exactly 5 slash-delimited elements"},
      {prefix + "Credential=A/20261206/r/s/aws4_request/x, " + good_signed + ", " + good_sig,
       "exactly 5 slash-delimited elements"},
      {prefix + "Credential=/20261206/r/s/aws4_request, " + good_signed + ", " + good_sig,
       "empty element"},
      {prefix + "Credential=A/20261206//s/aws4_request, " + good_signed + ", " + good_sig,
       "empty element"},
      {prefix + "Credential=A/2026126/r/s/aws4_request, " + good_signed + ", " + good_sig,
       "YYYYMMDD"},
      {prefix + "Credential=A/2026-12-06/r/s/aws4_request, " + good_signed + ", " + good_sig,
       "YYYYMMDD"},
      {prefix + good_credential + ", SignedHeaders=Host;x-amz-date, " + good_sig, "lower-case"},
      {prefix + good_credential + ", SignedHeaders=host;;x-amz-date, " + good_sig, "empty name"},
      {prefix + good_credential + ", SignedHeaders=host;, " + good_sig, "empty name"},
      {prefix + good_credential + ", SignedHeaders=x-amz-date;host, " + good_sig, "sorted"},
      {prefix + good_credential + ", SignedHeaders=host;host, " + good_sig, "without repeats"},
      {prefix + good_credential + ", SignedHeaders=host;x:y, " + good_sig, "lower-case"},
      {prefix + good_credential + ", " + good_signed + ", Signature=" + sig.substr(1),
       "64 hexadecimal digits, got 63"},
      {prefix + good_credential + ", " + good_signed + ", Signature=" + sig + "0",
       "64 hexadecimal digits, got 65"},
      {prefix + good_credential + ", " + good_signed + ", Signature=" + sig.substr(1) + "g",
       "64 hexadecimal digits: '"},
      {prefix + std::string("Credential=A\xff/20261206/r/s/aws4_request, Signature=") + "\x01",
       "requires 'SignedHeaders'"},
  };
  for (const Malformed& c : cases) {
    AwsResult<Authorization> parsed = parse_authorization_header(c.header);
    ASSERT_FALSE(parsed) << c.header;
    EXPECT_EQ(parsed.error().name, kIncompleteSignature) << c.header;
    EXPECT_NE(parsed.error().message.find(c.message_part), std::string::npos)
        << c.header << ": " << parsed.error().message;
  }
}

TEST(AuthorizationHeaderTest, EchoesClientBytesOnlyAsPrintableAscii) {
  AwsResult<Authorization> parsed = parse_authorization_header(
      "AWS4-HMAC-SHA256 Credential=A\xc3\x28\x01/x, SignedHeaders=host, "
      "Signature=00");

  ASSERT_FALSE(parsed);
  for (const char c : parsed.error().message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << parsed.error().message;
  }
}

TEST(AuthorizationHeaderTest, TruncatedHeadersAreRefusedNotMisread) {
  const std::string header(kBotocoreHeader);
  for (std::size_t size = 0; size < header.size(); ++size) {
    AwsResult<Authorization> parsed = parse_authorization_header(header.substr(0, size));
    EXPECT_FALSE(parsed) << size;
  }
}

}  // namespace
}  // namespace findme::aws::sigv4
