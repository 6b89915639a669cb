// Parses the Authorization header of an AWS Signature Version 4 request:
//   AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/rekognition/aws4_request,
//   SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<64 hex digits>
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4/aws_error.h"

namespace findme::aws::sigv4 {

// HMAC-SHA256 output: a signature, or a key of the signing-key chain.
using Digest = std::array<unsigned char, 32>;

// Credential=KEY/DATE/REGION/SERVICE/TERMINATOR, split. Only the form is checked here (five
// non-empty parts, DATE eight digits); verify() decides whether SERVICE and TERMINATOR are right.
struct CredentialScope {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;  // "aws4_request" when valid
};

struct Authorization {
  CredentialScope credential;
  // As the client listed them: lower-case HTTP token names, sorted, no repeats.
  std::vector<std::string> signed_headers;
  Digest signature{};  // decoded from 64 hex digits (either case)
};

// Reads one Authorization header value. Tolerates white space around the value, after the
// algorithm and around the commas (botocore writes ", "); the parameters may come in any order.
// Fails with kIncompleteSignature, saying what is wrong, when the algorithm is not
// AWS4-HMAC-SHA256, a parameter is missing, repeated, unknown or empty, the credential does not
// have its five parts, a signed header name is not lower case or the list is not sorted and
// unique, or the signature is not 64 hex digits.
AwsResult<Authorization> parse_authorization_header(std::string_view value);

}  // namespace findme::aws::sigv4
