// The errors of AWS Signature Version 4 verification under the names AWS sends on the wire (an
// Errc has no room for the name a boto3 client turns into its exception class).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace findme::aws::sigv4 {

// The `__type` of the JSON error body (awsJson1_1), as AWS names them.
// No Authorization header at all.
inline constexpr std::string_view kMissingAuthenticationToken =
    "MissingAuthenticationTokenException";
// An Authorization header or X-Amz-Date that is malformed or lacks a part.
inline constexpr std::string_view kIncompleteSignature = "IncompleteSignatureException";
// Well formed, but wrong: the signature does not match, the time is outside the allowed skew,
// or the credential scope is not this service's.
inline constexpr std::string_view kInvalidSignature = "InvalidSignatureException";
// The access key id is not known. Never produced here (only the caller's key store knows the
// keys): the caller answers it, with unrecognized_client().
inline constexpr std::string_view kUnrecognizedClient = "UnrecognizedClientException";

struct AwsError {
  std::string_view name;  // one of the k* names above (static storage)
  // For the client, in AWS's wording where AWS has one. Printable ASCII only: the bytes a client
  // sent are echoed through printable(), so any JSON writer can carry it.
  std::string message;
  // For the server's log only (never sent): on a signature mismatch, the canonical request and
  // string to sign the server computed, to compare with the client's debug log.
  std::string detail;
};

// The error a caller sends when parse_request()'s access key id is not in its store
// (kUnrecognizedClient, "The security token included in the request is invalid.").
AwsError unrecognized_client();

// `bytes` made safe to quote in a message: at most `max_size` bytes (then "..."), and every byte
// outside printable ASCII replaced by '?'.
std::string printable(std::string_view bytes, std::size_t max_size = 64);

// A value or an AwsError: findme::Result with AWS's error names.
template <class T>
using AwsResult = Result<T, AwsError>;

}  // namespace findme::aws::sigv4
