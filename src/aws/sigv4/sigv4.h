// AWS Signature Version 4 verification for findme's Rekognition-compatible API (issue #11): a
// pure library, no sockets and no clock, so that every case is a unit test.
//
// A caller holding a received request does, in this order:
//   1. parse_request(request): the Authorization header and X-Amz-Date, read. Errors name
//      kMissingAuthenticationToken or kIncompleteSignature.
//   2. look up parsed->access_key_id() in its key store; an unknown key is answered with
//      unrecognized_client() (UnrecognizedClientException).
//   3. verify(request, *parsed, secret, now): the scope, the time and the signature. Errors name
//      kInvalidSignature (or kIncompleteSignature for a signed header absent from the request).
// Then the scope's region (parsed->region()) is echoed back wherever AWS would.
// Presigned URLs (X-Amz-Signature in the query) and SigV4a are not supported: such a request has
// no Authorization header and is answered kMissingAuthenticationToken.
//
// Thread-safety: every function is pure and may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4/authorization_header.h"
#include "aws/sigv4/aws_error.h"
#include "aws/sigv4/canonical_request.h"
#include "core/clock.h"

namespace findme::aws::sigv4 {

// A request whose Authorization header and X-Amz-Date have been read, not yet verified.
struct ParsedRequest {
  Authorization authorization;
  std::string amz_date;             // X-Amz-Date as sent: YYYYMMDDTHHMMSSZ (UTC)
  std::chrono::sys_seconds time{};  // the same instant

  // The key to look up the secret by; the region to echo back.
  const std::string& access_key_id() const { return authorization.credential.access_key_id; }
  const std::string& region() const { return authorization.credential.region; }
};

// Reads the Authorization header and X-Amz-Date of `request`.
// Fails with:
//  - kMissingAuthenticationToken: no Authorization header.
//  - kIncompleteSignature: more than one Authorization or X-Amz-Date header; a malformed
//    Authorization header (parse_authorization_header); no X-Amz-Date, or one that is not a valid
//    YYYYMMDDTHHMMSSZ time; SignedHeaders lacking host or x-amz-date, or lacking x-amz-target,
//    x-amz-security-token or x-amz-content-sha256 while the request carries that header (each
//    changes what the request means, and botocore signs them all).
AwsResult<ParsedRequest> parse_request(const SignedRequest& request);

struct VerifyOptions {
  // The service the credential scope must name. AWS's published test suite signs for "service".
  std::string_view service = "rekognition";
  // How far X-Amz-Date may be from `now`, either way: AWS's 15 minutes.
  std::chrono::seconds max_skew = std::chrono::minutes(15);
};

// Verifies `parsed` (from parse_request on the same `request`) with the secret of its key.
// Any region is accepted. Fails, in this order of checks, with kInvalidSignature when:
//  - the scope's terminator is not "aws4_request", or its service is not options.service;
//  - the scope's date is not X-Amz-Date's date;
//  - X-Amz-Date is more than options.max_skew before `now` ("Signature expired: ... is now
//    earlier than ...") or after it ("Signature not yet current: ... is still later than ...");
//  - x-amz-content-sha256 is present and is not the hex SHA-256 of the body;
//  - the signature is not the one computed (compared in constant time): "The request signature
//    we calculated does not match the signature you provided. ...", with the canonical request
//    and string to sign in AwsError::detail for the log.
// Fails with kIncompleteSignature when a signed header is not in the request.
AwsResult<void> verify(const SignedRequest& request, const ParsedRequest& parsed,
                       std::string_view secret_access_key, Timestamp now,
                       const VerifyOptions& options = {});

// The building blocks, public for tests, logs and clients of findme's own tests.

// "YYYYMMDD/REGION/SERVICE/aws4_request".
std::string credential_scope(const CredentialScope& scope);

// "AWS4-HMAC-SHA256\n" AMZ_DATE "\n" SCOPE "\n" hex_sha256(canonical_request).
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// HMAC-SHA256 chain: "AWS4" + secret, then date, region, service and "aws4_request".
Digest signing_key(std::string_view secret_access_key, std::string_view date,
                   std::string_view region, std::string_view service);

// HMAC-SHA256(signing_key, string_to_sign).
Digest signature(const Digest& signing_key, std::string_view string_to_sign);

// Lower-case hex of a digest, as the Authorization header carries it.
std::string to_hex(const Digest& digest);

// X-Amz-Date's form, both ways: "20261206T120000Z". Parsing gives nullopt for anything but
// sixteen characters of a valid UTC time.
std::optional<std::chrono::sys_seconds> parse_amz_date(std::string_view text);
std::string format_amz_date(std::chrono::sys_seconds time);

// What a client puts in Authorization for `request`, signing `signed_headers` (lower-case,
// sorted, unique, all present in the request, which must carry X-Amz-Date) with this key. For
// tests and tools that play the client; fails as canonical_request() does, or with
// kIncompleteSignature when X-Amz-Date is missing or invalid.
AwsResult<std::string> authorization_header(const SignedRequest& request,
                                            std::string_view access_key_id,
                                            std::string_view secret_access_key,
                                            std::string_view region, std::string_view service,
                                            const std::vector<std::string>& signed_headers);

}  // namespace findme::aws::sigv4
