// libFuzzer harness: AWS Signature Version 4 verification (src/aws/sigv4): the Authorization
// header parser, the canonical request builder and the checks around them. The input is a request
// in HTTP/1.1 shape:
//
//   METHOD SP TARGET LF      (TARGET = path, then optionally '?' and the query)
//   NAME: VALUE LF           (any number; each value is also parsed as an Authorization header)
//   LF
//   BODY
//
// Invariants: what the parsers accept has the shape their contracts promise; every message is
// printable ASCII; the canonical query string is canonical (building it again changes nothing);
// and a request signed by authorization_header() verifies, while the same request with one bit of
// the signature flipped does not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sigv4/sigv4.h"
#include "aws/sigv4/text.h"

namespace {

using findme::aws::sigv4::AwsError;
using findme::aws::sigv4::AwsResult;
using findme::aws::sigv4::SignedRequest;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_message(const AwsError& error) {
  for (const char c : error.message) check(c >= 0x20 && c < 0x7f);
  check(!error.name.empty());
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view next_line(std::string_view& input) {
  const std::size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

SignedRequest read_request(std::string_view input) {
  SignedRequest request;
  const std::string_view request_line = next_line(input);
  const std::size_t space = request_line.find(' ');
  request.method = request_line.substr(0, space);
  const std::string_view target =
      space == std::string_view::npos ? std::string_view() : request_line.substr(space + 1);
  const std::size_t question = target.find('?');
  request.raw_path = target.substr(0, question);
  if (question != std::string_view::npos) request.raw_query = target.substr(question + 1);
  while (!input.empty()) {
    const std::string_view line = next_line(input);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(line.substr(colon + 1)));
  }
  request.body = input;
  return request;
}

void check_authorization_parser(std::string_view value) {
  AwsResult<findme::aws::sigv4::Authorization> parsed =
      findme::aws::sigv4::parse_authorization_header(value);
  if (!parsed) {
    check_message(parsed.error());
    return;
  }
  const findme::aws::sigv4::CredentialScope& scope = parsed->credential;
  check(!scope.access_key_id.empty() && scope.date.size() == 8 && !scope.region.empty() &&
        !scope.service.empty() && !scope.terminator.empty());
  check(!parsed->signed_headers.empty());
  for (std::size_t i = 0; i < parsed->signed_headers.size(); ++i) {
    const std::string& name = parsed->signed_headers[i];
    check(!name.empty());
    check(std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    if (i > 0) check(parsed->signed_headers[i - 1] < name);
  }
}

void check_canonical_pieces(const SignedRequest& request) {
  const std::string uri = findme::aws::sigv4::canonical_uri(request.raw_path);
  // Origin-form paths stay rooted; anything else (".", "x") is canonicalised as botocore does.
  if (request.raw_path.empty() || request.raw_path.front() == '/') check(uri.front() == '/');
  for (const char c : uri) check(is_unreserved(c) || c == '/' || c == '%');
  const std::string query = findme::aws::sigv4::canonical_query_string(request.raw_query);
  for (const char c : query) check(is_unreserved(c) || c == '%' || c == '=' || c == '&');
  check(findme::aws::sigv4::canonical_query_string(query) == query);
}

// Signs the request as a client would and checks that it verifies, and that a flipped bit does not.
void check_round_trip(SignedRequest request) {
  namespace sigv4 = findme::aws::sigv4;
  const std::vector<std::string_view> dates = sigv4::header_values(request, "x-amz-date");
  if (dates.size() != 1 || sigv4::header_values(request, "host").empty()) return;
  const std::optional<std::chrono::sys_seconds> time =
      sigv4::parse_amz_date(sigv4::trim_ascii_space(dates.front()));
  if (!time || !sigv4::header_values(request, "x-amz-content-sha256").empty()) return;
  std::vector<std::string> names = {"host", "x-amz-date"};
  for (const char* optional : {"x-amz-security-token", "x-amz-target"}) {
    if (!sigv4::header_values(request, optional).empty()) names.emplace_back(optional);
  }
  std::erase_if(request.headers,
                [](const auto& h) { return sigv4::ascii_iequals(h.first, "authorization"); });
  AwsResult<std::string> authorization = sigv4::authorization_header(
      request, "AKIDFUZZ", "fuzz-secret", "fuzz-1", "rekognition", names);
  check(authorization.has_value());
  request.headers.emplace_back("Authorization", *authorization);

  AwsResult<sigv4::ParsedRequest> parsed = sigv4::parse_request(request);
  check(parsed.has_value());
  const findme::Timestamp now{*time};
  check(sigv4::verify(request, *parsed, "fuzz-secret", now).has_value());
  parsed->authorization.signature[0] ^= 1;
  AwsResult<void> tampered = sigv4::verify(request, *parsed, "fuzz-secret", now);
  check(!tampered && tampered.error().name == sigv4::kInvalidSignature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sigv4 = findme::aws::sigv4;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const SignedRequest request = read_request(input);
  for (const auto& [name, value] : request.headers) check_authorization_parser(value);
  check_canonical_pieces(request);

  AwsResult<sigv4::ParsedRequest> parsed = sigv4::parse_request(request);
  if (parsed) {
    const findme::Timestamp now{parsed->time};
    const AwsResult<void> verified = sigv4::verify(request, *parsed, "fuzz-secret", now);
    if (!verified) check_message(verified.error());
  } else {
    check_message(parsed.error());
  }
  check_round_trip(request);
  return 0;
}
