#include "aws/errors.h"

#include <gtest/gtest.h>

namespace findme::aws {
namespace {

using nlohmann::json;

std::optional<std::string> header_of(const api::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

TEST(HttpStatusTest, SignatureErrorsAre403InternalErrors500AndTheRest400) {
  for (std::string_view name : {sigv4::kMissingAuthenticationToken, sigv4::kIncompleteSignature,
                                sigv4::kInvalidSignature}) {
    EXPECT_EQ(http_status(aws_error(name, "")), 403) << name;
  }
  EXPECT_EQ(http_status(aws_error(kInternalServerError, "")), 500);
  for (std::string_view name :
       {kInvalidParameter, kResourceNotFound, kResourceAlreadyExists, kInvalidImageFormat,
        kImageTooLarge, kInvalidPaginationToken, kThroughputExceeded, kAccessDenied,
        kServiceQuotaExceeded, kUnknownOperation, kSerialization, sigv4::kUnrecognizedClient}) {
    EXPECT_EQ(http_status(aws_error(name, "")), 400) << name;
  }
}

TEST(ErrorResponseTest, BodyIsTypeAndMessageWithTheRequestIdAndJsonContentType) {
  const api::Response r =
      error_response(aws_error(kResourceNotFound, "The collection id: x does not exist"), "rid-7");

  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body), (json{{"__type", "ResourceNotFoundException"},
                                       {"message", "The collection id: x does not exist"}}));
  EXPECT_EQ(header_of(r, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(header_of(r, "x-amzn-RequestId"), "rid-7");
  EXPECT_FALSE(header_of(r, "Retry-After"));
  EXPECT_FALSE(r.wait);
}

TEST(ErrorResponseTest, ThroughputRefusalsSayWhenToRetry) {
  const api::Response r = error_response(aws_error(kThroughputExceeded, "busy"), "rid");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(header_of(r, "Retry-After"), "1");
  EXPECT_EQ(json::parse(r.body).at("__type"), "ProvisionedThroughputExceededException");
}

TEST(ErrorResponseTest, SignatureErrorsAre403AndInvalidUtf8StaysValidJson) {
  const api::Response r =
      error_response(aws_error(sigv4::kInvalidSignature, "bad \xff byte"), "rid");
  EXPECT_EQ(r.status, 403);
  const json body = json::parse(r.body);  // throws on invalid JSON
  EXPECT_EQ(body.at("__type"), "InvalidSignatureException");
  EXPECT_EQ(body.at("message").get<std::string>().rfind("bad ", 0), 0u);
}

TEST(FromErrorTest, EveryErrcHasARekognitionName) {
  const std::pair<Errc, std::string_view> cases[] = {
      {Errc::invalid_request, kInvalidParameter},
      {Errc::invalid_image, kInvalidImageFormat},
      {Errc::no_face_found, kInvalidParameter},
      {Errc::invalid_event_code, kInvalidParameter},
      {Errc::unauthorized, kAccessDenied},
      {Errc::forbidden, kAccessDenied},
      {Errc::not_found, kResourceNotFound},
      {Errc::email_taken, kInvalidParameter},
      {Errc::payload_too_large, kImageTooLarge},
      {Errc::unsupported_media_type, kInvalidImageFormat},
      {Errc::busy, kThroughputExceeded},
      {Errc::too_many_attempts, kThroughputExceeded},
      {Errc::internal, kInternalServerError},
      {Errc::unavailable, kInternalServerError},
  };
  for (const auto& [code, name] : cases) {
    EXPECT_EQ(from_error(Error{code, "why"}).name, name) << to_string(code);
  }
}

TEST(FromErrorTest, MessagesAreKeptAndImageFormatOnesSaySo) {
  EXPECT_EQ(from_error(Error{Errc::not_found, "The collection id: x does not exist"}).message,
            "The collection id: x does not exist");
  EXPECT_EQ(from_error(Error{Errc::invalid_image, "The image is corrupt."}).message,
            "Request has invalid image format: The image is corrupt.");
  EXPECT_EQ(from_error(Error{Errc::internal, ""}).message,
            "The server could not complete the request.");
  EXPECT_EQ(from_error(Error{Errc::unavailable, "The database is busy."}).message,
            "The database is busy.");
}

}  // namespace
}  // namespace findme::aws
