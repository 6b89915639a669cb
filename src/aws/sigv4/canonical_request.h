// The canonical request of AWS Signature Version 4: the one string both sides hash, built from the
// request exactly as received (no sockets: the caller hands in method, path, query, headers and
// body). Follows AWS's "Create a canonical request" for services other than S3, and botocore's
// SigV4Auth where the two could be read differently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/sigv4/aws_error.h"

namespace findme::aws::sigv4 {

// A request as it arrived. Views must outlive every call they are passed to.
struct SignedRequest {
  std::string_view method;     // as received, e.g. "POST"
  std::string_view raw_path;   // the target's path as received, still percent-encoded: "/aws/"
  std::string_view raw_query;  // after the '?', as received; empty when there is none
  // Every header as received: names in any case, a repeated name once per occurrence, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

// The values of every header named `name` (case-insensitively), in the order received.
std::vector<std::string_view> header_values(const SignedRequest& request, std::string_view name);

// The path with "." and ".." segments resolved and runs of '/' collapsed (RFC 3986 5.2.4, as
// botocore's normalize_url_path does), then percent-encoded once more: every byte but
// A-Z a-z 0-9 - . _ ~ and '/' becomes %XX, so an escape received as "%20" is signed as "%2520".
// An empty path is "/".
std::string canonical_uri(std::string_view raw_path);

// Each name and value percent-decoded ('+' is a plain '+') and encoded again with the strict
// rule of canonical_uri() (no '/' kept), "name=value" (a name without '=' gets an empty value),
// sorted by name then value, joined by '&'. Empty parameters ("a&&b") are dropped; an invalid
// escape is kept as the literal bytes it is made of.
std::string canonical_query_string(std::string_view raw_query);

// "name:value" of one signed header: every value of it in the request, each trimmed and with
// inner runs of white space collapsed to one space, joined by ','.
std::string canonical_header(const SignedRequest& request, std::string_view lower_name);

// Lower-case hex SHA-256 of `bytes` (the payload hash and the canonical request's hash).
std::string hex_sha256(std::string_view bytes);

// METHOD \n URI \n QUERY \n one "name:value\n" per signed header \n SIGNED;HEADERS \n PAYLOAD_HASH.
// `signed_headers` are lower-case, sorted and unique (parse_authorization_header's guarantee);
// `payload_hash` is hex_sha256(request.body) or what the request's x-amz-content-sha256 says.
// Fails with kIncompleteSignature when a signed header is absent from the request.
AwsResult<std::string> canonical_request(const SignedRequest& request,
                                         const std::vector<std::string>& signed_headers,
                                         std::string_view payload_hash);

}  // namespace findme::aws::sigv4
