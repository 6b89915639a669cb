// Rekognition's error names and how they go on the wire (awsJson1_1: a JSON body with `__type`
// and `message`, which botocore turns into the client's exception class). Names and meanings
// follow botocore's service description (botocore/data/rekognition/2016-06-27/service-2.json).
#pragma once

#include <string_view>

#include "api/response.h"
#include "aws/sigv4/aws_error.h"
#include "core/error.h"
#include "core/result.h"

namespace findme::aws {

using sigv4::AwsError;
using sigv4::AwsResult;

inline constexpr std::string_view kInvalidParameter = "InvalidParameterException";
inline constexpr std::string_view kResourceNotFound = "ResourceNotFoundException";
inline constexpr std::string_view kResourceAlreadyExists = "ResourceAlreadyExistsException";
inline constexpr std::string_view kInvalidImageFormat = "InvalidImageFormatException";
inline constexpr std::string_view kImageTooLarge = "ImageTooLargeException";
inline constexpr std::string_view kInvalidPaginationToken = "InvalidPaginationTokenException";
inline constexpr std::string_view kThroughputExceeded = "ProvisionedThroughputExceededException";
inline constexpr std::string_view kAccessDenied = "AccessDeniedException";
inline constexpr std::string_view kInternalServerError = "InternalServerError";
inline constexpr std::string_view kServiceQuotaExceeded = "ServiceQuotaExceededException";
// Protocol-level errors of AWS's JSON services.
inline constexpr std::string_view kUnknownOperation = "UnknownOperationException";
inline constexpr std::string_view kSerialization = "SerializationException";

inline AwsError aws_error(std::string_view name, std::string message) {
  return AwsError{.name = name, .message = std::move(message), .detail = {}};
}

// The HTTP status AWS gives the error: 500 for InternalServerError, 403 for the signature
// errors, 400 for every other (throughput refusals included: botocore retries those by name).
int http_status(const AwsError& error);

// The error body with x-amzn-RequestId (= request_id) and the awsJson1_1 content type.
api::Response error_response(const AwsError& error, std::string_view request_id);

// The Rekognition error for a domain error.
AwsError from_error(const Error& error);

}  // namespace findme::aws
