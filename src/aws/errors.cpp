#include "aws/errors.h"

#include <string>

namespace findme::aws {

int http_status(const AwsError& error) {
  if (error.name == kInternalServerError) return 500;
  if (error.name == sigv4::kMissingAuthenticationToken ||
      error.name == sigv4::kIncompleteSignature || error.name == sigv4::kInvalidSignature) {
    return 403;
  }
  return 400;
}

api::Response error_response(const AwsError& error, std::string_view request_id) {
  api::Response r;
  r.status = http_status(error);
  r.body = nlohmann::json{{"__type", error.name}, {"message", error.message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.set_header("Content-Type", "application/x-amz-json-1.1");
  r.set_header("x-amzn-RequestId", std::string(request_id));
  if (error.name == kThroughputExceeded) r.set_header("Retry-After", "1");
  return r;
}

AwsError from_error(const Error& error) {
  switch (error.code) {
    case Errc::invalid_request:
    case Errc::no_face_found:
    case Errc::invalid_event_code:
    case Errc::email_taken:
      return aws_error(kInvalidParameter, error.message);
    case Errc::invalid_image:
    case Errc::unsupported_media_type:
      return aws_error(kInvalidImageFormat, "Request has invalid image format: " + error.message);
    case Errc::payload_too_large:
      return aws_error(kImageTooLarge, error.message);
    case Errc::not_found:
      return aws_error(kResourceNotFound, error.message);
    case Errc::unauthorized:
    case Errc::forbidden:
      return aws_error(kAccessDenied, error.message);
    case Errc::busy:
    case Errc::too_many_attempts:
      return aws_error(kThroughputExceeded, error.message);
    case Errc::internal:
    case Errc::unavailable:
      break;
  }
  return aws_error(kInternalServerError, error.message.empty()
                                             ? "The server could not complete the request."
                                             : error.message);
}

}  // namespace findme::aws
